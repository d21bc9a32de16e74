// A middleware function read as the ordered steps a request can end at: a gate (auth.protect(),
// redirectToSignIn(), a 401/403/redirect under a test of the session, headers or cookies), another
// answer (a rewrite, a 429, another library's middleware, a throw), or "go on" (return nothing,
// NextResponse.next(), the end of the function). Each step carries the `if` tests on its way.
// Statements that cannot end the function (logging, declarations) are skipped; control flow this
// reader cannot follow (a gate in a loop, a try, a callback) makes the whole read fail, with why.
import type { ArrowFunctionExpression, CallExpression, FunctionDeclaration, FunctionExpression, Node, ObjectExpression, Statement } from "@babel/types";
import { type Bindings, importedNameOf } from "../js/bindings.js";
import { findProperty, stringValue, unwrapTs, walk } from "../js/nodes.js";
import { CLERK_SERVER } from "./names.js";
import { type Binding, type Scope, SIGNED_OUT, valueOf } from "./gate-values.js";

export type Fn = ArrowFunctionExpression | FunctionExpression | FunctionDeclaration;

/**
 * What a gate answers a signed-out caller (read from @clerk/nextjs 7's dist, server/protect.js and
 * server/clerkMiddleware.js).
 */
export type SignedOutAnswer =
  /**
   * auth.protect(): a document or iframe request (Sec-Fetch-Dest), `Accept: text/html` or a client
   * navigation (Next-Url, _next/data) gets redirectToSignIn() (307 to the sign-in page); a Server
   * Action gets 401; any other request (an API caller) gets 404, an internal rewrite to a missing
   * page (x-clerk-auth-reason: protect-rewrite). With `unauthenticatedUrl`: a redirect there.
   */
  | { kind: "protect"; unauthenticatedUrl?: string }
  /** redirectToSignIn() / redirectToSignUp() throw; clerkMiddleware() answers 307 to that page, whatever the request. */
  | { kind: "redirectToSignIn"; signUp: boolean }
  /** The handler's own response: NextResponse.json(…, { status }), new Response(null, { status }). */
  | { kind: "status"; status: number }
  /** NextResponse.redirect(…) / Response.redirect(…): 307 (or the status given). */
  | { kind: "redirect" }
  /** authMiddleware() (Clerk 4/5): 401 for an API request (/api, /trpc, not GET/HEAD/OPTIONS, JSON), else a redirect to sign-in. */
  | { kind: "legacy" };

/**
 * What a gate requires of a signed-in caller, for a consumer that moves the check into the route
 * (migrate) — or `custom` when it cannot be said as a session check plus has().
 */
export type Requirement =
  | { kind: "signedIn" }
  /** auth.protect({ role | permission | feature | plan }): has() of those. */
  | { kind: "has"; params: Record<string, string> }
  /** auth.protect((has) => …): the function's code, to call with has. */
  | { kind: "condition"; code: string }
  /** Anything else: session claims, organization logic, headers, cookies, protect options. */
  | { kind: "custom"; code: string };

export type GateVia = "protect" | "redirectToSignIn" | "response" | "redirect" | "authMiddleware";

export interface Gate {
  via: GateVia;
  answer: SignedOutAnswer;
  requires: Requirement;
}

/** A flaw that changes what a rule does from what it seems to do. */
export type Flaw =
  /** auth.protect() neither awaited nor returned: on @clerk/nextjs 6+ its rejection is never seen and nothing is blocked. */
  | { kind: "unawaitedProtect"; line: number; code: string; major: number | undefined }
  /** auth().protect() / auth().userId, the Clerk 5 forms: on 6+ auth() returns a promise (protect() throws, userId is undefined). */
  | { kind: "syncAuth"; line: number; code: string }
  /** auth.protect() does not exist before @clerk/nextjs 6: the call throws. */
  | { kind: "protectMissing"; line: number; code: string }
  /** authMiddleware() was removed in @clerk/nextjs 6: the file does not build. */
  | { kind: "legacyRemoved"; line: number };

/** One `if` on the way to a step: its test and the branch taken (or a condition written by this tool). */
export interface Guard {
  test?: Node;
  branch: boolean;
  scope: Scope;
  /** For a condition that is not a test in the code (this tool's own guard, authMiddleware's lists). */
  holds?: (path: string) => boolean;
}

