// Takes routes that now check for themselves out of the clerkMiddleware() rules:
//  - a pattern leaves a protected list (`isProtectedRoute = createRouteMatcher([...])`) only when
//    every resource it stops protecting checks for itself (no page, layout or unchecked route);
//  - in the inverted form (`!isPublicRoute(req)`), the route's own pattern joins the public list,
//    under the same condition;
//  - a rule left with an empty list goes, with its createRouteMatcher const and import when nothing
//    else uses them; a handler left with nothing becomes plain clerkMiddleware().
// Each candidate edit is simulated on every resource's sample paths against every rule first (the
// rules' own compiled patterns, as Clerk compiles them); the result is read back with the reader
// and must protect exactly what the simulation says, or the rules stay as they were.
import type { ArrayExpression, ImportDeclaration, Node, VariableDeclaration } from "@babel/types";
import MagicString from "magic-string";
import { pathToRegexp } from "path-to-regexp";
import { CLERK_SERVER } from "../clerk/names.js";
import { type ReadOptions, readClerkRules, routeMatchers } from "../clerk/rules.js";
import { unwrapTs, walk } from "../js/nodes.js";
import { readSource, type SourceFile } from "../js/parse.js";
import { quoteString, spansLines } from "../js/text.js";
import { routeMatcherSource } from "../next/matcher.js";
import type { RoutePath } from "../next/route-path.js";
import { clerkHandler, ruleApplies, type RuleSite } from "./requirement.js";
import { removeListItems, removeSpan, statementSpan } from "./text-edits.js";
import type { KeptReason, ResourceRef, RuleChange } from "./types.js";

/** Anything the rules may protect: a Route Handler, a page, a layout… with its sample paths. */
export interface Resource {
  ref: ResourceRef;
  route?: RoutePath;
  paths: string[];
  /** Whether it still checks every caller `site`'s rule checked, once that rule no longer covers it. */
  safeWithout(site: RuleSite): boolean;
}

export interface RuleEditInput {
  source: SourceFile;
  sites: RuleSite[];
  resources: Resource[];
  /** Route Handlers to take out of the rules (they check for themselves), by file. */
  candidates: Set<string>;
  /** How the middleware was read (the project's Clerk major, the export Next runs): the edit is read back the same way. */
  read?: ReadOptions;
}

export interface RuleEditResult {
  /** The new middleware content, when it changed. */
  after?: string;
  changes: RuleChange[];
  /** For each candidate: out of every rule, or why it stays. */
  outcome: Map<string, { out: boolean; kept: KeptReason[] }>;
  /** For every resource: the rules (their text) that still protect it. */
  remaining: Map<string, string[]>;
}

interface Element {
  node: Node;
  regexp: RegExp;
  /** The pattern: a string's value, or a regular expression as written. */
  text: string;
  /** For a pattern this run adds: the route it exempts. */
  route?: string;
}

/** A createRouteMatcher const: its list, and whether this tool may edit it. */
interface ListMatcher {
  name: string;
  declarator: Node;
  /** The top-level statement declaring it (only this const), when it may be removed whole. */
  statement?: VariableDeclaration;
  array?: ArrayExpression;
  elements: Element[];
  /** Every reference is a matcher call in a rule's test, and the list is literal. */
  editable: boolean;
  /**
   * How the rules use it: `positive` (`m(req)`), `negated` (`!m(req)`). Patterns only leave a
   * list used positively and join a list used negated, so no rule ever protects more than before.
   */
  uses: Set<"positive" | "negated">;
  /** References outside its declaration. */
  references: Node[];
}

interface State {
  removed: Map<string, Set<number>>;
  added: Map<string, Element[]>;
}

const copy = (state: State): State => ({
  removed: new Map([...state.removed].map(([k, v]) => [k, new Set(v)])),
  added: new Map([...state.added].map(([k, v]) => [k, [...v]])),
});

function compile(text: string): RegExp | undefined {
  try {
    return pathToRegexp(text);
  } catch {
    return undefined;
  }
}

function identifierRefs(source: SourceFile, name: string, declarator: Node): Node[] {
  const refs: Node[] = [];
  walk(source.ast.program, (node) => {
    if (node.type === "Identifier" && node.name === name && node !== (declarator as { id?: Node }).id) refs.push(node);
  });
  return refs;
}

