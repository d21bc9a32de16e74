// The model of a middleware function read as steps (gate-steps.ts): what a gate answers a
// signed-out caller and requires of a signed-in one, the flaws that change what a rule does, and
// the steps themselves with the `if` tests on their way.
import type {
  ArrowFunctionExpression,
  CallExpression,
  FunctionDeclaration,
  FunctionExpression,
  Node,
} from "@babel/types";
import type { Bindings } from "../js/bindings.js";
import type { Scope } from "./gate-values.js";

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
  /** This tool's own `matchesOldMatcher` functions and the regular expressions they test (Scope.pathTests). */
  pathTests?: ReadonlyMap<string, RegExp[]>;
  /** Module-level `const clerk = clerkMiddleware(...)`, which a user's function may call. */
  instances: ReadonlyMap<string, CallExpression>;
  steps: Step[];
  flaws: Flaw[];
}

/** Thrown inside the reader for a shape it cannot follow; readFunction's caller turns it into `{ ok: false }`. */
export class Unreadable extends Error {}

export const lineOf = (node: Node) => node.loc?.start.line ?? 0;
export const codeOf = (ctx: Pick<ReadContext, "code">, node: Node) => ctx.code.slice(node.start ?? 0, node.end ?? 0);