export type Outcome =
  /** The request goes on: to the route, or to Clerk's own response. */
  | { kind: "pass" }
  | { kind: "gate"; gate: Gate }
  /** The function answers on its own: `blocks` when that certainly keeps the route from running. */
  | { kind: "answer"; blocks: boolean; code: string };

export interface Step {
  guards: Guard[];
  outcome: Outcome;
  node: Node;
  /** The step runs inside a clerkMiddleware() handler (else in the user's own function around it). */
  inClerk: boolean;
  /** The request parameter's name where the step is written. */
  request: string | undefined;
  /** How many guards come from outside the function the step is written in. */
  outer: number;
  /** The step may not take effect even when reached (auth.protect() not awaited, Clerk major unknown). */
  uncertain?: string;
}

export interface ReadContext {
  code: string;
  bindings: Bindings;
  matchers: ReadonlyMap<string, RegExp[] | undefined>;
  clerkMajor: number | undefined;
  /** Module-level `const clerk = clerkMiddleware(...)`, which a user's function may call. */
  instances: ReadonlyMap<string, CallExpression>;
  steps: Step[];
  flaws: Flaw[];
}

/** Thrown inside the reader for a shape it cannot follow; readFunction's caller turns it into `{ ok: false }`. */
export class Unreadable extends Error {}

const DENY_STATUSES = new Set([401, 403]);

const line = (ctx: ReadContext, node: Node) => node.loc?.start.line ?? 0;
const text = (ctx: ReadContext, node: Node) => ctx.code.slice(node.start ?? 0, node.end ?? 0);

/**
 * Appends the steps of `fn`: a clerkMiddleware() handler (`auth, req, event`) or the user's own
 * middleware (`req, event`), reached under `guards`.
 */
export function readFunction(fn: Fn, ctx: ReadContext, mode: { clerkHandler: boolean; guards: Guard[] }): void {
  const params = fn.params.map((p) => (p.type === "Identifier" ? p.name : undefined));
  const [authName, requestName] = mode.clerkHandler ? params : [undefined, params[0]];
  const reassigned = assignedNames(fn.body);
  const names = new Map<string, Binding>();
  if (authName && !reassigned.has(authName)) names.set(authName, { kind: "authFunction" });
  if (requestName && !reassigned.has(requestName)) names.set(requestName, { kind: "request" });
  const scope: Scope = { names, matchers: ctx.matchers, clerkMajor: ctx.clerkMajor };
  if (authName && ctx.clerkMajor !== undefined && ctx.clerkMajor >= 6) syncAuthUses(fn, authName, ctx);
  const reader = new FunctionReader(ctx, { authName, requestName, reassigned, inClerk: mode.clerkHandler, outer: mode.guards.length });
  const body: Statement[] =
    fn.body.type === "BlockStatement" ? fn.body.body : [{ type: "ReturnStatement", argument: fn.body, start: fn.body.start, end: fn.body.end, loc: fn.body.loc } as Statement];
  const end = reader.block(body, mode.guards, scope);
  if (!end.terminated) reader.push(mode.guards, { kind: "pass" }, fn.body);
}

/** `auth().userId`, `const { userId } = auth()`: the Clerk 5 (sync) forms, which on 6+ read a promise. */
function syncAuthUses(fn: Fn, authName: string, ctx: ReadContext): void {
  walk(fn.body, (n) => {
    const object =
      n.type === "MemberExpression" || n.type === "OptionalMemberExpression"
        ? unwrapTs(n.object)
        : n.type === "VariableDeclarator" && n.id.type === "ObjectPattern" && n.init
          ? unwrapTs(n.init)
          : undefined;
    if (object?.type !== "CallExpression") return;
    const callee = unwrapTs(object.callee);
    if (callee.type !== "Identifier" || callee.name !== authName) return;
    // auth().protect() is reported where it is read as a gate.
    const property = n.type === "MemberExpression" && !n.computed && n.property.type === "Identifier" ? n.property.name : undefined;
    if (property === "protect") return;
    ctx.flaws.push({ kind: "syncAuth", line: n.loc?.start.line ?? 0, code: text(ctx, n) });
  });
}

