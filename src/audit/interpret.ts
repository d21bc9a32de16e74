// An interpreter of route handlers for one caller: anonymous (signed out, no token, no valid
// signature, no secret). It follows every path that caller can take: a branch the caller decides
// (`if (!userId)`, a verifier that throws) is taken alone and marks what runs inside it as guarded;
// a branch anything else decides is explored both ways (joined when both go on). Project functions
// (same file, imported modules, closures, wrappers) are run in place, several levels deep, cycles
// guarded. A path ends in a guarded exit (a check), a refusal (a throw, a 4xx/5xx or redirect,
// no response), an answer (anything else: the caller gets it) or an unknown.
//
// One concept, one class: statements, patterns, expressions and calls are the interpreter's cases
// and share its state, so they stay together; the paths it follows and joins (paths.ts) and the
// pure operations on values (operators.ts) live beside it.
import type { Node, Statement } from "@babel/types";
import { stringValue } from "../js/nodes.js";
import {
  callLibrary,
  derived,
  frameworkKind,
  globalValue,
  isVerifyingWrapper,
  libraryMember,
  type LibraryContext,
} from "./library.js";
import {
  Binding,
  native,
  obj,
  prim,
  tainted,
  truthiness,
  union,
  UNDEFINED,
  UNKNOWN,
  type ModuleScope,
  type Scope,
  type Source,
  type Value,
} from "./values.js";
import { assignedNames, binary, holdsEnvironment, propertyKey, unary, unwrap, visit } from "./operators.js";
import {
  fork,
  joinNormals,
  joinResults,
  joinStates,
  joinValues,
  type Completion,
  type Res,
  type State,
} from "./paths.js";

export type { State } from "./paths.js";
export { visit } from "./operators.js";

export class TooComplex extends Error {}

const MAX_STEPS = 60_000;
const MAX_PATHS = 200;
const MAX_DEPTH = 24;
const MAX_RETURNS = 8;

export interface InterpreterContext extends LibraryContext {
  steps: number;
  /** The project functions being run, outermost first (the handler itself is not on it). */
  stack: Array<{ node: Node; label: string; path: string }>;
  /** The helper a check was first seen in: "requireUser() in lib/auth.ts". */
  via?: string;
  /** Text of a node in its module, for recorded checks. */
  text(node: Node, module: ModuleScope): string;
  /** Whether a function body calls Clerk (for a callback handed to an unknown library). */
  mentionsClerk(fn: Node, module: ModuleScope): boolean;
}

export class Interpreter {
  constructor(public ctx: InterpreterContext) {}

  private tick(): void {
    if (++this.ctx.steps > MAX_STEPS) throw new TooComplex("too many steps");
  }

  /** A check happened: inside a helper, remember which. */
  private seenCheck(): void {
    const [outermost] = this.ctx.stack;
    if (outermost && !this.ctx.via) this.ctx.via = `${outermost.label}() in ${outermost.path}`;
  }

  // ---- scopes ----

  newScope(parent: Scope): Scope {
    return { vars: new Map(), parent, module: parent.module };
  }

  lookup(name: string, scope: Scope, st: State): Value {
    for (let at: Scope | undefined = scope; at; at = at.parent) {
      const binding = at.vars.get(name);
      if (binding) return st.store.get(binding) ?? (binding.reassigned ? UNKNOWN : (binding.declared ?? UNDEFINED));
    }
    return scope.module.lookupLocal(name) ?? scope.module.lookupImport(name) ?? globalValue(name) ?? UNKNOWN;
  }

  private bindingOf(name: string, scope: Scope): Binding | undefined {
    for (let at: Scope | undefined = scope; at; at = at.parent) {
      const binding = at.vars.get(name);
      if (binding) return binding;
    }
    return undefined;
  }

  private declare(name: string, scope: Scope, st: State, value: Value, kind: Binding["kind"] = "let"): void {
    const binding = new Binding(name, kind);
    binding.declared = tainted(value, st.forced);
    // Its declared value stands for a closure run on another path only if nothing can change it:
    // not assigned anywhere in the function (nested functions included), not declared on two paths.
    if (scope.vars.has(name) || assignedIn(scope).has(name)) binding.reassigned = true;
    scope.vars.set(name, binding);
    st.store.set(binding, binding.declared);
  }

  private assign(name: string, scope: Scope, st: State, value: Value): void {
    const binding = this.bindingOf(name, scope);
    if (!binding) return;
    binding.reassigned = true;
    st.store.set(binding, tainted(value, st.forced));
  }

