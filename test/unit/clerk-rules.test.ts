import { describe, expect, it } from "vitest";
import { readSource } from "../../src/js/parse.js";
import { type ReadOptions, readClerkRules, type ReadRules, ruleVerdict } from "../../src/clerk/rules.js";

/**
 * The one reader of a middleware's gates: each shape, read for a signed-out caller per path
 * (protected / public / unknown), with what a gate answers and requires, its flaws, and where
 * Clerk runs at all.
 */
function read(code: string, options: ReadOptions = { clerkMajor: 7 }): ReadRules {
  const parsed = readSource(code, "src/proxy.ts", true);
  if (!parsed.ok) throw new Error(parsed.error);
  return readClerkRules(parsed.source, options);
}

const verdict = (rules: ReadRules, ...paths: string[]) => ruleVerdict(rules, paths).kind;

const HEAD = `import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

const isPublicRoute = createRouteMatcher(["/", "/sign-in(.*)", "/api/webhooks(.*)"]);
const isProtectedRoute = createRouteMatcher(["/dashboard(.*)", "/api(.*)"]);
const isAdminRoute = createRouteMatcher(["/admin(.*)", "/api/admin(.*)"]);
`;

function handler(body: string, options?: ReadOptions): ReadRules {
  return read(`${HEAD}\nexport default clerkMiddleware(async (auth, req) => {\n${body}\n});\n`, options);
}

describe("createRouteMatcher + auth.protect()", () => {
  it("positive, inverted and combined", () => {
    const positive = handler("if (isProtectedRoute(req)) await auth.protect();");
    expect(verdict(positive, "/api/x")).toBe("protected");
    expect(verdict(positive, "/about")).toBe("public");
    const inverted = handler("if (!isPublicRoute(req)) await auth.protect();");
    expect(verdict(inverted, "/api/x")).toBe("protected");
    expect(verdict(inverted, "/api/webhooks/clerk")).toBe("public");
    const both = handler("if (isProtectedRoute(req) && !isPublicRoute(req)) await auth.protect();");
    expect(verdict(both, "/api/x")).toBe("protected");
    expect(verdict(both, "/api/webhooks/x", "/about")).toBe("public");
  });

  it("an exit before the rule: `if (isPublicRoute(req)) return;` then protect everything", () => {
    const rules = handler("if (isPublicRoute(req)) return;\nawait auth.protect();");
    expect(verdict(rules, "/api/webhooks/clerk")).toBe("public");
    expect(verdict(rules, "/api/x")).toBe("protected");
    if (!rules.ok) throw new Error(rules.why);
    expect(rules.rules[0]!.terms).toMatchObject([{ matcher: "isPublicRoute", negated: true }]);
  });

  it("role, permission and (has) => … are recorded as what the rule requires", () => {
    const rules = handler(
      'if (isAdminRoute(req)) await auth.protect({ role: "org:admin" });\nif (isProtectedRoute(req)) await auth.protect((has) => has({ permission: "org:x:read" }) || has({ role: "org:admin" }));',
    );
    if (!rules.ok) throw new Error(rules.why);
    expect(rules.rules.map((r) => r.gate.requires)).toEqual([
      { kind: "has", params: { role: "org:admin" } },
      { kind: "condition", code: '(has) => has({ permission: "org:x:read" }) || has({ role: "org:admin" })' },
    ]);
    expect(rules.rules[0]!.gate.answer).toEqual({ kind: "protect" });
    expect(verdict(rules, "/admin")).toBe("protected");
  });

  it("return auth.protect() and an arrow returning `isX(req) && auth.protect()` protect; protect() with unauthenticatedUrl says where it sends", () => {
    expect(verdict(handler("if (isProtectedRoute(req)) return auth.protect();"), "/api/x")).toBe("protected");
    const arrow = read(
      `${HEAD}\nexport default clerkMiddleware((auth, req) => isProtectedRoute(req) && auth.protect());\n`,
    );
    expect(verdict(arrow, "/api/x")).toBe("protected");
    expect(verdict(arrow, "/about")).toBe("public");
    const url = handler('await auth.protect({ unauthenticatedUrl: "/login" });');
    expect(url.ok && url.rules[0]!.gate.answer).toEqual({ kind: "protect", unauthenticatedUrl: "/login" });
  });

  it("a handler declared in the file, or passed by name", () => {
    const rules = read(
      `${HEAD}\nconst handler = async (auth, req) => {\n  if (isProtectedRoute(req)) await auth.protect();\n};\nexport default clerkMiddleware(handler);\n`,
    );
    expect(verdict(rules, "/api/x")).toBe("protected");
  });

  it("a list named by a const", () => {
    const rules = read(`import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";
const publicPaths = ["/", "/api/webhooks(.*)"];
const isPublicRoute = createRouteMatcher(publicPaths);
export default clerkMiddleware(async (auth, req) => {
  if (!isPublicRoute(req)) await auth.protect();
});
`);
    expect(verdict(rules, "/api/webhooks/x")).toBe("public");
    expect(verdict(rules, "/api/x")).toBe("protected");
    expect(rules.ok && rules.rules[0]!.terms[0]!.patterns).toBeTruthy();
  });
});