/** Names assigned anywhere in `node` (`x = …`, `x++`, destructuring assignments): their values are not read. */
function assignedNames(node: Node): Set<string> {
  const names = new Set<string>();
  const add = (target: Node) =>
    walk(target, (n) => {
      if (n.type === "Identifier") names.add(n.name);
    });
  walk(node, (n) => {
    if (n.type === "AssignmentExpression") add(n.left);
    if (n.type === "UpdateExpression") add(n.argument);
  });
  return names;
}

interface FunctionFacts {
  authName: string | undefined;
  requestName: string | undefined;
  reassigned: Set<string>;
  inClerk: boolean;
  outer: number;
}

class FunctionReader {
  constructor(
    private readonly ctx: ReadContext,
    private readonly fn: FunctionFacts,
  ) {}

  push(guards: Guard[], outcome: Outcome, node: Node, uncertain?: string): void {
    this.ctx.steps.push({
      guards,
      outcome,
      node,
      inClerk: this.fn.inClerk,
      request: this.fn.requestName,
      outer: this.fn.outer,
      ...(uncertain ? { uncertain } : {}),
    });
  }

  /** Reads statements in order; `terminated` when every path through them ends the function. */
  block(statements: Statement[], guards: Guard[], scope: Scope): { terminated: boolean; scope: Scope } {
    let current = scope;
    for (const statement of statements) {
      const result = this.statement(statement, guards, current);
      current = result.scope;
      if (result.terminated) return { terminated: true, scope: current };
    }
    return { terminated: false, scope: current };
  }

  private statement(s: Statement, guards: Guard[], scope: Scope): { terminated: boolean; scope: Scope } {
    const same = { terminated: false, scope };
    switch (s.type) {
      case "ReturnStatement":
        this.exit(s.argument ?? undefined, s, guards, scope);
        return { terminated: true, scope };
      case "ThrowStatement":
        this.noGateInside(s.argument, "a throw", scope);
        this.push(guards, { kind: "answer", blocks: true, code: text(this.ctx, s) }, s);
        return { terminated: true, scope };
      case "IfStatement": {
        this.noGateInside(s.test, "an if condition", scope);
        const yes = this.block(asBlock(s.consequent), [...guards, { test: s.test, branch: true, scope }], scope);
        const no = s.alternate ? this.block(asBlock(s.alternate), [...guards, { test: s.test, branch: false, scope }], scope) : { terminated: false };
        return { terminated: yes.terminated && no.terminated, scope };
      }
      case "BlockStatement":
        return { terminated: this.block(s.body, guards, scope).terminated, scope };
      case "ExpressionStatement":
        this.expressionStatement(s.expression, s, guards, scope);
        return same;
      case "VariableDeclaration":
        return { terminated: false, scope: this.declaration(s, guards, scope) };
      case "EmptyStatement":
      case "FunctionDeclaration":
      case "ClassDeclaration":
      case "TSTypeAliasDeclaration":
      case "TSInterfaceDeclaration":
      case "DebuggerStatement":
        return same;
      default:
        // A loop, switch, try or label: fine when nothing in it can end the function.
        if (this.mayExit(s, scope)) throw new Unreadable(`it decides inside a ${describeStatement(s)}, which this reader does not follow`);
        return same;
    }
  }

  /** Whether `node` holds (outside nested functions) a return, a throw or a gate call. */
  private mayExit(node: Node, scope: Scope): boolean {
    let found = false;
    visitOwn(node, (n) => {
      if (n.type === "ReturnStatement" || n.type === "ThrowStatement") found = true;
      if ((n.type === "CallExpression" || n.type === "OptionalCallExpression") && this.gateCall(n, scope) !== undefined) found = true;
    });
    return found;
  }

  /** A gate or Clerk call where this reader cannot tell when it runs (an if test, a callback, a loop). */
  private noGateInside(node: Node, where: string, scope: Scope): void {
    walk(node, (n) => {
      if ((n.type === "CallExpression" || n.type === "OptionalCallExpression") && (this.gateCall(n, scope) !== undefined || this.clerkCall(n) !== undefined)) {
        throw new Unreadable(`it calls ${text(this.ctx, n.callee)}() inside ${where}, which this reader does not follow`);
      }
    });
  }

