import { describe, expect, it } from "vitest";
import { createClassifier } from "../../src/audit/classify.js";

// The one failure an audit must not have: calling a handler protected while it answers a
// signed-out caller. Random handlers (conditions on auth() values and on request headers, nested
// ifs, throws, redirect(), try/catch, ternaries, awaited and un-awaited auth.protect(), userId
// overwritten from a header, a same-file helper) are both audited and really run, signed out,
// with every combination of the headers. Whenever the audit says "protected", no run may get
// the handler's data. Seeded: a failure names its seed and prints the handler.

const PROTECTED = new Set(["protect", "auth-check", "currentUser", "machine", "webhook", "secret"]);
const DATA = "NextResponse.json({ secret: 42 })";
const DENY = 'NextResponse.json({ error: "Unauthorized" }, { status: 401 })';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(seed: number) {
  const random = rng(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const atom = () =>
    pick([
      "!userId",
      "userId",
      "!isAuthenticated",
      "isAuthenticated",
      "flagA",
      "flagB",
      "!flagA",
      "userId === undefined",
      "userId === null",
      "userId == null",
      "orgId",
      "!orgId",
      'has({ role: "org:admin" })',
      '!has({ role: "org:admin" })',
      "header",
      "!header",
      "true",
      "false",
    ]);
  const condition = (depth: number): string => {
    if (depth <= 0 || random() < 0.5) return atom();
    const kind = pick(["&&", "||", "!"]);
    return kind === "!" ? `!(${condition(depth - 1)})` : `(${condition(depth - 1)} ${kind} ${condition(depth - 1)})`;
  };
  const statement = (depth: number): string => {
    const leaves = [
      `return ${DATA};`,
      `return ${DENY};`,
      'throw new Error("Unauthorized");',
      'redirect("/sign-in");',
      "await auth.protect();",
      "auth.protect();",
      "userId = header;",
      "await check();",
      `return ${condition(1)} ? ${DATA} : ${DENY};`,
      `return ${condition(1)} ? ${DENY} : ${DATA};`,
      "console.log(userId);",
    ];
    if (depth <= 0 || random() < 0.4) return pick(leaves);
    switch (pick(["if", "ifelse", "try", "block"])) {
      case "if":
        return `if (${condition(2)}) {\n${statements(depth - 1)}\n}`;
      case "ifelse":
        return `if (${condition(2)}) {\n${statements(depth - 1)}\n} else {\n${statements(depth - 1)}\n}`;
      case "try":
        return `try {\n${statements(depth - 1)}\n} catch {\n${statements(depth - 1)}\n}`;
      default:
        return statements(depth - 1);
    }
  };
  const statements = (depth: number): string =>
    Array.from({ length: 1 + Math.floor(random() * 3) }, () => statement(depth)).join("\n");
  const own = () =>
    pick(["!userId", "userId", "!isAuthenticated", "isAuthenticated", "true", "false", "userId === undefined"]);
  const helper = `async function check() {\n  const { userId, isAuthenticated } = await auth();\n  if (${own()} ${pick(["&&", "||"])} ${own()}) throw new Error("Unauthorized");\n}`;
  const body = `let { userId, isAuthenticated, orgId, has } = await auth();\nconst flagA = req.headers.get("a");\nconst flagB = req.headers.get("b");\nconst header = req.headers.get("x-user-id");\n${statements(3)}\nreturn ${DATA};`;
  return { helper, body };
}

const REDIRECT = Symbol("redirect");

/** Runs the handler signed out with every header combination: whether any run got the data. */
async function leaks(helper: string, body: string): Promise<boolean> {
  const auth = Object.assign(async () => ({ userId: null, isAuthenticated: false, orgId: null, has: () => false }), {
    protect: () => {
      const rejected = Promise.reject(REDIRECT);
      rejected.catch(() => {});
      return rejected;
    },
  });
  const redirect = () => {
    throw REDIRECT;
  };
  const NextResponse = { json: (body: unknown, init?: { status?: number }) => ({ body, status: init?.status ?? 200 }) };
  const make = new Function(
    "auth",
    "redirect",
    "NextResponse",
    `${helper}\nreturn async function GET(req) {\n${body}\n};`,
  );
  const GET = make(auth, redirect, NextResponse) as (
    req: unknown,
  ) => Promise<{ body: { secret?: number }; status: number } | undefined>;
  for (const a of [null, "1"]) {
    for (const b of [null, "1"]) {
      for (const x of [null, "user_forged"]) {
        const headers = { get: (name: string) => ({ a, b, "x-user-id": x })[name] ?? null };
        try {
          const result = await GET({ headers });
          if (result && result.status < 300 && result.body?.secret === 42) return true;
        } catch {
          // a throw or a redirect: no data
        }
      }
    }
  }
  return false;
}

const HEAD =
  'import { auth } from "@clerk/nextjs/server";\nimport { redirect } from "next/navigation";\nimport { NextResponse } from "next/server";\n';

describe("property: no handler that answers a signed-out caller is ever reported protected", () => {
  it("holds on 600 generated handlers", async () => {
    const classify = createClassifier({ clerkMajor: 7, resolve: () => undefined });
    const counts = { protectedSafe: 0, unprotected: 0, leaking: 0 };
    for (let seed = 1; seed <= 600; seed++) {
      const { helper, body } = generator(seed);
      const code = `${HEAD}${helper}\nexport async function GET(req: any) {\n${body}\n}\n`;
      const [handler] = classify(code, `app/api/p${seed}/route.ts`).handlers;
      const leaking = await leaks(helper, body);
      if (leaking) counts.leaking++;
      if (PROTECTED.has(handler!.protection)) {
        if (leaking)
          expect.fail(`seed ${seed}: reported ${handler!.protection}, but a signed-out caller gets the data:\n${code}`);
        counts.protectedSafe++;
      } else {
        counts.unprotected++;
      }
    }
    // Not vacuous: both kinds occur often.
    expect(counts.protectedSafe).toBeGreaterThan(60);
    expect(counts.leaking).toBeGreaterThan(60);
  });
});