  /** A branch the caller decided was not taken: what it would have assigned depends on the caller too. */
  private taintAssigned(node: Node | null | undefined, scope: Scope, st: State, sources: Source[]): void {
    if (!node) return;
    for (const name of assignedNames(node)) {
      const binding = this.bindingOf(name, scope);
      if (!binding) continue;
      binding.reassigned = true;
      st.store.set(binding, tainted(st.store.get(binding) ?? UNDEFINED, sources));
    }
  }

  // ---- functions ----

  /** Calls a project function: its returns joined into one value, its throws apart. */
  callFunction(f: Extract<Value, { k: "fn" }>, args: Value[], st: State, label = "a function"): Res[] {
    const callerForced = st.forced;
    if (this.ctx.stack.some((entry) => entry.node === f.fn) || this.ctx.stack.length >= MAX_DEPTH)
      return [{ v: UNKNOWN, st }];
    this.ctx.stack.push({ node: f.fn, label, path: f.scope.module.path });
    try {
      const ends = this.runFunction(f, args, st);
      const results: Res[] = ends.map((end) => {
        const after = { ...end.st, forced: callerForced };
        if (end.t === "throw")
          return f.fn.async
            ? { v: { k: "promise", rejects: end.src, taint: [] }, st: after }
            : { thr: end.src, st: after };
        const value = end.t === "return" ? end.v : UNDEFINED;
        if (!f.fn.async) return { v: value, st: after };
        if (value.k === "promise") return { v: value, st: after };
        return { v: { k: "promise", value, taint: value.taint }, st: after };
      });
      // Each way the function returns goes on apart (a 429 Response or null: `if (limited) return limited`
      // must see which); past a few, they are joined.
      return results.length > MAX_RETURNS ? joinResults(results) : results;
    } finally {
      this.ctx.stack.pop();
    }
  }

  /** Runs a function's body: every way it ends (the handler's paths, or a helper's). */
  runFunction(
    f: Extract<Value, { k: "fn" }>,
    args: Value[],
    st: State,
  ): Array<Exclude<Completion, { t: "break" | "continue" }>> {
    if (f.fn.generator) return [{ t: "return", v: UNKNOWN, st }];
    const scope: Scope = { ...this.newScope(f.scope), assigned: assignedNames(f.fn.body) };
    let states: Res[] = [{ v: UNDEFINED, st }];
    f.fn.params.forEach((param, i) => {
      states = states.flatMap((r) => ("thr" in r ? [r] : this.bindPattern(param, args[i] ?? UNDEFINED, scope, r.st)));
    });
    const out: Array<Exclude<Completion, { t: "break" | "continue" }>> = [];
    for (const r of states) {
      if ("thr" in r) {
        out.push({ t: "throw", src: r.thr, st: r.st });
        continue;
      }
      if (f.fn.body.type !== "BlockStatement") {
        for (const e of this.expr(f.fn.body, scope, r.st)) {
          out.push("thr" in e ? { t: "throw", src: e.thr, st: e.st } : { t: "return", v: e.v, st: e.st });
        }
        continue;
      }
      for (const c of this.block(f.fn.body.body, scope, r.st)) {
        if (c.t === "return" || c.t === "throw") out.push(c);
        else out.push({ t: "normal", st: c.st });
      }
    }
    return out;
  }

  // ---- statements ----

  block(statements: Statement[], outer: Scope, st: State, newScope = true): Completion[] {
    const scope = newScope ? this.newScope(outer) : outer;
    for (const statement of statements) {
      if (statement.type === "FunctionDeclaration" && statement.id)
        this.declare(statement.id.name, scope, st, { k: "fn", fn: statement, scope, taint: [] });
    }
    let current: Completion[] = [{ t: "normal", st }];
    for (const statement of statements) {
      const next: Completion[] = [];
      for (const c of current) {
        if (c.t !== "normal") next.push(c);
        else next.push(...this.statement(statement, scope, c.st));
      }
      current = joinNormals(next);
      if (current.length > MAX_PATHS) throw new TooComplex("too many paths");
    }
    return current;
  }