describe("gates that are not auth.protect()", () => {
  it("redirectToSignIn() under `!isPublicRoute(req) && !userId`, then redirects by organization and role", () => {
    const rules = handler(`  const { userId, orgId, sessionClaims, redirectToSignIn } = await auth();
  if (!isPublicRoute(req) && !userId) return redirectToSignIn();
  if (userId && !orgId && req.nextUrl.pathname !== "/select-org") {
    return NextResponse.redirect(new URL("/select-org", req.url));
  }
  if (isAdminRoute(req) && sessionClaims?.metadata?.role !== "admin") {
    return NextResponse.redirect(new URL("/", req.url));
  }
  return NextResponse.next();`);
    if (!rules.ok) throw new Error(rules.why);
    expect(verdict(rules, "/api/x")).toBe("protected");
    expect(verdict(rules, "/api/webhooks/clerk")).toBe("public");
    // A signed-out caller on a public admin path: sessionClaims is null, so the metadata check redirects.
    expect(verdict(rules, "/admin")).toBe("protected");
    expect(rules.rules.map((r) => [r.gate.via, r.gate.requires.kind])).toEqual([
      ["redirectToSignIn", "signedIn"],
      ["redirect", "custom"],
      ["redirect", "custom"],
    ]);
    expect(rules.rules[0]!.gate.answer).toEqual({ kind: "redirectToSignIn", signUp: false });
    // The organization redirect never stops a signed-out caller, but governs signed-in ones.
    expect(rules.rules[1]!.mayProtect("/api/x")).toBe(false);
    expect(rules.rules[1]!.governs("/api/x")).toBe(true);
  });

  it("isAuthenticated, redirectToSignIn({ returnBackUrl }), and the auth object kept whole", () => {
    const a = handler(
      "const { isAuthenticated, redirectToSignIn } = await auth();\nif (!isAuthenticated && isProtectedRoute(req)) return redirectToSignIn({ returnBackUrl: req.url });",
    );
    expect(verdict(a, "/api/x")).toBe("protected");
    expect(verdict(a, "/about")).toBe("public");
    const b = handler(
      "const session = await auth();\nif (isProtectedRoute(req) && !session.userId) return session.redirectToSignIn();",
    );
    expect(verdict(b, "/api/x")).toBe("protected");
    const c = handler("if (isProtectedRoute(req) && !(await auth()).userId) return (await auth()).redirectToSignIn();");
    expect(verdict(c, "/api/x")).toBe("protected");
  });

  it("hand gates: 401 JSON, new Response(null, { status: 401 }), a redirect", () => {
    for (const answer of [
      'NextResponse.json({ error: "Unauthorized" }, { status: 401 })',
      "new Response(null, { status: 401 })",
      'NextResponse.redirect(new URL("/sign-in", req.url))',
    ]) {
      const rules = handler(
        `const { userId } = await auth();\nif (isProtectedRoute(req) && !userId) {\n  return ${answer};\n}`,
      );
      expect(verdict(rules, "/api/x"), answer).toBe("protected");
      expect(verdict(rules, "/about"), answer).toBe("public");
      expect(rules.ok && rules.rules[0]!.gate.requires, answer).toEqual({ kind: "signedIn" });
    }
  });

  it("a condition on headers or cookies: custom, unknown where it may apply", () => {
    const rules = handler(
      'if (isProtectedRoute(req) && !req.cookies.get("session")) return NextResponse.json({}, { status: 401 });',
    );
    expect(verdict(rules, "/api/x")).toBe("unknown");
    expect(verdict(rules, "/about")).toBe("public");
    expect(rules.ok && rules.rules[0]!.gate.requires.kind).toBe("custom");
  });

  it("a test that lets signed-out callers through is no gate for them; `userId === undefined` never holds", () => {
    expect(
      verdict(
        handler(
          "const { userId, orgId } = await auth();\nif (userId && !orgId) return NextResponse.json({}, { status: 403 });",
        ),
        "/api/x",
      ),
    ).toBe("public");
    expect(
      verdict(
        handler(
          "const { userId } = await auth();\nif (userId === undefined) return NextResponse.json({}, { status: 401 });",
        ),
        "/api/x",
      ),
    ).toBe("public");
  });

  it("a userId replaced from a header is not read as the session: the 401 is not protection", () => {
    const rules = handler(
      'let { userId } = await auth();\nuserId = req.headers.get("x-user-id");\nif (!userId) return NextResponse.json({}, { status: 401 });',
    );
    expect(verdict(rules, "/api/x")).toBe("public");
    expect(rules.ok && rules.signedOut("/api/x")).toMatchObject({ kind: "answered", blocks: true });
  });

  it("other answers are not protection: a rewrite, another library's middleware", () => {
    const rules = read(
      `${HEAD}\nimport createMiddleware from "next-intl/middleware";\nconst intl = createMiddleware({});\nexport default clerkMiddleware(async (auth, req) => {\n  if (isAdminRoute(req)) await auth.protect();\n  return intl(req);\n});\n`,
    );
    expect(verdict(rules, "/api/x")).toBe("public");
    expect(rules.ok && rules.signedOut("/api/x")).toEqual({ kind: "answered", code: "intl(req)", blocks: false });
    expect(verdict(rules, "/admin")).toBe("protected");
  });

  it("gates it would not see make the read fail: auth handed to a helper, protect() in a nested function, the auth object passed on", () => {
    expect(handler("await requireAdmin(auth, req);")).toMatchObject({
      ok: false,
      why: expect.stringContaining("hands `auth` to other code"),
    });
    expect(
      handler("async function check() {\n  await auth.protect();\n}\nif (isProtectedRoute(req)) await check();"),
    ).toMatchObject({ ok: false, why: expect.stringContaining("nested function") });
    expect(handler("const session = await auth();\nawait enforceOrg(session);")).toMatchObject({
      ok: false,
      why: expect.stringContaining("auth object"),
    });
    expect(handler("const { redirectToSignIn } = await auth();\nguard(redirectToSignIn);")).toMatchObject({
      ok: false,
    });
    // Reading the auth object is fine.
    expect(
      handler(
        "const { userId } = await auth();\nconsole.log(userId);\nif (isProtectedRoute(req)) await auth.protect();",
      ),
    ).toMatchObject({ ok: true });
  });

  it("redirect() and notFound() from next/navigation throw, and clerkMiddleware() answers: gates under a session test", () => {
    const rules = read(
      `${HEAD}\nimport { notFound, redirect } from "next/navigation";\nexport default clerkMiddleware(async (auth, req) => {\n  const { userId } = await auth();\n  if (isAdminRoute(req) && !userId) notFound();\n  if (isProtectedRoute(req) && !userId) redirect("/sign-in");\n});\n`,
    );
    expect(verdict(rules, "/admin")).toBe("protected");
    expect(verdict(rules, "/api/x")).toBe("protected");
    expect(rules.ok && rules.rules.map((r) => r.gate.answer)).toEqual([
      { kind: "status", status: 404 },
      { kind: "redirect" },
    ]);
  });

  it("control flow it cannot follow is unreadable, with why", () => {
    const rules = handler("try {\n  await auth.protect();\n} catch {}");
    expect(rules).toMatchObject({ ok: false, why: expect.stringContaining("try/catch") });
    expect(handler("[1].forEach(() => auth.protect());")).toMatchObject({ ok: false });
  });
});