  private expressionStatement(expression: Node, s: Statement, guards: Guard[], scope: Scope): void {
    const e = unwrapTs(expression);
    const awaited = e.type === "AwaitExpression";
    const inner = awaited ? unwrapTs(e.argument) : e;
    const voided = inner.type === "UnaryExpression" && inner.operator === "void" ? unwrapTs(inner.argument) : undefined;
    const callNode = voided ?? inner;
    if (callNode.type === "CallExpression") {
      const kind = this.gateCall(callNode, scope);
      if (kind !== undefined) {
        this.gate(kind, callNode, awaited && !voided, s, guards);
        return;
      }
      if (this.clerkCall(callNode) !== undefined) throw new Unreadable("it calls Clerk's middleware without returning its answer");
    }
    this.noGateInside(expression, "an expression", scope);
  }

  private declaration(s: Extract<Statement, { type: "VariableDeclaration" }>, guards: Guard[], scope: Scope): Scope {
    const names = new Map(scope.names);
    for (const d of s.declarations) {
      if (!d.init) continue;
      const init = unwrapTs(d.init);
      const awaited = init.type === "AwaitExpression";
      const inner = awaited ? unwrapTs(init.argument) : init;
      const kind = inner.type === "CallExpression" ? this.gateCall(inner, scope) : undefined;
      if (kind !== undefined && inner.type === "CallExpression") this.gate(kind, inner, awaited, s, guards);
      else this.noGateInside(init, "a declaration", scope);
      if (s.kind === "var") continue;
      if (d.id.type === "Identifier") {
        if (!this.fn.reassigned.has(d.id.name)) names.set(d.id.name, { kind: "const", init: d.init, scope });
        else names.delete(d.id.name);
      } else if (d.id.type === "ObjectPattern") {
        for (const p of d.id.properties) {
          if (p.type !== "ObjectProperty") continue;
          const key = p.computed ? undefined : p.key.type === "Identifier" ? p.key.name : stringValue(p.key);
          const value = p.value;
          if (value.type === "Identifier") {
            if (key !== undefined && !this.fn.reassigned.has(value.name)) names.set(value.name, { kind: "property", init: d.init, key, scope });
            else names.delete(value.name);
          } else {
            walk(value, (n) => {
              if (n.type === "Identifier") names.delete(n.name);
            });
          }
        }
      } else {
        walk(d.id, (n) => {
          if (n.type === "Identifier") names.delete(n.name);
        });
      }
    }
    return { ...scope, names };
  }

  // ---- Gates ----

  /**
   * What a call is, when it is a gate: auth.protect(…) ("protect"), auth().protect(…) / an auth
   * object's protect (the Clerk 5 form, "protect5"), or redirectToSignIn()/redirectToSignUp() of
   * an auth object ("redirect", "redirectSignUp").
   */
  gateCall(n: Extract<Node, { type: "CallExpression" | "OptionalCallExpression" }>, scope: Scope): "protect" | "protect5" | "redirect" | "redirectSignUp" | undefined {
    const callee = unwrapTs(n.callee);
    if (callee.type === "Identifier") {
      // const { redirectToSignIn } = await auth()
      const binding = scope.names.get(callee.name);
      if (binding?.kind !== "property" || !isAuthObject(binding.init, binding.scope)) return undefined;
      return binding.key === "redirectToSignIn" ? "redirect" : binding.key === "redirectToSignUp" ? "redirectSignUp" : undefined;
    }
    if (callee.type !== "MemberExpression" && callee.type !== "OptionalMemberExpression") return undefined;
    const property = callee.computed ? undefined : callee.property.type === "Identifier" ? callee.property.name : undefined;
    const object = unwrapTs(callee.object);
    if (property === "protect") {
      if (object.type === "Identifier" && scope.names.get(object.name)?.kind === "authFunction") return "protect";
      return isAuthObject(object, scope) ? "protect5" : undefined;
    }
    if (property === "redirectToSignIn" || property === "redirectToSignUp") {
      if (isAuthObject(object, scope)) return property === "redirectToSignIn" ? "redirect" : "redirectSignUp";
    }
    return undefined;
  }