  statement(node: Statement, scope: Scope, st: State): Completion[] {
    this.tick();
    switch (node.type) {
      case "ExpressionStatement":
        return this.expr(node.expression, scope, st).map((r) => {
          if ("thr" in r) return { t: "throw", src: r.thr, st: r.st };
          if (r.v.k === "promise" && r.v.rejects?.includes("protect")) this.ctx.protectNotAwaited();
          return { t: "normal", st: r.st };
        });
      case "VariableDeclaration": {
        let results: Res[] = [{ v: UNDEFINED, st }];
        for (const d of node.declarations) {
          results = results.flatMap((r) => {
            if ("thr" in r) return [r];
            const inits = d.init ? this.expr(d.init, scope, r.st) : [{ v: UNDEFINED, st: r.st }];
            return inits.flatMap((i) => ("thr" in i ? [i] : this.bindPattern(d.id, i.v, scope, i.st)));
          });
        }
        return results.map((r) => ("thr" in r ? { t: "throw", src: r.thr, st: r.st } : { t: "normal", st: r.st }));
      }
      case "ReturnStatement": {
        const argument = node.argument ? unwrap(node.argument) : undefined;
        if (argument?.type === "ConditionalExpression") {
          // `return cond ? a : b`: a check when the caller decides cond.
          return this.branch(
            argument.test,
            { type: "ReturnStatement", argument: argument.consequent } as Statement,
            { type: "ReturnStatement", argument: argument.alternate } as Statement,
            scope,
            st,
          );
        }
        if (!node.argument) return [{ t: "return", v: UNDEFINED, st }];
        return this.expr(node.argument, scope, st).map((r) =>
          "thr" in r ? { t: "throw", src: r.thr, st: r.st } : { t: "return", v: tainted(r.v, r.st.forced), st: r.st },
        );
      }
      case "ThrowStatement":
        return this.expr(node.argument, scope, st).map((r) => ({
          t: "throw",
          src: "thr" in r ? r.thr : r.st.forced,
          st: r.st,
        }));
      case "IfStatement":
        return this.branch(node.test, node.consequent, node.alternate ?? undefined, scope, st);
      case "BlockStatement":
        return this.block(node.body, scope, st);
      case "TryStatement":
        return this.tryStatement(node, scope, st);
      case "SwitchStatement":
        return this.switchStatement(node, scope, st);
      case "ForStatement":
      case "ForInStatement":
      case "ForOfStatement":
      case "WhileStatement":
      case "DoWhileStatement":
        return this.loop(node, scope, st);
      case "LabeledStatement":
        return this.statement(node.body, scope, st).map((c) =>
          (c.t === "break" || c.t === "continue") && c.label === node.label.name ? { t: "normal", st: c.st } : c,
        );
      case "BreakStatement":
        return [{ t: "break", label: node.label?.name, st }];
      case "ContinueStatement":
        return [{ t: "continue", label: node.label?.name, st }];
      case "ClassDeclaration":
        if (node.id) this.declare(node.id.name, scope, st, UNKNOWN);
        return [{ t: "normal", st }];
      default:
        return [{ t: "normal", st }];
    }
  }

  /** if / return-conditional: the caller decides the test (one branch, guarded), or it is constant, or both run. */
  private branch(
    test: Node,
    consequent: Statement,
    alternate: Statement | undefined,
    scope: Scope,
    st: State,
  ): Completion[] {
    const out: Completion[] = [];
    for (const r of this.expr(test, scope, st)) {
      if ("thr" in r) {
        out.push({ t: "throw", src: r.thr, st: r.st });
        continue;
      }
      const decided = truthiness(r.v);
      if (r.v.k === "opaque") r.st.doubt ??= r.v.why;
      if (decided === undefined) {
        const a = this.statement(consequent, scope, fork(r.st));
        const b = alternate ? this.statement(alternate, scope, fork(r.st)) : [{ t: "normal" as const, st: fork(r.st) }];
        out.push(...joinNormals([...a, ...b]));
        continue;
      }
      const chosen = decided ? consequent : alternate;
      const other = decided ? alternate : consequent;
      if (r.v.taint.length === 0) {
        out.push(...(chosen ? this.statement(chosen, scope, r.st) : [{ t: "normal" as const, st: r.st }]));
        continue;
      }
      const outer = r.st.forced;
      this.seenCheck();
      this.taintAssigned(other, scope, r.st, r.v.taint);
      const inner = { ...r.st, forced: union(outer, r.v.taint) };
      const done = chosen ? this.statement(chosen, scope, inner) : [{ t: "normal" as const, st: inner }];
      out.push(
        ...done.map((c) =>
          c.t === "normal" || c.t === "break" || c.t === "continue" ? { ...c, st: { ...c.st, forced: outer } } : c,
        ),
      );
    }
    return out;
  }

  private tryStatement(node: Extract<Statement, { type: "TryStatement" }>, scope: Scope, st: State): Completion[] {
    let completions: Completion[] = [];
    for (const c of this.block(node.block.body, scope, st)) {
      if (c.t !== "throw" || !node.handler) {
        completions.push(c);
        continue;
      }
      const outer = c.st.forced;
      const catchScope = this.newScope(scope);
      const inner: State = { ...c.st, forced: union(outer, c.src) };
      const bound = node.handler.param
        ? this.bindPattern(node.handler.param, UNKNOWN, catchScope, inner)
        : [{ v: UNDEFINED, st: inner }];
      for (const b of bound) {
        if ("thr" in b) continue;
        for (const h of this.block(node.handler.body.body, catchScope, b.st)) {
          completions.push(
            h.t === "normal" || h.t === "break" || h.t === "continue" ? { ...h, st: { ...h.st, forced: outer } } : h,
          );
        }
      }
    }
    completions = joinNormals(completions);
    if (!node.finalizer) return completions;
    const finalizer = node.finalizer;
    return completions.flatMap((c) =>
      this.block(finalizer.body, scope, c.st).map((f) => (f.t === "normal" ? { ...c, st: f.st } : f)),
    );
  }