describe("Clerk 5/6 shapes and the Clerk major", () => {
  it("auth().protect() and auth().userId read as Clerk 5 (sync auth())", () => {
    const rules = handler("if (isProtectedRoute(req)) auth().protect();", { clerkMajor: 5 });
    expect(verdict(rules, "/api/x")).toBe("protected");
    const userId = handler("if (isProtectedRoute(req) && !auth().userId) return auth().redirectToSignIn();", {
      clerkMajor: 5,
    });
    expect(verdict(userId, "/api/x")).toBe("protected");
  });

  it("await auth() is the auth object whatever the major; auth() alone needs the major", () => {
    const awaited = handler(
      "const { userId, redirectToSignIn } = await auth();\nif (!userId && isProtectedRoute(req)) return redirectToSignIn();",
      {},
    );
    expect(verdict(awaited, "/api/x")).toBe("protected");
    const sync = handler(
      "const { userId } = auth();\nif (!userId && isProtectedRoute(req)) return NextResponse.json({}, { status: 401 });",
      {},
    );
    expect(verdict(sync, "/api/x")).toBe("unknown");
  });

  it("auth().protect() on Clerk 6+ throws (a flaw, not protection)", () => {
    const rules = handler("if (isProtectedRoute(req)) auth().protect();", { clerkMajor: 6 });
    expect(verdict(rules, "/api/x")).toBe("public");
    expect(rules.ok && rules.flaws).toMatchObject([{ kind: "syncAuth" }]);
  });

  it("auth.protect() without await or return protects nothing on Clerk 6+, is flagged, and is unknown when the major is", () => {
    const v7 = handler("if (isProtectedRoute(req)) auth.protect();");
    expect(verdict(v7, "/api/x")).toBe("public");
    expect(v7.ok && v7.flaws).toEqual([{ kind: "unawaitedProtect", line: 9, code: "auth.protect()", major: 7 }]);
    const unknown = handler("if (isProtectedRoute(req)) auth.protect();", {});
    expect(verdict(unknown, "/api/x")).toBe("unknown");
    const voided = handler("if (isProtectedRoute(req)) void auth.protect();");
    expect(verdict(voided, "/api/x")).toBe("public");
  });

  it("authMiddleware({ publicRoutes, ignoredRoutes }): everything protected but publicRoutes; Clerk not run on ignoredRoutes", () => {
    const code = `import { authMiddleware } from "@clerk/nextjs";
export default authMiddleware({ publicRoutes: ["/", "/api/webhooks(.*)"], ignoredRoutes: ["/api/health"] });
export const config = { matcher: ["/((?!.+\\\\.[\\\\w]+$|_next).*)", "/", "/(api|trpc)(.*)"] };
`;
    const rules = read(code, { clerkMajor: 5 });
    if (!rules.ok) throw new Error(rules.why);
    expect(rules.legacy).toBe(true);
    expect(verdict(rules, "/api/x")).toBe("protected");
    expect(verdict(rules, "/api/webhooks/clerk")).toBe("public");
    expect(rules.clerkRuns("/api/health")).toBe(false);
    expect(rules.clerkRuns("/api/x")).toBe(true);
    expect(rules.rules[0]!.gate.answer).toEqual({ kind: "legacy" });
    expect(read(code, { clerkMajor: 6 })).toMatchObject({ ok: false, why: expect.stringContaining("authMiddleware") });
    expect(read(code.replace("ignoredRoutes", "afterAuth: () => {}, ignoredRoutes"), { clerkMajor: 5 })).toMatchObject({
      ok: false,
    });
  });
});

