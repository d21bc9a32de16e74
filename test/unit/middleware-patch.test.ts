import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { MiddlewareResult, PlanContext } from "../../src/plan/middleware/index.js";
import { readSource } from "../../src/js/parse.js";
import { planMiddleware } from "../../src/plan/middleware/plan.js";
import { describeMiddlewareNote } from "../../src/report/middleware-notes.js";
import { MIDDLEWARE_FIXTURES, routeOf } from "../support/middleware-fixtures.js";

const fixture = (name: string, file: string) => readFileSync(join(MIDDLEWARE_FIXTURES, name, file), "utf8");
const ctx: PlanContext = {
  route: routeOf("/api/projects/[id]"),
  language: "ts",
  nextMajor: 16,
  srcDir: true,
  path: "src/proxy.ts",
  kind: "proxy",
  typescript: true,
  appRoutes: [],
};

/** Plans, checks the result parses and is a fixed point, and returns the new text. */
function patch(input: string, context = ctx): string {
  const result = planMiddleware(input, context);
  if (result.status !== "patched") throw new Error(`expected patched, got ${JSON.stringify(result)}`);
  expect(readSource(result.after, context.path, context.typescript).ok).toBe(true);
  expect(planMiddleware(result.after, context).status).toBe("unchanged");
  return result.after;
}

const crlf = (text: string) => text.replace(/\n/g, "\r\n");

describe("line endings", () => {
  for (const name of ["clerk-multiline-matcher", "clerk-inline-single-quotes", "wrap-named-middleware"]) {
    it(`keeps CRLF: ${name}`, () => {
      const context =
        name === "wrap-named-middleware"
          ? { ...ctx, path: "middleware.ts", kind: "middleware" as const, nextMajor: 15, srcDir: false }
          : ctx;
      const after = patch(crlf(fixture(name, "input.ts")), context);
      expect(after).toBe(crlf(fixture(name, "output.ts")));
      expect(after.replace(/\r\n/g, "")).not.toContain("\n");
    });
  }

  it("keeps a missing final newline", () => {
    const input = fixture("clerk-string-matcher", "input.ts").trimEnd();
    expect(patch(input)).toBe(fixture("clerk-string-matcher", "output.ts").trimEnd());
  });

  it("keeps a missing final newline when wrapping the last statement", () => {
    const input = fixture("wrap-default-function", "input.ts").trimEnd();
    expect(patch(input)).toBe(fixture("wrap-default-function", "output.ts").trimEnd());
  });
});

describe("a Clerk handler and its options", () => {
  it("keeps the handler's text and the options, and guards the handler with the old matcher", () => {
    const input = fixture("clerk-handler-options", "input.ts");
    const after = patch(input);
    const handler = input.slice(input.indexOf("async (auth, req)"), input.indexOf("  {\n    signInUrl"));
    expect(after).toContain(`onlyOnOldMatcher(${handler.replace(/,\n$/, "")}),\n  {\n    signInUrl: "/sign-in",`);
  });
});