  private switchStatement(
    node: Extract<Statement, { type: "SwitchStatement" }>,
    scope: Scope,
    st: State,
  ): Completion[] {
    const out: Completion[] = [];
    for (const r of this.expr(node.discriminant, scope, st)) {
      if ("thr" in r) {
        out.push({ t: "throw", src: r.thr, st: r.st });
        continue;
      }
      const inner = this.newScope(scope);
      const starts = node.cases.map((_, i) => i);
      if (!node.cases.some((c) => c.test === null)) out.push({ t: "normal", st: fork(r.st) });
      for (const start of starts) {
        const statements = node.cases.slice(start).flatMap((c) => c.consequent);
        for (const c of this.block(statements, inner, fork(r.st), false)) {
          out.push(c.t === "break" && c.label === undefined ? { t: "normal", st: c.st } : c);
        }
      }
    }
    return joinNormals(out);
  }

  private loop(
    node: Extract<
      Statement,
      { type: "ForStatement" | "ForInStatement" | "ForOfStatement" | "WhileStatement" | "DoWhileStatement" }
    >,
    scope: Scope,
    st: State,
  ): Completion[] {
    const loopScope = this.newScope(scope);
    let entry = st;
    if (node.type === "ForStatement" && node.init) {
      const init =
        node.init.type === "VariableDeclaration"
          ? this.statement(node.init, loopScope, st)
          : this.expr(node.init, loopScope, st).map((r) =>
              "thr" in r ? { t: "throw" as const, src: r.thr, st: r.st } : { t: "normal" as const, st: r.st },
            );
      const normal = init.find((c) => c.t === "normal");
      if (!normal) return init;
      entry = normal.st;
    }
    // What the body assigns may hold anything from an earlier iteration.
    for (const name of assignedNames(node.body)) {
      const binding = this.bindingOf(name, loopScope);
      if (!binding) continue;
      binding.reassigned = true;
      entry.store.set(binding, joinValues(entry.store.get(binding) ?? UNDEFINED, UNKNOWN));
    }
    const bodyState = fork(entry);
    if (node.type === "ForOfStatement" || node.type === "ForInStatement") {
      const left = node.left;
      const pattern = left.type === "VariableDeclaration" ? left.declarations[0]?.id : left;
      if (pattern) for (const b of this.bindPattern(pattern, UNKNOWN, loopScope, bodyState)) void b;
    }
    const body = this.statement(node.body, loopScope, bodyState).map((c): Completion => {
      if ((c.t === "break" || c.t === "continue") && c.label === undefined) return { t: "normal", st: c.st };
      return c;
    });
    const skip: Completion[] = node.type === "DoWhileStatement" ? [] : [{ t: "normal", st: fork(entry) }];
    return joinNormals([...skip, ...body]);
  }

  // ---- patterns ----

  bindPattern(pattern: Node, value: Value, scope: Scope, st: State): Res[] {
    switch (pattern.type) {
      case "Identifier":
        this.declare(pattern.name, scope, st, value);
        return [{ v: value, st }];
      case "AssignmentPattern": {
        if (value.k === "prim" && value.v === undefined) {
          return this.expr(pattern.right, scope, st).flatMap((r) =>
            "thr" in r ? [r] : this.bindPattern(pattern.left, r.v, scope, r.st),
          );
        }
        return this.bindPattern(pattern.left, value, scope, st);
      }
      case "ObjectPattern": {
        if (value.k === "prim" && value.v == null) return [{ thr: [], st }]; // TypeError: a 500
        let results: Res[] = [{ v: value, st }];
        for (const prop of pattern.properties) {
          results = results.flatMap((r) => {
            if ("thr" in r) return [r];
            if (prop.type === "RestElement")
              return this.bindPattern(prop.argument, tainted(UNKNOWN, value.taint), scope, r.st);
            const key = !prop.computed
              ? prop.key.type === "Identifier"
                ? prop.key.name
                : stringValue(prop.key)
              : undefined;
            const member = key === undefined ? tainted(UNKNOWN, value.taint) : this.member(value, key);
            return this.bindPattern(prop.value, "thr" in member ? UNKNOWN : member, scope, r.st);
          });
        }
        return results;
      }
      case "ArrayPattern": {
        let results: Res[] = [{ v: value, st }];
        pattern.elements.forEach((element, i) => {
          if (!element) return;
          results = results.flatMap((r) => {
            if ("thr" in r) return [r];
            const member =
              element.type === "RestElement" ? tainted(UNKNOWN, value.taint) : this.member(value, String(i));
            return this.bindPattern(
              element.type === "RestElement" ? element.argument : element,
              "thr" in member ? UNKNOWN : member,
              scope,
              r.st,
            );
          });
        });
        return results;
      }
      case "RestElement":
        return this.bindPattern(pattern.argument, UNKNOWN, scope, st);
      case "MemberExpression":
        return [{ v: value, st }];
      default:
        return [{ v: value, st }];
    }
  }