function listMatchers(source: SourceFile, sites: RuleSite[]): Map<string, ListMatcher> {
  const testCallees = new Set<Node>();
  for (const site of sites) {
    if (!site.rule.test) continue;
    walk(site.rule.test, (node) => {
      if (node.type === "CallExpression" && node.callee.type === "Identifier") testCallees.add(node.callee);
    });
  }
  const matchers = new Map<string, ListMatcher>();
  for (const [name, matcher] of routeMatchers(source.bindings)) {
    const declarator = matcher.declaration;
    const init = declarator.init ? unwrapTs(declarator.init) : undefined;
    const argument =
      init?.type === "CallExpression" && init.arguments.length === 1 ? unwrapTs(init.arguments[0]!) : undefined;
    const items = argument?.type === "ArrayExpression" ? argument.elements : argument ? [argument] : [];
    const elements: Element[] = [];
    let literal = argument !== undefined;
    for (const item of items) {
      const regexp =
        item?.type === "StringLiteral"
          ? compile(item.value)
          : item?.type === "RegExpLiteral"
            ? new RegExp(item.pattern, item.flags)
            : undefined;
      if (!item || !regexp) {
        literal = false;
        break;
      }
      elements.push({
        node: item,
        regexp,
        text: item.type === "StringLiteral" ? item.value : source.code.slice(item.start ?? 0, item.end ?? 0),
      });
    }
    const statement = source.ast.program.body.find(
      (s): s is VariableDeclaration =>
        s.type === "VariableDeclaration" && s.declarations.length === 1 && s.declarations[0] === declarator,
    );
    const references = identifierRefs(source, name, declarator);
    const editable = literal && !!statement && references.every((ref) => testCallees.has(ref));
    const uses = new Set(
      sites.flatMap((site) =>
        site.rule.terms
          .filter((t) => t.matcher === name)
          .map((t) => (t.negated ? ("negated" as const) : ("positive" as const))),
      ),
    );
    matchers.set(name, {
      name,
      declarator,
      ...(statement ? { statement } : {}),
      ...(argument?.type === "ArrayExpression" ? { array: argument } : {}),
      elements,
      editable,
      uses,
      references,
    });
  }
  return matchers;
}

/** ruleApplies(rule, path), asked once per rule and path: the search asks it many times. */
const protectedBefore = new WeakMap<RuleSite, Map<string, boolean>>();
function protects(site: RuleSite, path: string): boolean {
  let known = protectedBefore.get(site);
  if (!known) protectedBefore.set(site, (known = new Map()));
  let answer = known.get(path);
  if (answer === undefined) known.set(path, (answer = ruleApplies(site.rule, path)));
  return answer;
}

/** Whether `site`'s rule still protects `path` after the edits in `state`. */
function protectsNow(site: RuleSite, path: string, state: State, matchers: Map<string, ListMatcher>): boolean {
  if (!protects(site, path)) return false;
  return site.rule.terms.every((term) => {
    const matcher = matchers.get(term.matcher);
    if (!matcher) return true;
    if (term.negated) return !(state.added.get(term.matcher) ?? []).some((e) => e.regexp.test(path));
    const removed = state.removed.get(term.matcher);
    if (!removed || removed.size === 0) return true;
    return matcher.elements.some((e, i) => !removed.has(i) && e.regexp.test(path));
  });
}

interface Violation {
  resource: Resource;
  path: string;
  site: RuleSite;
}

/** The first resource that would lose a rule it does not check for itself. */
function violation(state: State, input: RuleEditInput, matchers: Map<string, ListMatcher>): Violation | undefined {
  for (const resource of input.resources) {
    for (const path of resource.paths) {
      for (const site of input.sites) {
        if (protects(site, path) && !protectsNow(site, path, state, matchers) && !resource.safeWithout(site))
          return { resource, path, site };
      }
    }
  }
  return undefined;
}

/** The pattern (as written) that made a path lose its protection: for the report. */
function culprit(state: State, matchers: Map<string, ListMatcher>, v: Violation): string | undefined {
  for (const term of v.site.rule.terms) {
    const matcher = matchers.get(term.matcher);
    if (!matcher) continue;
    if (term.negated) {
      const added = (state.added.get(term.matcher) ?? []).find((e) => e.regexp.test(v.path));
      if (added) return added.text;
    } else {
      const removed = [...(state.removed.get(term.matcher) ?? [])]
        .map((i) => matcher.elements[i]!)
        .find((e) => e.regexp.test(v.path));
      if (removed) return removed.text;
    }
  }
  return undefined;
}