describe("more shapes", () => {
  it("adds clerkMiddleware to an existing @clerk/nextjs/server import", () => {
    const input = `import { NextResponse } from "next/server";
import { createRouteMatcher } from "@clerk/nextjs/server";

export const isAdmin = createRouteMatcher(["/admin(.*)"]);

export function proxy() {
  return NextResponse.next();
}
`;
    expect(patch(input)).toContain(`import { createRouteMatcher, clerkMiddleware } from "@clerk/nextjs/server";`);
  });

  it("uses a namespace import of @clerk/nextjs/server", () => {
    const input = `import * as clerk from "@clerk/nextjs/server";

export default clerk.clerkMiddleware();

export const config = { matcher: ["/dashboard/:path*"] };
`;
    expect(patch(input)).toContain(`matcher: ["/dashboard/:path*", "/(api|trpc)(.*)"]`);
  });

  it("wraps a parenthesized default arrow", () => {
    const after = patch(`export default ((req) => {
  console.log(req.url);
});
`);
    expect(after).toContain("const userMiddleware = ((req) => {");
    expect(after).toContain("export default clerkMiddleware((_auth, req) => userMiddleware(req));");
  });

  it("wraps `export { handler as proxy }` and `export const proxy = handler`", () => {
    const fn = `import { NextResponse } from "next/server";

const handler = () => NextResponse.next();
`;
    for (const exporter of ["export { handler as proxy };", "export const proxy = handler;"]) {
      const after = patch(`${fn}\n${exporter}\n`);
      expect(after).not.toContain(exporter);
      expect(after).toContain("export default clerkMiddleware((_auth, _req) => handler());");
    }
  });

  it("picks names that don't clash", () => {
    const after = patch(`function clerkMiddleware() {}
clerkMiddleware();

export default function (req: Request) {
  return req.url ? undefined : undefined;
}
`);
    expect(after).toContain(`import { clerkMiddleware as clerkMiddleware2 } from "@clerk/nextjs/server";`);
    expect(after).toContain("function userMiddleware(req: Request)");
    expect(after).toContain("export default clerkMiddleware2((_auth, req) => userMiddleware(req));");
  });

  it("passes both arguments to a function typed as a middleware", () => {
    const after = patch(`import type { NextMiddleware } from "next/server";

export const proxy: NextMiddleware = (req) => {
  console.log(req.url);
};
`);
    expect(after).toContain("(_auth, req, event) => proxy(req, event)");
  });

  it("passes both arguments to a function that reads `arguments`", () => {
    const after = patch(
      `export function proxy() {
  return arguments.length ? undefined : undefined;
}
`,
      { ...ctx, path: "src/proxy.js", language: "js", typescript: false },
    );
    expect(after).toContain("(_auth, req, event) => proxy(req, event)");
  });

  it("fills a middleware file that holds only comments", () => {
    const after = patch("// TODO: clerkMiddleware goes here\n");
    expect(after.startsWith("// TODO: clerkMiddleware goes here\n\nimport { clerkMiddleware }")).toBe(true);
  });

  it("adds the route itself for a non-API route, in Next's syntax", () => {
    const input = fixture("clerk-string-matcher", "input.ts");
    const after = patch(input, { ...ctx, route: routeOf("/reports/[id]/[[...rest]]") });
    expect(after).toContain(`["/dashboard/:path*", "/reports/:id/:rest*"]`);
  });
});

describe("a clerkMiddleware() handler or options: only the route joins the matcher", () => {
  const withCall = (call: string, matcher = `["/dashboard/:path*"]`) => `import * as clerk from "@clerk/nextjs/server";

export default ${call};

export const config = { matcher: ${matcher} };
`;
  const summaryOf = (input: string, context = ctx) => {
    const result = planMiddleware(input, context);
    return result.status === "patched" ? describeMiddlewareNote(result.note) : `${result.status}`;
  };

  it("adds the route itself for a handler, an options object or an options callback", () => {
    for (const call of [
      "clerk.clerkMiddleware(async (auth) => { await auth.protect(); })",
      "clerk.clerkMiddleware(async () => undefined, { debug: true })",
      'clerk.clerkMiddleware({ signInUrl: "/login" })',
      "clerk.clerkMiddleware(() => ({ debug: true }))",
    ]) {
      expect(patch(withCall(call))).toContain(`matcher: ["/dashboard/:path*", "/api/projects/:id"]`);
    }
  });

  it("keeps Clerk's broad API entry without a handler or options", () => {
    for (const call of ["clerk.clerkMiddleware()", "clerk.clerkMiddleware({})"]) {
      expect(patch(withCall(call))).toContain(`matcher: ["/dashboard/:path*", "/(api|trpc)(.*)"]`);
    }
  });

  it("says Clerk runs on the route and the handler only where it ran before", () => {
    expect(summaryOf(withCall("clerk.clerkMiddleware(async (auth) => { await auth.protect(); })"))).toBe(
      'Added "/api/projects/:id" to config.matcher in src/proxy.ts, so clerkMiddleware() now also runs on /api/projects/[id]; your clerkMiddleware() handler still runs only on the paths its old matcher matched.',
    );
    expect(summaryOf(withCall("clerk.clerkMiddleware({ debug: true })"))).toBe(
      'Added "/api/projects/:id" to config.matcher in src/proxy.ts, so your clerkMiddleware() options now also apply to /api/projects/[id]: check that they suit it.',
    );
  });

  it("adds one entry per new route, and nothing for a route already covered", () => {
    const first = patch(withCall("clerk.clerkMiddleware(async () => {})"));
    const second = patch(first, { ...ctx, route: routeOf("/api/files/[...path]") });
    expect(second).toContain(`matcher: ["/dashboard/:path*", "/api/projects/:id", "/api/files/:path+"]`);
    expect(planMiddleware(second, { ...ctx, route: routeOf("/dashboard/[id]") }).status).toBe("unchanged");
  });

  it("names the route's own entry in a refusal", () => {
    const result = planMiddleware(withCall("clerk.clerkMiddleware(async () => {})", "paths"), ctx);
    expect(result.status).toBe("refused");
    if (result.status === "refused") {
      expect(result.manualEdit).toContain('"/api/projects/:id"');
      expect(result.manualEdit).not.toContain("/(api|trpc)(.*)");
    }
  });
});