  // ---- expressions ----

  /** A property of a value; `{ thr }` when reading it throws (a property of null or undefined). */
  member(value: Value, name: string, optional = false): Value | { thr: Source[] } {
    switch (value.k) {
      case "prim":
        if (value.v == null) return optional ? value : { thr: [] };
        return tainted(UNKNOWN, value.taint);
      case "obj": {
        // NEXT_PUBLIC_ variables ship in the client bundle: anyone can read them, so they are no secret.
        const own = value.props.get(name);
        if (own === undefined && value.fallback?.k === "secret" && name.startsWith("NEXT_PUBLIC_")) return UNKNOWN;
        return tainted(own ?? value.fallback ?? UNDEFINED, value.taint);
      }
      case "lib":
        return libraryMember(value, name);
      case "request":
        return value;
      case "secret":
        if (name === "includes" || name === "has" || name === "startsWith" || name === "endsWith") {
          return native(name, (args) => ({ value: args[0]?.k === "request" ? prim(false, ["secret"]) : UNKNOWN }));
        }
        return value;
      case "promise":
        if (name === "then" || name === "catch" || name === "finally") {
          return native(name, () => ({ value: { k: "promise", value: UNKNOWN, taint: value.taint } }));
        }
        return tainted(UNDEFINED, value.taint);
      case "opaque":
        return value;
      default:
        return tainted(UNKNOWN, value.taint);
    }
  }

  expr(node: Node, scope: Scope, st: State): Res[] {
    this.tick();
    switch (node.type) {
      case "Identifier":
        return [{ v: this.lookup(node.name, scope, st), st }];
      case "StringLiteral":
      case "NumericLiteral":
      case "BooleanLiteral":
        return [{ v: prim(node.value), st }];
      case "NullLiteral":
        return [{ v: prim(null), st }];
      case "RegExpLiteral":
        return [{ v: obj({}, [], UNKNOWN), st }];
      case "TemplateLiteral":
        return this.many(node.expressions, scope, st, (values) => {
          if (values.every((v) => v.k === "prim")) {
            let text = node.quasis[0]?.value.cooked ?? "";
            values.forEach(
              (v, i) => (text += String((v as { v: unknown }).v) + (node.quasis[i + 1]?.value.cooked ?? "")),
            );
            return prim(
              text,
              values.reduce<Source[]>((acc, v) => union(acc, v.taint), []),
            );
          }
          return derived(values);
        });
      case "ParenthesizedExpression":
      case "TSAsExpression":
      case "TSSatisfiesExpression":
      case "TSTypeAssertion":
      case "TSNonNullExpression":
      case "TypeCastExpression":
        return this.expr(node.expression, scope, st);
      case "SequenceExpression":
        return this.many(node.expressions, scope, st, (values) => values[values.length - 1] ?? UNDEFINED);
      case "UnaryExpression":
        return this.expr(node.argument, scope, st).map((r) =>
          "thr" in r ? r : { v: unary(node.operator, r.v), st: r.st },
        );
      case "BinaryExpression":
        return this.many([node.left as Node, node.right], scope, st, ([a, b]) => binary(node.operator, a!, b!));
      case "LogicalExpression":
        return this.logical(node, scope, st);
      case "ConditionalExpression":
        return this.expr(node.test, scope, st).flatMap((r) => {
          if ("thr" in r) return [r];
          const decided = truthiness(r.v);
          if (decided === undefined) {
            return joinResults([
              ...this.expr(node.consequent, scope, fork(r.st)),
              ...this.expr(node.alternate, scope, fork(r.st)),
            ]).map((x) => ("v" in x ? { ...x, v: tainted(x.v, r.v.taint) } : x));
          }
          return this.expr(decided ? node.consequent : node.alternate, scope, r.st).map((x) =>
            "v" in x ? { ...x, v: tainted(x.v, r.v.taint) } : x,
          );
        });
      case "AssignmentExpression":
        return this.assignment(node, scope, st);
      case "UpdateExpression":
        if (node.argument.type === "Identifier") this.assign(node.argument.name, scope, st, UNKNOWN);
        return [{ v: UNKNOWN, st }];
      case "AwaitExpression":
        return this.expr(node.argument, scope, st).map((r) => {
          if ("thr" in r) return r;
          if (r.v.k === "promise")
            return r.v.rejects
              ? { thr: union(r.v.rejects, r.st.forced), st: r.st }
              : { v: tainted(r.v.value ?? UNKNOWN, r.v.taint), st: r.st };
          return r;
        });
      case "ArrowFunctionExpression":
      case "FunctionExpression":
        return [{ v: { k: "fn", fn: node, scope, taint: [] }, st }];
      case "ObjectExpression":
        return this.object(node, scope, st);
      case "ArrayExpression":
        return this.many(
          node.elements
            .filter((e): e is NonNullable<typeof e> => e !== null)
            .map((e) => (e.type === "SpreadElement" ? e.argument : e)),
          scope,
          st,
          (values) => obj(Object.fromEntries(values.map((v, i) => [String(i), v])), [], UNKNOWN),
        );
      case "MemberExpression":
      case "OptionalMemberExpression":
        return this.memberExpr(node, scope, st);
      case "CallExpression":
      case "OptionalCallExpression":
      case "NewExpression":
        return this.call(node, scope, st);
      case "JSXElement":
      case "JSXFragment":
        return [{ v: obj({}, [], UNKNOWN), st }];
      default:
        return [{ v: UNKNOWN, st }];
    }
  }