  private gate(kind: "protect" | "protect5" | "redirect" | "redirectSignUp", call: CallExpression, awaited: boolean, s: Node, guards: Guard[]): void {
    const major = this.ctx.clerkMajor;
    const code = text(this.ctx, call);
    if (kind === "protect") {
      if (major !== undefined && major < 6) {
        this.ctx.flaws.push({ kind: "protectMissing", line: line(this.ctx, call), code });
        this.push(guards, { kind: "answer", blocks: true, code }, s);
        return;
      }
      const gate = protectGate(call, this.ctx);
      if (!awaited) {
        this.ctx.flaws.push({ kind: "unawaitedProtect", line: line(this.ctx, call), code, major });
        // On 6+ the rejection goes unseen: nothing is blocked. Major unknown: it may be either.
        if (major === undefined) this.push(guards, { kind: "gate", gate }, s, "auth.protect() is not awaited and the @clerk/nextjs major is unknown");
        return;
      }
      this.push(guards, { kind: "gate", gate }, s);
      return;
    }
    if (kind === "protect5") {
      if (major !== undefined && major >= 6) {
        // auth() is a promise on 6+: `.protect` is undefined, and calling it throws (a 500).
        this.ctx.flaws.push({ kind: "syncAuth", line: line(this.ctx, call), code });
        this.push(guards, { kind: "answer", blocks: true, code }, s);
        return;
      }
      this.push(guards, { kind: "gate", gate: protectGate(call, this.ctx) }, s);
      return;
    }
    const requires = requirementOf(guards, this.ctx);
    this.push(guards, { kind: "gate", gate: { via: "redirectToSignIn", answer: { kind: "redirectToSignIn", signUp: kind === "redirectSignUp" }, requires } }, s);
  }

  // ---- Exits ----

  private exit(argument: Node | undefined, s: Node, guards: Guard[], scope: Scope): void {
    const outcome = this.outcomeOf(argument, s, guards, scope, 0);
    if (outcome !== "pushed") this.push(guards, outcome, s);
  }

  /** What `return <argument>` does; "pushed" when its steps are already appended (a gate, Clerk). */
  private outcomeOf(argument: Node | undefined, s: Node, guards: Guard[], scope: Scope, depth: number): Outcome | "pushed" {
    if (!argument) return { kind: "pass" };
    const a = unwrapTs(argument);
    const inner = a.type === "AwaitExpression" ? unwrapTs(a.argument) : a;
    const code = text(this.ctx, a);
    if (inner.type === "Identifier") {
      if (inner.name === "undefined" && !scope.names.has("undefined")) return { kind: "pass" };
      const binding = scope.names.get(inner.name);
      // const response = NextResponse.next(); …; return response
      const bound = binding?.kind === "const" ? unwrapTs(binding.init) : undefined;
      if ((bound?.type === "CallExpression" || bound?.type === "NewExpression") && responseOf(bound, this.ctx.bindings)?.kind === "next") return { kind: "pass" };
      return { kind: "answer", blocks: false, code };
    }
    if (inner.type === "NullLiteral") return { kind: "pass" };
    if (inner.type === "UnaryExpression" && inner.operator === "void") return { kind: "pass" };
    if (inner.type === "CallExpression") {
      const kind = this.gateCall(inner, scope);
      if (kind !== undefined) {
        this.gate(kind, inner, true, s, guards);
        return "pushed";
      }
      if (this.clerkCall(inner) !== undefined) {
        this.inlineClerk(inner, guards);
        return "pushed";
      }
      const response = responseOf(inner, this.ctx.bindings);
      if (response) return this.response(response, code, guards);
    }
    if (inner.type === "NewExpression") {
      const response = responseOf(inner, this.ctx.bindings);
      if (response) return this.response(response, code, guards);
    }
    // (auth, req) => isProtectedRoute(req) && auth.protect()
    if (inner.type === "LogicalExpression" && inner.operator === "&&" && depth === 0) {
      const right = unwrapTs(inner.right);
      const call = right.type === "AwaitExpression" ? unwrapTs(right.argument) : right;
      if (call.type === "CallExpression" && this.gateCall(call, scope) !== undefined) {
        this.noGateInside(inner.left, "a condition", scope);
        this.push([...guards, { test: inner.left, branch: false, scope }], { kind: "pass" }, s);
        this.outcomeOf(right, s, [...guards, { test: inner.left, branch: true, scope }], scope, depth + 1);
        return "pushed";
      }
    }
    this.noGateInside(inner, "a returned expression", scope);
    return { kind: "answer", blocks: false, code };
  }