describe("a proxy of the user's own that calls Clerk on some paths", () => {
  const code = `import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";
import type { NextFetchEvent, NextRequest } from "next/server";
import createMiddleware from "next-intl/middleware";

const intl = createMiddleware({ locales: ["en"], defaultLocale: "en" });
const isProtectedRoute = createRouteMatcher(["/dashboard(.*)", "/api/private(.*)"]);

export default function proxy(req: NextRequest, event: NextFetchEvent) {
  const { pathname } = req.nextUrl;
  if (pathname.startsWith("/api") || pathname.startsWith("/dashboard")) {
    return clerkMiddleware(async (auth, request) => {
      if (isProtectedRoute(request)) await auth.protect();
    })(req, event);
  }
  return intl(req);
}
`;
  it("models where Clerk runs, and its rules only there", () => {
    const rules = read(code);
    if (!rules.ok) throw new Error(rules.why);
    expect(rules.clerkRuns("/api/x")).toBe(true);
    expect(rules.clerkRuns("/dashboard")).toBe(true);
    expect(rules.clerkRuns("/en/about")).toBe(false);
    expect(verdict(rules, "/api/private/x")).toBe("protected");
    expect(verdict(rules, "/api/open")).toBe("public");
  });

  it("a module-level instance called on some paths", () => {
    const rules = read(`import { clerkMiddleware } from "@clerk/nextjs/server";
import { NextResponse, type NextRequest, type NextFetchEvent } from "next/server";
const clerk = clerkMiddleware(async (auth) => { await auth.protect(); });
export function proxy(req: NextRequest, event: NextFetchEvent) {
  if (req.nextUrl.pathname.startsWith("/api/")) return clerk(req, event);
  return NextResponse.next();
}
`);
    if (!rules.ok) throw new Error(rules.why);
    expect(rules.clerkRuns("/api/x")).toBe(true);
    expect(rules.clerkRuns("/about")).toBe(false);
    expect(verdict(rules, "/api/x")).toBe("protected");
  });
});