  /** Evaluates nodes left to right; `combine` gets their values on each path. */
  private many(nodes: Node[], scope: Scope, st: State, combine: (values: Value[]) => Value): Res[] {
    let partial: Array<{ values: Value[]; st: State } | { thr: Source[]; st: State }> = [{ values: [], st }];
    for (const n of nodes) {
      partial = partial.flatMap((p) =>
        "thr" in p
          ? [p]
          : this.expr(n, scope, p.st).map((r) => ("thr" in r ? r : { values: [...p.values, r.v], st: r.st })),
      );
    }
    return partial.map((p) => ("thr" in p ? p : { v: combine(p.values), st: p.st }));
  }

  private logical(node: Extract<Node, { type: "LogicalExpression" }>, scope: Scope, st: State): Res[] {
    return this.expr(node.left, scope, st).flatMap((left) => {
      if ("thr" in left) return [left];
      const a = left.v;
      const short =
        node.operator === "&&"
          ? truthiness(a) === false
          : node.operator === "||"
            ? truthiness(a) === true
            : a.k !== "prim"
              ? a.k !== "unknown" && a.k !== "request" && a.k !== "opaque"
              : a.v != null;
      if (short) return [{ v: a, st: left.st }];
      const decided = node.operator === "??" ? a.k === "prim" && a.v == null : truthiness(a) !== undefined;
      const rights = this.expr(node.right, scope, decided ? left.st : fork(left.st));
      if (decided) return rights.map((r) => ("thr" in r ? r : { v: tainted(r.v, a.taint), st: r.st }));
      // The right side may or may not run: its throws are not certain, its value joins the left's.
      const values = rights.filter((r): r is { v: Value; st: State } => "v" in r);
      if (values.length === 0) return [{ v: tainted(UNKNOWN, a.taint), st: left.st }];
      return joinResults(
        values.map((r) => {
          const taint = union(a.taint, r.v.taint);
          const b = truthiness(r.v);
          // `x || true` is truthy and `x && false` falsy whatever x is: the right side decides.
          if (node.operator === "||" && b === true) return { v: prim(true, taint), st: joinStates([left.st, r.st]) };
          if (node.operator === "&&" && b === false) return { v: prim(false, taint), st: joinStates([left.st, r.st]) };
          return { v: tainted(joinValues(a, r.v), taint), st: joinStates([left.st, r.st]) };
        }),
      );
    });
  }

  private assignment(node: Extract<Node, { type: "AssignmentExpression" }>, scope: Scope, st: State): Res[] {
    const target = node.left;
    const current = target.type === "Identifier" ? this.lookup(target.name, scope, st) : UNKNOWN;
    return this.expr(node.right, scope, st).map((r) => {
      if ("thr" in r) return r;
      let value = r.v;
      if (node.operator === "??=")
        value =
          current.k === "prim" && current.v != null ? current : current.k === "prim" ? r.v : joinValues(current, r.v);
      else if (node.operator === "||=")
        value = truthiness(current) === true ? current : truthiness(current) === false ? r.v : joinValues(current, r.v);
      else if (node.operator === "&&=")
        value = truthiness(current) === false ? current : truthiness(current) === true ? r.v : joinValues(current, r.v);
      else if (node.operator !== "=") value = binary(node.operator.slice(0, -1), current, r.v);
      if (target.type === "Identifier") this.assign(target.name, scope, r.st, value);
      else if (target.type === "ObjectPattern" || target.type === "ArrayPattern")
        this.assignPattern(target, value, scope, r.st);
      return { v: value, st: r.st };
    });
  }