/** Plans how the candidates leave the rules; the text edit comes after (see applyEdits). */
export function planRuleEdits(input: RuleEditInput): RuleEditResult {
  const matchers = listMatchers(input.source, input.sites);
  let state: State = { removed: new Map(), added: new Map() };
  const outcome = new Map<string, { out: boolean; kept: KeptReason[] }>();
  const candidates = input.resources.filter((r) => input.candidates.has(r.ref.file));

  for (const resource of candidates) {
    const kept: KeptReason[] = [];
    for (const site of input.sites) {
      if (!resource.paths.some((path) => protectsNow(site, path, state, matchers))) continue;
      const rule = site.rule.text;
      const stillProtects = (s: State) => resource.paths.some((path) => protectsNow(site, path, s, matchers));
      if (site.rule.terms.length === 0) {
        kept.push({ kind: "always", rule });
        continue;
      }
      let why: KeptReason | undefined;
      let done = false;
      // A protected list: drop every pattern of it that matches the route.
      for (const term of site.rule.terms.filter((t) => !t.negated)) {
        const matcher = matchers.get(term.matcher);
        if (!matcher?.editable || matcher.uses.has("negated")) {
          why ??= { kind: "notEditable", rule, matcher: term.matcher };
          continue;
        }
        const next = copy(state);
        const removed = next.removed.get(matcher.name) ?? new Set<number>();
        matcher.elements.forEach((e, i) => {
          if (resource.paths.some((path) => e.regexp.test(path))) removed.add(i);
        });
        next.removed.set(matcher.name, removed);
        if (stillProtects(next)) continue;
        const v = violation(next, input, matchers);
        if (v) {
          const pattern = culprit(next, matchers, v);
          why = { kind: "dependents", rule, ...(pattern ? { pattern } : {}), resource: v.resource.ref };
          continue;
        }
        state = next;
        done = true;
        break;
      }
      // The inverted form: the route joins the public list.
      for (const term of done ? [] : site.rule.terms.filter((t) => t.negated)) {
        const matcher = matchers.get(term.matcher);
        if (!matcher?.editable || matcher.uses.has("positive") || !matcher.array || !resource.route) {
          why ??= { kind: "notEditable", rule, matcher: term.matcher };
          continue;
        }
        const text = routeMatcherSource(resource.route);
        const regexp = compile(text);
        if (!regexp) continue;
        const next = copy(state);
        const added = next.added.get(matcher.name) ?? [];
        if (!added.some((e) => e.text === text))
          added.push({ node: matcher.array, regexp, text, route: resource.ref.route ?? text });
        next.added.set(matcher.name, added);
        if (stillProtects(next)) continue;
        const v = violation(next, input, matchers);
        if (v) {
          why = { kind: "dependents", rule, pattern: text, resource: v.resource.ref };
          continue;
        }
        state = next;
        done = true;
        break;
      }
      if (!done) kept.push(why ?? { kind: "notEditable", rule });
    }
    outcome.set(resource.ref.file, { out: kept.length === 0, kept });
  }

  const remainingFor = (s: State) =>
    new Map(
      input.resources.map((r) => [
        r.ref.file,
        input.sites
          .filter((site) => r.paths.some((path) => protectsNow(site, path, s, matchers)))
          .map((site) => site.rule.text),
      ]),
    );
  const edited = applyEdits(input, matchers, state);
  if (!edited) return { changes: [], outcome, remaining: remainingFor(state) };
  // Read back: the new rules must protect exactly what the simulation says, path by path.
  const check = readSource(edited.after, "middleware", input.source.typescript);
  const reread = check.ok ? readClerkRules(check.source, input.read) : undefined;
  const agrees =
    reread?.ok === true &&
    input.resources.every((r) =>
      r.paths.every(
        (path) =>
          reread.rules.some((rule) => ruleApplies(rule, path)) ===
          input.sites.some((site) => protectsNow(site, path, state, matchers)),
      ),
    );
  if (!agrees) {
    const none: State = { removed: new Map(), added: new Map() };
    for (const [file, result] of outcome) {
      if (result.out)
        outcome.set(file, {
          out: false,
          kept: [{ kind: "verifyFailed", rule: input.sites.map((s) => s.rule.text).join("; ") }],
        });
    }
    return { changes: [], outcome, remaining: remainingFor(none) };
  }
  return { after: edited.after, changes: edited.changes, outcome, remaining: remainingFor(state) };
}