  private response(response: Response, code: string, guards: Guard[]): Outcome {
    if (response.kind === "next") return { kind: "pass" };
    if (response.kind === "rewrite") return { kind: "answer", blocks: false, code };
    const denies = response.kind === "redirect" || (response.status !== undefined && DENY_STATUSES.has(response.status));
    const decides = guards.some((g) => g.test !== undefined && dependsOnCaller(g.test, g.scope));
    if (denies && decides) {
      const answer: SignedOutAnswer = response.kind === "redirect" ? { kind: "redirect" } : { kind: "status", status: response.status ?? 200 };
      return { kind: "gate", gate: { via: response.kind === "redirect" ? "redirect" : "response", answer, requires: requirementOf(guards, this.ctx) } };
    }
    return { kind: "answer", blocks: true, code };
  }

  // ---- Clerk called from the user's own function ----

  /** `clerkMiddleware(handler?)(req, event)` or `clerk(req, event)` for a module-level instance: the clerkMiddleware() call. */
  clerkCall(n: Extract<Node, { type: "CallExpression" | "OptionalCallExpression" }>): CallExpression | undefined {
    if (this.fn.inClerk) return undefined;
    const callee = unwrapTs(n.callee);
    if (callee.type === "CallExpression" && importedNameOf(unwrapTs(callee.callee), this.ctx.bindings, CLERK_SERVER) === "clerkMiddleware") return callee;
    if (callee.type === "Identifier") return this.ctx.instances.get(callee.name);
    return undefined;
  }

  private inlineClerk(call: CallExpression, guards: Guard[]): void {
    const clerk = this.clerkCall(call)!;
    const passes = call.arguments.map((arg) => (arg.type === "Identifier" ? arg.name : undefined));
    if (passes[0] === undefined || passes[0] !== this.fn.requestName) throw new Unreadable("it hands Clerk something other than its own request");
    const handler = handlerFunction(clerk, this.ctx.bindings);
    if (handler === "options") {
      this.ctx.steps.push({ guards, outcome: { kind: "pass" }, node: call, inClerk: true, request: undefined, outer: guards.length });
      return;
    }
    if (!handler) throw new Unreadable("its clerkMiddleware() handler is not a function this reader can see");
    readFunction(handler, this.ctx, { clerkHandler: true, guards });
  }
}

/** The handler given to clerkMiddleware(): a function in place or declared in this file; "options" when there is none. */
export function handlerFunction(call: CallExpression, bindings: Bindings): Fn | "options" | undefined {
  const [first] = call.arguments.map(unwrapTs);
  if (!first || first.type === "ObjectExpression") return "options";
  if (first.type === "ArrowFunctionExpression" || first.type === "FunctionExpression") return first;
  if (first.type === "Identifier") {
    const local = bindings.locals.get(first.name);
    if (local?.type === "FunctionDeclaration") return local;
    const init = local?.type === "VariableDeclarator" && local.init ? unwrapTs(local.init) : undefined;
    if (init?.type === "ArrowFunctionExpression" || init?.type === "FunctionExpression") return init;
  }
  return undefined;
}

// ---- Responses ----

type Response = { kind: "next" } | { kind: "rewrite" } | { kind: "redirect" } | { kind: "status"; status: number | undefined };

/** NextResponse.next/json/redirect/rewrite, Response.json/redirect, new (Next)Response(body, { status }). */
function responseOf(n: Extract<Node, { type: "CallExpression" | "NewExpression" }>, bindings: Bindings): Response | undefined {
  const callee = unwrapTs(n.callee);
  const isResponseClass = (node: Node) =>
    (node.type === "Identifier" && node.name === "Response" && !bindings.locals.has("Response") && !bindings.imports.has("Response")) ||
    importedNameOf(node, bindings, "next/server") === "NextResponse";
  const init = (arg: Node | undefined): number | undefined => {
    const object = arg ? unwrapTs(arg) : undefined;
    if (!object) return 200;
    if (object.type === "NumericLiteral") return object.value;
    if (object.type !== "ObjectExpression") return undefined;
    return statusOf(object);
  };
  if (n.type === "NewExpression") {
    return isResponseClass(callee) ? { kind: "status", status: init(n.arguments[1]) } : undefined;
  }
  if (callee.type !== "MemberExpression" || callee.computed || callee.property.type !== "Identifier" || !isResponseClass(unwrapTs(callee.object))) return undefined;
  switch (callee.property.name) {
    case "next":
      return { kind: "next" };
    case "rewrite":
      return { kind: "rewrite" };
    case "redirect":
      return { kind: "redirect" };
    case "json":
      return { kind: "status", status: init(n.arguments[1]) };
    default:
      return undefined;
  }
}