  private assignPattern(pattern: Node, value: Value, scope: Scope, st: State): void {
    visit(pattern, (child) => {
      if (child.type === "Identifier") this.assign(child.name, scope, st, tainted(UNKNOWN, value.taint));
    });
  }

  private object(node: Extract<Node, { type: "ObjectExpression" }>, scope: Scope, st: State): Res[] {
    let results: Array<{ props: Map<string, Value>; fallback?: Value; st: State } | { thr: Source[]; st: State }> = [
      { props: new Map(), st },
    ];
    for (const prop of node.properties) {
      results = results.flatMap((p) => {
        if ("thr" in p) return [p];
        if (prop.type === "ObjectMethod") {
          const key = !prop.computed && prop.key.type === "Identifier" ? prop.key.name : undefined;
          if (key && prop.kind === "method") p.props.set(key, { k: "fn", fn: prop as never, scope, taint: [] });
          return [p];
        }
        if (prop.type === "SpreadElement") {
          return this.expr(prop.argument, scope, p.st).map((r) => {
            if ("thr" in r) return r;
            if (r.v.k === "obj") for (const [k, v] of r.v.props) p.props.set(k, v);
            else return { props: p.props, fallback: UNKNOWN, st: r.st };
            return { ...p, st: r.st };
          });
        }
        const key = !prop.computed
          ? prop.key.type === "Identifier"
            ? prop.key.name
            : stringValue(prop.key)
          : undefined;
        return this.expr(prop.value as Node, scope, p.st).map((r) => {
          if ("thr" in r) return r;
          const props = new Map(p.props);
          if (key !== undefined) props.set(key, r.v);
          return { props, ...(key === undefined || p.fallback ? { fallback: UNKNOWN } : {}), st: r.st };
        });
      });
    }
    return results.map((p) =>
      "thr" in p
        ? p
        : {
            v: { k: "obj", props: p.props, taint: [], ...(p.fallback ? { fallback: p.fallback } : {}) } as Value,
            st: p.st,
          },
    );
  }

  private memberExpr(
    node: Extract<Node, { type: "MemberExpression" | "OptionalMemberExpression" }>,
    scope: Scope,
    st: State,
  ): Res[] {
    return this.expr(node.object, scope, st).flatMap((r) => {
      if ("thr" in r) return [r];
      const optional = node.type === "OptionalMemberExpression" && node.optional === true;
      const keys = propertyKey(node);
      if (keys === undefined)
        return [
          {
            v: tainted(r.v.k === "request" || r.v.k === "secret" || r.v.k === "opaque" ? r.v : UNKNOWN, r.v.taint),
            st: r.st,
          },
        ];
      const value = this.member(r.v, keys, optional || node.type === "OptionalMemberExpression");
      return ["thr" in value ? { thr: value.thr, st: r.st } : { v: value, st: r.st }];
    });
  }

  private call(
    node: Extract<Node, { type: "CallExpression" | "OptionalCallExpression" | "NewExpression" }>,
    scope: Scope,
    st: State,
  ): Res[] {
    const callee = node.callee;
    if (callee.type === "Super" || callee.type === "V8IntrinsicIdentifier" || callee.type === "Import")
      return [{ v: UNKNOWN, st }];
    const targets: Array<{ fn: Value; self?: Value; st: State } | { thr: Source[]; st: State }> =
      callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression"
        ? this.expr(callee.object, scope, st).flatMap((r) => {
            if ("thr" in r) return [r];
            const key = propertyKey(callee);
            const m =
              key === undefined
                ? tainted(r.v.k === "request" || r.v.k === "secret" ? r.v : UNKNOWN, r.v.taint)
                : this.member(r.v, key, callee.type === "OptionalMemberExpression");
            return ["thr" in m ? { thr: m.thr, st: r.st } : { fn: m, self: r.v, st: r.st }];
          })
        : this.expr(callee, scope, st).map((r) => ("thr" in r ? r : { fn: r.v, st: r.st }));
    const args = node.arguments.map((a) => (a.type === "SpreadElement" ? a.argument : a)) as Node[];
    return targets.flatMap((t) => {
      if ("thr" in t) return [t];
      if (node.type === "OptionalCallExpression" && node.optional && t.fn.k === "prim" && t.fn.v == null)
        return [{ v: UNDEFINED, st: t.st }];
      let evaluated: Array<{ values: Value[]; st: State } | { thr: Source[]; st: State }> = [{ values: [], st: t.st }];
      for (const a of args) {
        evaluated = evaluated.flatMap((p) =>
          "thr" in p
            ? [p]
            : this.expr(a, scope, p.st).map((r) => ("thr" in r ? r : { values: [...p.values, r.v], st: r.st })),
        );
      }
      const label = this.ctx.text(callee, scope.module);
      return evaluated.flatMap((e) =>
        "thr" in e ? [e] : this.apply(t.fn, e.values, args, t.self, e.st, node.type === "NewExpression", scope, label),
      );
    });
  }

