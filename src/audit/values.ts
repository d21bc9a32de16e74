// The values the audit's interpreter computes, for one caller: anonymous (signed out, no token,
// no valid signature, no shared secret). A value is concrete where that caller makes it so
// (`userId` is null), unknown where it depends on anything else, and carries the sources it
// depends on: a branch decided by such a value is a check (see interpret.ts).
import type { Node } from "@babel/types";
import type { FunctionNode } from "../js/exports.js";

/** What made a value depend on the caller: the kind of check it is. */
export type Source =
  /** auth() / getAuth(): session state. */
  | "session"
  /** auth.protect(), redirectToSignIn(): Clerk answers for the handler. */
  | "protect"
  /** auth({ acceptsToken }): machine tokens. */
  | "machine"
  /** currentUser(). */
  | "user"
  /** A signature check (verifyWebhook, svix, Stripe, standardwebhooks, an HMAC compared). */
  | "webhook"
  /** A shared secret from the environment compared with what the request carries. */
  | "secret";

export interface Scope {
  vars: Map<string, Binding>;
  parent: Scope | undefined;
  module: ModuleScope;
  /** On a function's own scope: every name assigned anywhere in its body (nested functions included). */
  assigned?: ReadonlySet<string>;
}

/** The top of a module: its own names, evaluated lazily (path-independent). */
export interface ModuleScope {
  path: string;
  code: string;
  /** Names imported from other modules: project modules are followed, libraries are known or opaque. */
  lookupImport(name: string): Value | undefined;
  /** The module's own top-level name (function, class, const), evaluated once. */
  lookupLocal(name: string): Value | undefined;
}

export class Binding {
  /**
   * The value it was declared with, for a closure run on another path than the one that declared
   * it (a handler made by a factory at module load: `export const GET = makeGET()`).
   */
  declared?: Value;
  /** Assigned after its declaration somewhere: a closure run elsewhere cannot know its value. */
  reassigned = false;

  constructor(
    readonly name: string,
    readonly kind: "let" | "const" | "param",
  ) {}
}

interface Base {
  /** The checks this value depends on (empty: the same for every caller). */
  taint: Source[];
}

export type Value = Base &
  (
    | { k: "prim"; v: null | undefined | boolean | number | string }
    /** An object literal, Clerk's auth object, a Response (status when known). */
    | { k: "obj"; props: Map<string, Value>; fallback?: Value; response?: { status: number | undefined } }
    /** A function of the project (a closure over the scope it was created in). */
    | { k: "fn"; fn: FunctionNode; scope: Scope }
    /** A library export (or a member of one): what calling it does is in library.ts. */
    | { k: "lib"; source: string; path: string[] }
    /** A native behaviour the interpreter applies when called (a method of a known object). */
    | { k: "native"; name: string; call: NativeCall }
    | { k: "promise"; value?: Value; rejects?: Source[] }
    /** A secret the caller cannot know or produce (an env variable, an HMAC made with one). */
    | { k: "secret"; hmac: boolean }
    /** What the request carries: anything the caller chooses. */
    | { k: "request" }
    /** The result of a framework that answers for the handler, or a module this reader cannot read. */
    | { k: "opaque"; why: string }
    | { k: "unknown" }
  );

/** A native call: the arguments' values and the receiver, to the outcome. */
export type NativeCall = (args: Value[], self: Value | undefined) => NativeOutcome;
export type NativeOutcome = { value: Value } | { throws: Source[] } | { sends: number | undefined; value: Value };

export const UNKNOWN: Value = { k: "unknown", taint: [] };
export const UNDEFINED: Value = { k: "prim", v: undefined, taint: [] };

export function prim(v: null | undefined | boolean | number | string, taint: Source[] = []): Value {
  return { k: "prim", v, taint };
}

export function obj(entries: Record<string, Value>, taint: Source[] = [], fallback?: Value): Value {
  return { k: "obj", props: new Map(Object.entries(entries)), taint, ...(fallback ? { fallback } : {}) };
}

export function native(name: string, call: NativeCall): Value {
  return { k: "native", name, call, taint: [] };
}

export function union(a: Source[], b: Source[]): Source[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  return [...new Set([...a, ...b])];
}

export function tainted<T extends Value>(value: T, sources: Source[]): T {
  if (sources.length === 0) return value;
  const taint = union(value.taint, sources);
  return taint.length === value.taint.length ? value : { ...value, taint };
}

/** true / false when the caller decides it (or it is constant), undefined when it depends on anything else. */
export function truthiness(value: Value): boolean | undefined {
  switch (value.k) {
    case "prim":
      return !!value.v;
    case "lib":
      // A library's export exists; a member of one (`auth.userId`) may not.
      return value.path.length <= 1 ? true : undefined;
    case "obj":
    case "fn":
    case "native":
    case "promise":
      return true;
    case "secret":
      return true; // the audit assumes the app's secrets are set
    default:
      return undefined;
  }
}

/** Strict or loose equality, where the anonymous caller decides it; undefined when unknown. */
export function equality(a: Value, b: Value): { equal: boolean; taint: Source[] } | undefined {
  const taint = union(a.taint, b.taint);
  if (a.k === "prim" && b.k === "prim") return { equal: a.v === b.v || (a.v == null && b.v == null), taint };
  // A secret never equals what the caller sends (the caller does not know it).
  if ((a.k === "secret" && b.k === "request") || (a.k === "request" && b.k === "secret")) {
    const hmac = (a.k === "secret" && a.hmac) || (b.k === "secret" && b.hmac);
    return { equal: false, taint: union(taint, [hmac ? "webhook" : "secret"]) };
  }
  const nullish = (v: Value) => v.k === "prim" && v.v == null;
  const object = (v: Value) => v.k === "obj" || v.k === "fn" || v.k === "promise" || v.k === "lib" || v.k === "native";
  if ((nullish(a) && object(b)) || (object(a) && nullish(b))) return { equal: false, taint };
  return undefined;
}

/** Where a node starts, for messages: "line 12". */
export function lineOf(node: Node): number {
  return node.loc?.start.line ?? 1;
}