function statusOf(object: ObjectExpression): number | undefined {
  const status = findProperty(object, "status");
  if (!status) return object.properties.every((p) => p.type === "ObjectProperty") ? 200 : undefined;
  const value = unwrapTs(status.value);
  return value.type === "NumericLiteral" ? value.value : undefined;
}

// ---- What a gate requires ----

const PROTECT_PARAMS = ["role", "permission", "feature", "plan"];

function protectGate(call: CallExpression, ctx: ReadContext): Gate {
  const [first, second] = call.arguments.map(unwrapTs);
  const options = [first, second].filter((a): a is ObjectExpression => a?.type === "ObjectExpression");
  const url = options.map((o) => findProperty(o, "unauthenticatedUrl")).find(Boolean);
  const unauthenticatedUrl = url ? stringValue(url.value) : undefined;
  const answer: SignedOutAnswer = url ? { kind: "protect", ...(unauthenticatedUrl !== undefined ? { unauthenticatedUrl } : {}) } : { kind: "protect" };
  let requires: Requirement = { kind: "signedIn" };
  if (first && (first.type === "ArrowFunctionExpression" || first.type === "FunctionExpression")) {
    requires = { kind: "condition", code: text(ctx, first) };
  } else if (first?.type === "ObjectExpression") {
    const params: Record<string, string> = {};
    for (const p of first.properties) {
      const key = p.type === "ObjectProperty" && !p.computed ? (p.key.type === "Identifier" ? p.key.name : stringValue(p.key)) : undefined;
      const value = p.type === "ObjectProperty" ? stringValue(p.value) : undefined;
      if (key === "unauthenticatedUrl" || key === "unauthorizedUrl") continue;
      if (key === undefined || value === undefined || !PROTECT_PARAMS.includes(key)) {
        requires = { kind: "custom", code: text(ctx, call) };
        break;
      }
      params[key] = value;
    }
    if (requires.kind === "signedIn" && Object.keys(params).length > 0) requires = { kind: "has", params };
  } else if (first) {
    requires = { kind: "custom", code: text(ctx, call) };
  }
  return { via: "protect", answer, requires };
}

/**
 * A hand gate's requirement, from the tests on its way: only `!userId` / `!isAuthenticated`-like
 * tests of the session (beside route matchers) → signed in; anything else about the caller → custom.
 */
function requirementOf(guards: Guard[], ctx: ReadContext): Requirement {
  const custom: string[] = [];
  let signedOut = false;
  for (const guard of guards) {
    if (!guard.test) continue;
    const atoms = guard.branch ? andAtoms(guard.test) : [guard.test];
    for (const atom of atoms) {
      if (!dependsOnCaller(atom, guard.scope)) continue;
      if (guard.branch && isSignedOutTest(atom, guard.scope)) signedOut = true;
      else custom.push(guard.branch ? text(ctx, atom) : `!(${text(ctx, atom)})`);
    }
  }
  if (custom.length > 0) return { kind: "custom", code: custom.join(" && ") };
  return signedOut ? { kind: "signedIn" } : { kind: "custom", code: guards.map((g) => (g.test ? text(ctx, g.test) : "")).join(" && ") || "always" };
}

export function andAtoms(node: Node): Node[] {
  const n = unwrapTs(node);
  return n.type === "LogicalExpression" && n.operator === "&&" ? [...andAtoms(n.left), ...andAtoms(n.right)] : [n];
}

const SESSION_FIELDS = new Set(["userId", "sessionId", "isAuthenticated"]);