describe("a lookahead matcher and a dynamic route", () => {
  it("wraps the user's function behind its old matcher and adds the route's own entry", () => {
    const input = `export function proxy() {}

export const config = { matcher: ["/((?!api/webhooks|_next).*)"] };
`;
    const result = planMiddleware(input, { ...ctx, route: routeOf("/api/[...slug]") });
    expect(result.status).toBe("patched");
    if (result.status !== "patched") return;
    expect(result.after).toContain(`matcher: ["/((?!api/webhooks|_next).*)", "/api/:slug+"]`);
    expect(result.after).toContain("if (matchesOldMatcher(req.nextUrl.pathname))");
    expect(describeMiddlewareNote(result.note)).toBe(
      'Replaced the named `proxy` export of src/proxy.ts with a default export that runs clerkMiddleware() and calls `proxy` only on the paths its old matcher matched, and added "/api/:slug+" to config.matcher; code or tests that import `proxy` from this file must change.',
    );
  });
});

describe("Clerk exported without a call", () => {
  it("is still Clerk", () => {
    const input = `import { clerkMiddleware } from "@clerk/nextjs/server";

export default clerkMiddleware;

export const config = { matcher: ["/dashboard/:path*"] };
`;
    expect(patch(input)).toContain(`matcher: ["/dashboard/:path*", "/(api|trpc)(.*)"]`);
    expect(planMiddleware(`export { clerkMiddleware as default } from "@clerk/nextjs/server";\n`, ctx).status).toBe(
      "unchanged",
    );
  });
});

describe("other auth libraries", () => {
  it("refuses NextAuth(config).auth", () => {
    const result = planMiddleware(
      `import NextAuth from "next-auth";
import { authConfig } from "./auth.config";

export default NextAuth(authConfig).auth;
`,
      ctx,
    );
    expect(result.status).toBe("refused");
    if (result.status === "refused") expect(result.reason).toContain("Auth.js");
  });
});

describe("never throws for user content", () => {
  // Each input's real outcome. planMiddleware turns any exception into a refusal ("Could not
  // update …"), so accepting any "refused" would let a crash pass: the reason must be the one
  // that names the shape.
  const cases: Array<[input: string, status: MiddlewareResult["status"], reason?: string]> = [
    ["", "patched"],
    ["export default 42;", "refused", "The middleware in src/proxy.ts is not a function Next.js can call"],
    ["export default class {}", "refused", "The middleware in src/proxy.ts is not a function Next.js can call"],
    ["export const config = 1;", "refused", "src/proxy.ts has no export Next.js runs"],
    ["let x = <div/>;", "refused", "Could not parse src/proxy.ts:1:13"],
    ["export default function* () {}", "refused", "The middleware in src/proxy.ts is a generator function"],
  ];
  for (const [input, status, reason] of cases) {
    it(JSON.stringify(input), () => {
      const result: MiddlewareResult = planMiddleware(input, ctx);
      expect(result.status).toBe(status);
      if (result.status === "refused") {
        expect(result.reason).not.toMatch(/^Could not update /);
        expect(result.reason).toContain(reason);
      }
    });
  }

  it("reports line:column for a syntax error", () => {
    const result = planMiddleware("export default clerkMiddleware(\n  {,\n);\n", ctx);
    expect(result.status).toBe("refused");
    if (result.status === "refused") expect(result.reason).toContain("src/proxy.ts:2:4");
  });
});

describe("the generated guard", () => {
  it("runs the user's function exactly where Next.js ran its old matcher", async () => {
    const { matchesPath, nextMatcherRegExp } = await import("../../src/next/matcher.js");
    const output = fixture("wrap-default-arrow-js", "output.js");
    const start = output.indexOf("const oldMatcher");
    const end = output.indexOf("export default clerkMiddleware");
    const guard = new Function(`${output.slice(start, end)}\nreturn matchesOldMatcher;`)() as (p: string) => boolean;
    const old = nextMatcherRegExp("/dashboard/:path*") as RegExp;
    for (const path of [
      "/dashboard",
      "/dashboard/a/b",
      "/d%61shboard/x",
      "/_next/data/b1/dashboard.json",
      "/Dashboard",
      "/api/projects/1",
      "/%E0%A4%A",
    ]) {
      expect([path, guard(path)]).toEqual([path, matchesPath(old, path)]);
    }
  });
});