describe("the guard an earlier run of this tool wrote", () => {
  it("`if (matchesOldMatcher(req.nextUrl.pathname)) return middleware(req)`: the user's code only on its old paths", () => {
    const rules = read(`import { clerkMiddleware } from "@clerk/nextjs/server";
import { NextResponse, type NextRequest } from "next/server";

function middleware(request: NextRequest) {
  if (!request.cookies.get("session")) return NextResponse.json({ error: "no" }, { status: 401 });
  return NextResponse.next();
}

const oldMatcher = [/^\\/dashboard(?:\\/(.*))?[\\/#\\?]?$/];

function matchesOldMatcher(pathname: string) {
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {}
  return oldMatcher.some((regexp) => regexp.test(pathname) || regexp.test(decoded));
}

export default clerkMiddleware((_auth, req) => {
  if (matchesOldMatcher(req.nextUrl.pathname)) {
    return middleware(req);
  }
  return undefined;
});
`);
    if (!rules.ok) throw new Error(rules.why);
    // The user's own code (a cookie test the reader cannot follow) never runs on /api: Clerk alone answers there.
    expect(rules.signedOut("/api/machine/1")).toEqual({ kind: "through" });
    expect(rules.signedOut("/dashboard/x").kind).not.toBe("through");
  });
});