/** `!userId`, `!isAuthenticated`, `userId === null` / `== null`, `!(await auth()).userId`: true exactly when signed out. */
function isSignedOutTest(atom: Node, scope: Scope): boolean {
  const n = unwrapTs(atom);
  if (n.type === "UnaryExpression" && n.operator === "!") return sessionField(n.argument, scope) !== undefined;
  if (n.type === "BinaryExpression" && (n.operator === "===" || n.operator === "==")) {
    const [field, other] = n.right.type === "NullLiteral" || n.right.type === "BooleanLiteral" ? [n.left, n.right] : [n.right, n.left];
    if (field.type === "PrivateName") return false;
    const name = sessionField(field, scope);
    if (name === "isAuthenticated") return other.type === "BooleanLiteral" && other.value === false;
    return name !== undefined && other.type === "NullLiteral";
  }
  return false;
}

/** userId / sessionId / isAuthenticated of the signed-out auth object, if `node` reads one. */
function sessionField(node: Node, scope: Scope): string | undefined {
  const n = unwrapTs(node);
  const world = { path: "/", signedOut: true };
  if (n.type === "Identifier") {
    const binding = scope.names.get(n.name);
    if (binding?.kind !== "property" || !SESSION_FIELDS.has(binding.key)) return undefined;
    const whole = valueOf(binding.init, binding.scope, world);
    return whole.known && whole.value === SIGNED_OUT ? binding.key : undefined;
  }
  if ((n.type === "MemberExpression" || n.type === "OptionalMemberExpression") && !n.computed && n.property.type === "Identifier" && SESSION_FIELDS.has(n.property.name)) {
    const whole = valueOf(n.object, scope, world);
    return whole.known && whole.value === SIGNED_OUT ? n.property.name : undefined;
  }
  return undefined;
}

/**
 * Whether a test reads who the caller is: the auth object or a name taken from it, or the
 * request's headers or cookies (a hand-written session check). Route matchers and the pathname do not.
 */
export function dependsOnCaller(test: Node, scope: Scope, depth = 0): boolean {
  if (depth > 10) return true;
  let found = false;
  walk(test, (n) => {
    if (found) return;
    if (n.type === "Identifier") {
      const binding = scope.names.get(n.name);
      if (binding?.kind === "authFunction") found = true;
      if ((binding?.kind === "const" || binding?.kind === "property") && dependsOnCaller(binding.init, binding.scope, depth + 1)) found = true;
    }
    if ((n.type === "MemberExpression" || n.type === "OptionalMemberExpression") && !n.computed && n.property.type === "Identifier") {
      if (["headers", "cookies"].includes(n.property.name)) found = true;
    }
    if (n.type === "CallExpression" && n.callee.type === "Identifier" && ["headers", "cookies"].includes(n.callee.name)) found = true;
  });
  return found;
}

// ---- Walking ----

function asBlock(s: Statement): Statement[] {
  return s.type === "BlockStatement" ? s.body : [s];
}

const FUNCTION_TYPES = new Set(["FunctionExpression", "ArrowFunctionExpression", "FunctionDeclaration", "ClassMethod", "ObjectMethod", "ClassPrivateMethod"]);

/** Like walk, but not into nested functions (their returns are not this function's). */
function visitOwn(node: Node, visit: (node: Node) => void): void {
  visit(node);
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc" || key.endsWith("Comments") || key === "extra") continue;
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child === "object" && typeof (child as Node).type === "string" && !FUNCTION_TYPES.has((child as Node).type)) visitOwn(child as Node, visit);
    }
  }
}

/** `auth()`, `await auth()`, or a const bound to one of them (the auth object). */
function isAuthObject(node: Node, scope: Scope, depth = 0): boolean {
  if (depth > 10) return false;
  const n = unwrapTs(node);
  const inner = n.type === "AwaitExpression" ? unwrapTs(n.argument) : n;
  if (inner.type === "CallExpression") {
    const callee = unwrapTs(inner.callee);
    return callee.type === "Identifier" && scope.names.get(callee.name)?.kind === "authFunction";
  }
  if (inner.type === "Identifier") {
    const binding = scope.names.get(inner.name);
    return binding?.kind === "const" && isAuthObject(binding.init, binding.scope, depth + 1);
  }
  return false;
}

function describeStatement(s: Statement): string {
  switch (s.type) {
    case "TryStatement":
      return "try/catch";
    case "SwitchStatement":
      return "switch";
    case "LabeledStatement":
      return "labeled block";
    default:
      return "loop";
  }
}