/** The text edit for `state`: patterns out of lists, patterns into lists, dead rules and matchers removed. */
function applyEdits(
  input: RuleEditInput,
  matchers: Map<string, ListMatcher>,
  state: State,
): { after: string; changes: RuleChange[] } | undefined {
  const { source } = input;
  const { code, tokens } = source;
  const changes: RuleChange[] = [];
  const anyEdit =
    [...state.removed.values()].some((s) => s.size > 0) || [...state.added.values()].some((a) => a.length > 0);
  if (!anyEdit) return undefined;
  const ms = new MagicString(code);

  // Lists emptied: their rules can never protect anything again.
  const dead = new Set(
    [...matchers.values()]
      .filter((m) => (state.removed.get(m.name)?.size ?? 0) === m.elements.length && m.elements.length > 0)
      .map((m) => m.name),
  );
  const deadSites = input.sites.filter(
    (site) => site.statement && site.rule.terms.some((t) => !t.negated && dead.has(t.matcher)),
  );
  const removedStatements = new Set<Node>(deadSites.map((s) => s.statement!));
  const inside = (node: Node, outer: Iterable<Node>) =>
    [...outer].some((o) => (o.start ?? 0) <= (node.start ?? 0) && (node.end ?? 0) <= (o.end ?? 0));

  // Matchers whose every use went with those rules (and that this run touched) go too.
  const touched = new Set([...dead, ...deadSites.flatMap((s) => s.rule.terms.map((t) => t.matcher))]);
  const goneMatchers = [...matchers.values()].filter(
    (m) => touched.has(m.name) && m.statement && m.references.every((ref) => inside(ref, removedStatements)),
  );
  const goneDeclarations = new Set<Node>(goneMatchers.map((m) => m.statement!));

  // The handler left with nothing: clerkMiddleware() alone.
  const handler = clerkHandler(source);
  let handlerGone = false;
  if (
    handler &&
    !handler.guarded &&
    deadSites.length > 0 &&
    handler.statements.every((s) => removedStatements.has(s))
  ) {
    const body = handler.fn.body;
    let rest = body.type === "BlockStatement" ? code.slice((body.start ?? 0) + 1, (body.end ?? 0) - 1) : "";
    for (const statement of [...removedStatements].sort((a, b) => (b.start ?? 0) - (a.start ?? 0))) {
      const [from, to] = statementSpan(code, tokens, statement);
      const offset = (body.start ?? 0) + 1;
      rest = rest.slice(0, from - offset) + rest.slice(to - offset);
    }
    handlerGone = body.type !== "BlockStatement" || rest.trim() === "";
  }

  if (handlerGone && handler) {
    const args = handler.call.arguments;
    const first = args[0]!;
    const second = args[1];
    const comma = tokens.find((t) => t.start >= (first.end ?? 0) && !t.label.startsWith("Comment"));
    const end = second ? (second.start ?? 0) : comma?.label === "," ? comma.end : (first.end ?? 0);
    ms.remove(first.start ?? 0, end);
    changes.push({ kind: "handlerRemoved" });
  } else {
    for (const statement of [...removedStatements].sort((a, b) => (a.start ?? 0) - (b.start ?? 0))) {
      const [from, to] = statementSpan(code, tokens, statement);
      removeSpan(ms, code, from, to);
    }
  }
  for (const site of deadSites) changes.push({ kind: "ruleRemoved", rule: site.rule.text });

  for (const matcher of goneMatchers) {
    const [from, to] = statementSpan(code, tokens, matcher.statement!);
    removeSpan(ms, code, from, to);
  }
  for (const matcher of matchers.values()) {
    const removed = state.removed.get(matcher.name) ?? new Set<number>();
    for (const i of [...removed].sort((a, b) => a - b))
      changes.push({ kind: "patternRemoved", matcher: matcher.name, pattern: matcher.elements[i]!.text });
    for (const added of state.added.get(matcher.name) ?? [])
      changes.push({
        kind: "publicPatternAdded",
        matcher: matcher.name,
        pattern: added.text,
        route: added.route ?? added.text,
      });
    if (goneDeclarations.has(matcher.statement as Node)) continue;
    if (removed.size > 0) {
      if (removed.size === matcher.elements.length) {
        const list = matcher.array ?? matcher.elements[0]!.node;
        ms.overwrite(list.start ?? 0, list.end ?? 0, "[]");
      } else if (matcher.array) {
        removeListItems(
          ms,
          code,
          tokens,
          matcher.elements.map((e) => e.node),
          removed,
        );
      }
    }
    const added = state.added.get(matcher.name) ?? [];
    if (added.length > 0 && matcher.array)
      appendToList(
        ms,
        source,
        matcher.array,
        added.map((e) => e.text),
      );
  }
  for (const matcher of goneMatchers) changes.push({ kind: "matcherRemoved", matcher: matcher.name });

  // createRouteMatcher's import, when nothing uses it any more.
  if (goneDeclarations.size > 0) removeUnusedImport(ms, source, goneDeclarations, changes);
  const order: RuleChange["kind"][] = [
    "patternRemoved",
    "publicPatternAdded",
    "ruleRemoved",
    "matcherRemoved",
    "importRemoved",
    "handlerRemoved",
  ];
  changes.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  return { after: ms.toString(), changes };
}