  apply(
    fn: Value,
    args: Value[],
    argNodes: Node[],
    self: Value | undefined,
    st: State,
    construct: boolean,
    scope: Scope,
    label?: string,
  ): Res[] {
    switch (fn.k) {
      case "fn":
        return this.callFunction(fn, args, st, label).map((r) => ("v" in r ? { ...r, v: tainted(r.v, fn.taint) } : r));
      case "native": {
        if (fn.name === "has" && argNodes[0]) this.ctx.check(this.ctx.text(argNodes[0], scope.module));
        const outcome = fn.call(args, self);
        if ("throws" in outcome) return [{ thr: union(outcome.throws, st.forced), st }];
        if ("sends" in outcome) return [{ v: outcome.value, st: { ...st, sent: outcome.sends ?? "unknown" } }];
        return [{ v: outcome.value, st }];
      }
      case "lib": {
        const texts = argNodes.map((n) => this.ctx.text(n, scope.module));
        const outcome = callLibrary(fn.source, fn.path, args, texts, this.ctx, construct);
        if (outcome) {
          if ("throws" in outcome && outcome.throws.length > 0) this.seenCheck();
          if ("value" in outcome && outcome.value.k === "promise" && outcome.value.rejects?.length) this.seenCheck();
          if ("throws" in outcome) return [{ thr: union(outcome.throws, st.forced), st }];
          return [{ v: outcome.value, st }];
        }
        const name = `${fn.path.join(".") || "it"}() from ${fn.source}`;
        const framework = frameworkKind(fn.source, fn.path);
        if (framework) return [{ v: { k: "opaque", why: framework, taint: [] }, st }];
        // verifySignatureAppRouter(handler): the handler runs only for a valid signature.
        if (isVerifyingWrapper(fn.source, fn.path))
          return [{ v: native("verified", () => ({ throws: ["webhook"] })), st }];
        // A callback handed to an unknown library that calls Clerk: what it decides is out of reach.
        const callback = args.find((a) => a.k === "fn" && this.ctx.mentionsClerk(a.fn, a.scope.module));
        if (callback) return [{ v: { k: "opaque", why: `passes its code to ${name}`, taint: [] }, st }];
        if (fn.source === "global" || fn.source === "crypto") return [{ v: derived(args), st }];
        // An env schema (zod's schema.parse(process.env), t3's createEnv({ runtimeEnv }), envalid):
        // handed the environment, it hands back its variables, as secret as they were.
        if (args.some((a) => holdsEnvironment(a, 2))) return [{ v: schemaEnvironment(scope.module.code), st }];
        return [{ v: UNKNOWN, st }];
      }
      case "request":
        return [{ v: fn, st }];
      case "secret":
        return [{ v: derived([fn, ...args]), st }];
      case "opaque":
        return [{ v: fn, st: { ...st, doubt: st.doubt ?? fn.why } }];
      case "prim":
        if (fn.v == null) return [{ thr: [], st }]; // TypeError: a 500
        return [{ v: UNKNOWN, st }];
      default:
        // schema.parse(process.env) on a schema this reader does not know: still the environment's variables.
        if (args.some((a) => holdsEnvironment(a, 2))) return [{ v: schemaEnvironment(scope.module.code), st }];
        return [{ v: tainted(UNKNOWN, fn.taint), st }];
    }
  }
}

/** The property a member expression reads, when it is written as a name or a literal. */

/** The names assigned in the innermost function around `scope` (none at a module's top). */
function assignedIn(scope: Scope): ReadonlySet<string> {
  for (let at: Scope | undefined = scope; at; at = at.parent) if (at.assigned) return at.assigned;
  return NONE;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The variables an env schema hands back: secrets, unless the module lets a variable be missing
 * or replaced (`.default("")`, `.optional()`, `.catch(…)`, `.nullish()`): an unset secret that
 * defaults to "" is one every caller can send, so then nothing it returns counts as a secret.
 */
function schemaEnvironment(code: string): Value {
  if (/\.(?:default|optional|catch|nullish)\(/.test(code)) return UNKNOWN;
  return obj({}, [], { k: "secret", hmac: false, taint: [] });
}
