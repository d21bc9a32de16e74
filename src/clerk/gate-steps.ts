// A middleware function read as the ordered steps a request can end at: a gate (auth.protect(),
// redirectToSignIn(), a 401/403/404 or a redirect under a test of the session, headers or cookies),
// another answer (a rewrite, a 429, another library's middleware, a throw), or "go on" (return
// nothing, NextResponse.next(), the end of the function). Each step carries the `if` tests on its
// way. Statements that cannot end the function (logging, declarations) are skipped; control flow
// this reader cannot follow (a gate in a loop, a try, a callback) makes the whole read fail, with why.
import type { CallExpression, Node, Statement } from "@babel/types";
import { type Bindings, importedNameOf } from "../js/bindings.js";
import { stringValue, unwrapTs, walk } from "../js/nodes.js";
import { CLERK_SERVER } from "./names.js";
import type { Binding, Scope } from "./gate-values.js";
import {
  codeOf,
  type Fn,
  type Guard,
  lineOf,
  type Outcome,
  type ReadContext,
  type SignedOutAnswer,
  Unreadable,
} from "./gate-model.js";
import { DENY_STATUSES, navigationThrow, type Response, responseOf } from "./gate-responses.js";
import { dependsOnCaller, protectGate, requirementOf } from "./gate-requirements.js";
import { hiddenGates, syncAuthUses } from "./gate-hidden.js";

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
  const scope: Scope = {
    names,
    matchers: ctx.matchers,
    clerkMajor: ctx.clerkMajor,
    ...(ctx.pathTests ? { pathTests: ctx.pathTests } : {}),
  };
  if (authName && ctx.clerkMajor !== undefined && ctx.clerkMajor >= 6) syncAuthUses(fn, authName, ctx);
  const reader = new FunctionReader(ctx, {
    authName,
    requestName,
    reassigned,
    inClerk: mode.clerkHandler,
    outer: mode.guards.length,
  });
  const body: Statement[] =
    fn.body.type === "BlockStatement"
      ? fn.body.body
      : [
          {
            type: "ReturnStatement",
            argument: fn.body,
            start: fn.body.start,
            end: fn.body.end,
            loc: fn.body.loc,
          } as Statement,
        ];
  const end = reader.block(body, mode.guards, scope);
  if (!end.terminated) reader.push(mode.guards, { kind: "pass" }, fn.body);
  if (authName) hiddenGates(fn, authName, reader.read, ctx);
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
  /** Gate calls read as steps (the rest are hidden: see hiddenGates). */
  readonly read = new Set<Node>();

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
        this.push(guards, { kind: "answer", blocks: true, code: codeOf(this.ctx, s) }, s);
        return { terminated: true, scope };
      case "IfStatement": {
        this.noGateInside(s.test, "an if condition", scope);
        const yes = this.block(asBlock(s.consequent), [...guards, { test: s.test, branch: true, scope }], scope);
        const no = s.alternate
          ? this.block(asBlock(s.alternate), [...guards, { test: s.test, branch: false, scope }], scope)
          : { terminated: false };
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
        if (this.mayExit(s, scope))
          throw new Unreadable(`it decides inside a ${describeStatement(s)}, which this reader does not follow`);
        return same;
    }
  }

  /** Whether `node` holds (outside nested functions) a return, a throw or a gate call. */
  private mayExit(node: Node, scope: Scope): boolean {
    let found = false;
    visitOwn(node, (n) => {
      if (n.type === "ReturnStatement" || n.type === "ThrowStatement") found = true;
      if ((n.type === "CallExpression" || n.type === "OptionalCallExpression") && this.gateCall(n, scope) !== undefined)
        found = true;
    });
    return found;
  }

  /** A gate or Clerk call where this reader cannot tell when it runs (an if test, a callback, a loop). */
  private noGateInside(node: Node, where: string, scope: Scope): void {
    walk(node, (n) => {
      if (
        (n.type === "CallExpression" || n.type === "OptionalCallExpression") &&
        (this.gateCall(n, scope) !== undefined || this.clerkCall(n) !== undefined || this.navigation(n))
      ) {
        throw new Unreadable(
          `it calls ${codeOf(this.ctx, n.callee)}() inside ${where}, which this reader does not follow`,
        );
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
      if (this.clerkCall(callNode) !== undefined)
        throw new Unreadable("it calls Clerk's middleware without returning its answer");
      const thrown = this.navigation(callNode);
      if (thrown) {
        this.push(guards, this.response(thrown, codeOf(this.ctx, callNode), guards), s);
        return;
      }
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
            if (key !== undefined && !this.fn.reassigned.has(value.name))
              names.set(value.name, { kind: "property", init: d.init, key, scope });
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
  gateCall(
    n: Extract<Node, { type: "CallExpression" | "OptionalCallExpression" }>,
    scope: Scope,
  ): "protect" | "protect5" | "redirect" | "redirectSignUp" | undefined {
    const callee = unwrapTs(n.callee);
    if (callee.type === "Identifier") {
      // const { redirectToSignIn } = await auth()
      const binding = scope.names.get(callee.name);
      if (binding?.kind !== "property" || !isAuthObject(binding.init, binding.scope)) return undefined;
      return binding.key === "redirectToSignIn"
        ? "redirect"
        : binding.key === "redirectToSignUp"
          ? "redirectSignUp"
          : undefined;
    }
    if (callee.type !== "MemberExpression" && callee.type !== "OptionalMemberExpression") return undefined;
    const property = callee.computed
      ? undefined
      : callee.property.type === "Identifier"
        ? callee.property.name
        : undefined;
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

  private gate(
    kind: "protect" | "protect5" | "redirect" | "redirectSignUp",
    call: CallExpression,
    awaited: boolean,
    s: Node,
    guards: Guard[],
  ): void {
    this.read.add(call);
    const major = this.ctx.clerkMajor;
    const code = codeOf(this.ctx, call);
    if (kind === "protect") {
      if (major !== undefined && major < 6) {
        this.ctx.flaws.push({ kind: "protectMissing", line: lineOf(call), code });
        this.push(guards, { kind: "answer", blocks: true, code }, s);
        return;
      }
      const gate = protectGate(call, this.ctx);
      if (!awaited) {
        this.ctx.flaws.push({ kind: "unawaitedProtect", line: lineOf(call), code, major });
        // On 6+ the rejection goes unseen: nothing is blocked. Major unknown: it may be either.
        if (major === undefined)
          this.push(
            guards,
            { kind: "gate", gate },
            s,
            "auth.protect() is not awaited and the @clerk/nextjs major is unknown",
          );
        return;
      }
      this.push(guards, { kind: "gate", gate }, s);
      return;
    }
    if (kind === "protect5") {
      if (major !== undefined && major >= 6) {
        // auth() is a promise on 6+: `.protect` is undefined, and calling it throws (a 500).
        this.ctx.flaws.push({ kind: "syncAuth", line: lineOf(call), code });
        this.push(guards, { kind: "answer", blocks: true, code }, s);
        return;
      }
      this.push(guards, { kind: "gate", gate: protectGate(call, this.ctx) }, s);
      return;
    }
    const requires = requirementOf(guards, this.ctx);
    this.push(
      guards,
      {
        kind: "gate",
        gate: {
          via: "redirectToSignIn",
          answer: { kind: "redirectToSignIn", signUp: kind === "redirectSignUp" },
          requires,
        },
      },
      s,
    );
  }

  // ---- Exits ----

  private exit(argument: Node | undefined, s: Node, guards: Guard[], scope: Scope): void {
    const outcome = this.outcomeOf(argument, s, guards, scope, 0);
    if (outcome !== "pushed") this.push(guards, outcome, s);
  }

  /** What `return <argument>` does; "pushed" when its steps are already appended (a gate, Clerk). */
  private outcomeOf(
    argument: Node | undefined,
    s: Node,
    guards: Guard[],
    scope: Scope,
    depth: number,
  ): Outcome | "pushed" {
    if (!argument) return { kind: "pass" };
    const a = unwrapTs(argument);
    const inner = a.type === "AwaitExpression" ? unwrapTs(a.argument) : a;
    const code = codeOf(this.ctx, a);
    if (inner.type === "Identifier") {
      if (inner.name === "undefined" && !scope.names.has("undefined")) return { kind: "pass" };
      const binding = scope.names.get(inner.name);
      // const response = NextResponse.next(); …; return response
      const bound = binding?.kind === "const" ? unwrapTs(binding.init) : undefined;
      if (
        (bound?.type === "CallExpression" || bound?.type === "NewExpression") &&
        responseOf(bound, this.ctx.bindings)?.kind === "next"
      )
        return { kind: "pass" };
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
      const response = responseOf(inner, this.ctx.bindings) ?? this.navigation(inner);
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
    const denies =
      response.kind === "redirect" || (response.status !== undefined && DENY_STATUSES.has(response.status));
    const decides = guards.some((g) => g.test !== undefined && dependsOnCaller(g.test, g.scope));
    if (denies && decides) {
      const answer: SignedOutAnswer =
        response.kind === "redirect" ? { kind: "redirect" } : { kind: "status", status: response.status ?? 200 };
      return {
        kind: "gate",
        gate: {
          via: response.kind === "redirect" ? "redirect" : "response",
          answer,
          requires: requirementOf(guards, this.ctx),
        },
      };
    }
    return { kind: "answer", blocks: true, code };
  }

  private navigation(n: Extract<Node, { type: "CallExpression" | "OptionalCallExpression" }>): Response | undefined {
    return navigationThrow(n, this.ctx.bindings);
  }

  // ---- Clerk called from the user's own function ----

  /** `clerkMiddleware(handler?)(req, event)` or `clerk(req, event)` for a module-level instance: the clerkMiddleware() call. */
  clerkCall(n: Extract<Node, { type: "CallExpression" | "OptionalCallExpression" }>): CallExpression | undefined {
    if (this.fn.inClerk) return undefined;
    const callee = unwrapTs(n.callee);
    if (
      callee.type === "CallExpression" &&
      importedNameOf(unwrapTs(callee.callee), this.ctx.bindings, CLERK_SERVER) === "clerkMiddleware"
    )
      return callee;
    if (callee.type === "Identifier") return this.ctx.instances.get(callee.name);
    return undefined;
  }

  private inlineClerk(call: CallExpression, guards: Guard[]): void {
    const clerk = this.clerkCall(call)!;
    const passes = call.arguments.map((arg) => (arg.type === "Identifier" ? arg.name : undefined));
    if (passes[0] === undefined || passes[0] !== this.fn.requestName)
      throw new Unreadable("it hands Clerk something other than its own request");
    const handler = handlerFunction(clerk, this.ctx.bindings);
    if (handler === "options") {
      this.ctx.steps.push({
        guards,
        outcome: { kind: "pass" },
        node: call,
        inClerk: true,
        request: undefined,
        outer: guards.length,
      });
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

// ---- Walking ----

function asBlock(s: Statement): Statement[] {
  return s.type === "BlockStatement" ? s.body : [s];
}

const FUNCTION_TYPES = new Set([
  "FunctionExpression",
  "ArrowFunctionExpression",
  "FunctionDeclaration",
  "ClassMethod",
  "ObjectMethod",
  "ClassPrivateMethod",
]);

/** Like walk, but not into nested functions (their returns are not this function's). */
function visitOwn(node: Node, visit: (node: Node) => void): void {
  visit(node);
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc" || key.endsWith("Comments") || key === "extra") continue;
    for (const child of Array.isArray(value) ? value : [value]) {
      if (
        child &&
        typeof child === "object" &&
        typeof (child as Node).type === "string" &&
        !FUNCTION_TYPES.has((child as Node).type)
      )
        visitOwn(child as Node, visit);
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