/** Drops `createRouteMatcher` from its import when every use of it was in a removed declaration. */
function removeUnusedImport(ms: MagicString, source: SourceFile, gone: Set<Node>, changes: RuleChange[]): void {
  const { code, tokens } = source;
  for (const statement of source.ast.program.body) {
    if (statement.type !== "ImportDeclaration" || statement.source.value !== CLERK_SERVER) continue;
    const specifiers = statement.specifiers;
    const drop = new Set<number>();
    specifiers.forEach((spec, i) => {
      if (spec.type !== "ImportSpecifier") return;
      const imported = spec.imported.type === "Identifier" ? spec.imported.name : spec.imported.value;
      if (imported !== "createRouteMatcher") return;
      const refs: Node[] = [];
      walk(source.ast.program, (node) => {
        if (
          node.type === "Identifier" &&
          node.name === spec.local.name &&
          node !== spec.local &&
          node !== spec.imported
        )
          refs.push(node);
      });
      if (
        refs.every((ref) => [...gone].some((g) => (g.start ?? 0) <= (ref.start ?? 0) && (ref.end ?? 0) <= (g.end ?? 0)))
      )
        drop.add(i);
    });
    if (drop.size === 0) continue;
    changes.push({ kind: "importRemoved", name: "createRouteMatcher" });
    if (drop.size === specifiers.length) {
      const [from, to] = statementSpan(code, tokens, statement as ImportDeclaration);
      removeSpan(ms, code, from, to);
    } else {
      removeListItems(ms, code, tokens, specifiers, drop);
    }
  }
}

/** Appends patterns to a list, keeping its layout: one per line, or inline. */
function appendToList(ms: MagicString, source: SourceFile, array: ArrayExpression, patterns: string[]): void {
  const { code, tokens } = source;
  const strings = array.elements.filter(
    (e): e is Extract<NonNullable<typeof e>, { type: "StringLiteral" }> => e?.type === "StringLiteral",
  );
  const quote = strings[0] ? (code[strings[0].start ?? 0] === "'" ? "'" : '"') : source.style.quote;
  const literals = patterns.map((p) => quoteString(p, quote));
  const elements = array.elements.filter((e): e is NonNullable<typeof e> => e !== null);
  const last = elements.at(-1);
  if (!last) {
    ms.overwrite(array.start ?? 0, array.end ?? 0, `[${literals.join(", ")}]`);
    return;
  }
  const close = (array.end ?? 0) - 1;
  const comma = tokens.find((t) => t.label === "," && t.start >= (last.end ?? 0) && t.start < close);
  if (spansLines(code, array.start ?? 0, array.end ?? 0)) {
    const lineStart = code.lastIndexOf("\n", (last.start ?? 0) - 1) + 1;
    const indent = /^[ \t]*/.exec(code.slice(lineStart))?.[0] ?? "";
    const anchor = comma?.end ?? last.end ?? 0;
    const lineEnd = code.indexOf("\n", anchor);
    const trailing = tokens.find(
      (t) => t.label.startsWith("Comment") && t.start >= anchor && (lineEnd === -1 || t.start < lineEnd),
    );
    const at = trailing ? trailing.end : anchor;
    if (!comma) ms.appendLeft(last.end ?? 0, ",");
    ms.appendLeft(at, literals.map((l) => `${source.style.eol}${indent}${l}${comma ? "," : ""}`).join(""));
    return;
  }
  const space =
    elements.length > 1
      ? (/^\s*,(\s*)$/.exec(code.slice(elements[0]!.end ?? 0, elements[1]!.start ?? 0))?.[1] ?? " ")
      : " ";
  if (comma) ms.appendLeft(comma.end, literals.map((l) => `${space}${l},`).join(""));
  else ms.appendLeft(last.end ?? 0, literals.map((l) => `,${space}${l}`).join(""));
}
