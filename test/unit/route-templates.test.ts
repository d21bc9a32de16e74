import { parse } from "@babel/parser";
import { describe, expect, it } from "vitest";
import * as prettier from "prettier";
import { normalizeOptions } from "../../src/commands/resolve-options.js";
import { renderRoute } from "../../src/plan/route-file.js";
import type { RawFlags } from "../../src/core/raw-flags.js";
import type { Language } from "../../src/core/types.js";
import { allowedMethods, reservedNames } from "../../src/styles/methods.js";
import { STYLES as DECLARATIONS, findStyle } from "../../src/styles/index.js";
import { WEBHOOK_EVENTS } from "../../src/styles/webhook.js";
import { USER_FIELDS } from "../../src/styles/current-user.js";
import { clerkSupport } from "../../src/clerk/api-versions.js";
import { parseVersion } from "../../src/core/version.js";

const STYLES = DECLARATIONS.map((style) => style.name);

// Every style × TS/JS × static/dynamic route, stored as real .ts/.js files a reviewer can read
// (test/snapshots/routes/). Type-checked for real in typecheck-snapshots.test.ts.

/** `clerk`: the installed @clerk/nextjs the route is generated for (default: the newest). */
type Variant = { name: string; flags: Partial<RawFlags>; clerk?: string; gate?: { path: string; rule: string } };

/** A rule of the project's middleware that protects the route too (issue 25 item 3). */
const GATED: Variant = {
  name: "middleware-gate",
  flags: {},
  gate: { path: "src/proxy.ts", rule: "isProtectedRoute(req)" },
};

/** @clerk/nextjs 6.9.9 (issue 25's first app): no isAuthenticated, no ClerkAPIResponseError.retryAfter. */
const OLD_CLERK: Variant = { name: "clerk-6.9.9", flags: {}, clerk: "6.9.9" };

const VARIANTS: Variant[] = [
  { name: "static", flags: {} },
  { name: "dynamic", flags: { route: "/api/projects/[id]", methods: "GET,PATCH" } },
];

const STYLE_EXTRAS: Record<string, Variant[]> = {
  protect: [
    { name: "role", flags: { role: "org:admin" } },
    { name: "permission", flags: { permission: "org:invoices:read" } },
    { name: "plan-and-feature", flags: { plan: "pro", feature: "user:export" } },
    { name: "repeated-permissions", flags: { permission: ["org:invoices:read", "org:invoices:delete"] } },
    GATED,
  ],
  userId: [
    {
      name: "authorization",
      flags: {
        route: "/api/teams/[teamId]",
        role: "org:admin",
        permission: "org:reports:read",
        plan: "org:team",
        feature: "export",
      },
    },
    {
      name: "repeated-checks",
      flags: {
        permission: ["org:invoices:read", "org:invoices:delete"],
        plan: "pro",
        feature: ["export", "org:seats"],
      },
    },
    { ...OLD_CLERK, flags: { route: "/api/teams/[teamId]", role: "org:admin" } },
    GATED,
  ],
  token: [
    { name: "feature", flags: { feature: "org:sync" } },
    {
      name: "all-methods",
      flags: { route: "/api/docs/[...slug]", methods: "GET,POST,PUT,PATCH,DELETE", jwtTemplate: "hasura" },
    },
    { ...OLD_CLERK, flags: { permission: "org:sync:read" } },
  ],
  currentUser: [
    { name: "plan", flags: { plan: "pro" } },
    {
      name: "fields",
      flags: { route: "/api/teams/[team]/[[...rest]]", fields: "id,fullName,username,imageUrl,publicMetadata" },
    },
    OLD_CLERK,
  ],
  clerkClient: [
    { name: "get-and-patch", flags: { methods: "GET,PATCH" } },
    { name: "role", flags: { role: "org:admin", methods: "GET,PATCH" } },
    { ...OLD_CLERK, flags: { methods: "GET,PATCH" } },
  ],
  machine: [
    { name: "api-key", flags: { route: "/api/projects", scopes: "read:projects" } },
    { name: "m2m", flags: { route: "/api/internal/sync", accepts: "m2m_token", methods: "POST" } },
    {
      name: "all",
      flags: {
        route: "/api/projects",
        accepts: "api_key,m2m_token,oauth_token,session_token",
        scopes: "read:projects",
        methods: "GET,POST",
      },
    },
    {
      name: "oauth-and-session",
      flags: {
        accepts: "session_token,oauth_token",
        scopes: "read:projects,write:projects",
        role: "org:admin",
        plan: "pro",
      },
    },
    { name: "session-only", flags: { accepts: "session_token", permission: "org:projects:read" } },
    { name: "api-key-and-m2m", flags: { accepts: "m2m_token,api_key", scopes: "read:projects" } },
    {
      name: "session-repeated-checks",
      flags: {
        accepts: "api_key,session_token",
        role: "org:admin",
        permission: ["org:projects:read", "org:projects:write"],
      },
    },
  ],
  webhook: [
    { name: "org", flags: { events: "organization.created,organizationMembership.created,session.created" } },
    { name: "all-events", flags: { events: [...WEBHOOK_EVENTS.keys()].join(",") } },
    // The newest Clerk without user_id in an accepted invitation.
    {
      name: "clerk-6.33.0",
      flags: { events: "organizationInvitation.created,organizationInvitation.accepted" },
      clerk: "6.33.0",
    },
  ],
};

/** GET,POST (or `wanted`), less what the style refuses; none left: the style's default (a webhook: POST). */
const methodsFor = (style: string, wanted = "GET,POST"): string => {
  const declaration = findStyle(style);
  const allowed = allowedMethods(declaration);
  const kept = wanted.split(",").filter((method) => allowed.includes(method as never));
  return (kept.length > 0 ? kept : declaration.methods.default).join(",");
};

const cases = STYLES.flatMap((style) =>
  [
    ...VARIANTS.map((v) =>
      v.flags.methods
        ? {
            ...v,
            flags: {
              ...v.flags,
              methods: methodsFor(style, v.flags.methods),
              ...(reservedNames(findStyle(style)).has("id") ? { route: "/api/projects/[projectId]" } : {}),
            },
          }
        : v,
    ),
    ...(STYLE_EXTRAS[style] ?? []),
  ].flatMap((variant) => (["ts", "js"] as Language[]).map((language) => ({ style, variant, language }))),
);

describe.each(cases)("$style / $variant.name / $language", ({ style, variant, language }) => {
  const clerk =
    variant.clerk === undefined
      ? undefined
      : clerkSupport({ version: parseVersion(variant.clerk)!, source: "installed" });
  const output = renderRoute(normalizeOptions({ style, ...variant.flags }), language, {
    clerk,
    ...(variant.gate ? { gate: variant.gate } : {}),
  });
  const file = `../snapshots/routes/${style}/${variant.name}.${language}`;

  it("matches the reviewed snapshot", async () => {
    await expect(output).toMatchFileSnapshot(file);
  });

  it("is already formatted the way create-next-app code is (prettier defaults)", async () => {
    const formatted = await prettier.format(output, { parser: language === "ts" ? "typescript" : "babel" });
    expect(output).toBe(formatted);
  });
});

describe("route template content", () => {
  const render = (flags: Partial<RawFlags>, language: Language = "ts") =>
    renderRoute(normalizeOptions({ style: "userId", ...flags }), language);

  it("types each kind of dynamic segment and awaits params", () => {
    const output = render({ route: "/api/a/[id]/b/[...slug]" });
    expect(output).toContain("{ params: Promise<{ id: string; slug: string[] }> }");
    expect(output).toContain("const { id, slug } = await params;");
    expect(render({ route: "/api/a/[[...slug]]" })).toContain("Promise<{ slug?: string[] }>");
  });

  it("exports one function per method, in a stable order", () => {
    const output = render({ methods: "DELETE,GET,POST" });
    expect([...output.matchAll(/export async function (\w+)/g)].map((m) => m[1])).toEqual(["GET", "POST", "DELETE"]);
  });

  it("writes no types into JavaScript output, only JSDoc comments", () => {
    for (const style of STYLES) {
      const output = renderRoute(
        normalizeOptions({ style, route: "/api/x/[itemId]", methods: methodsFor(style) }),
        "js",
      );
      expect(output).toContain("@param {{ params: Promise<{ itemId: string }> }} context");
      const code = output.replace(/\/\*\*[^]*?\*\//g, "");
      expect(code).not.toMatch(/\w: (string|Request|unknown|NameUpdate)\b|as const|type NameUpdate|Promise</);
    }
  });

  it("checks auth before doing anything in every style that calls auth() itself", () => {
    // What each style does once the caller is known: every one of these must come after the check.
    const work = { userId: [], token: ["getToken("], currentUser: ["currentUser()"], clerkClient: ["clerkClient()"] };
    for (const [style, calls] of Object.entries(work)) {
      const output = renderRoute(normalizeOptions({ style, route: "/api/projects/[projectId]" }), "ts");
      const authAt = output.indexOf("await auth()");
      const guardAt = output.indexOf("if (!isAuthenticated)");
      expect(authAt).toBeGreaterThan(0);
      expect(guardAt).toBeGreaterThan(authAt);
      for (const call of [...calls, "await params"]) {
        expect([style, call, output.indexOf(call, output.indexOf("export async function")) > guardAt]).toEqual([
          style,
          call,
          true,
        ]);
      }
    }
  });

  it("never returns privateMetadata or the whole user object", () => {
    for (const style of ["currentUser", "clerkClient"] as const) {
      const output = renderRoute(
        normalizeOptions({ style, methods: style === "clerkClient" ? "GET,PATCH" : undefined }),
        "ts",
      );
      expect(output).not.toMatch(/user\.privateMetadata|json\(\{ user \}\)|json\(user\)/);
    }
  });

  it("passes a role or a permission to auth.protect()", () => {
    expect(renderRoute(normalizeOptions({ style: "protect", role: "org:admin" }), "ts")).toContain(
      'await auth.protect({ role: "org:admin" })',
    );
    expect(renderRoute(normalizeOptions({ style: "protect", permission: "org:x:read" }), "ts")).toContain(
      'await auth.protect({ permission: "org:x:read" })',
    );
    expect(renderRoute(normalizeOptions({ style: "protect" }), "ts")).toContain("await auth.protect();");
  });

  it("names the upstream variable after the JWT template, with a name of its own (never DATABASE_URL)", () => {
    const output = renderRoute(normalizeOptions({ style: "token", jwtTemplate: "my-db" }), "ts");
    expect(output).toContain('const JWT_TEMPLATE = "my-db";');
    expect(output).toContain("process.env.JWT_TEMPLATE_MY_DB_API_URL");
    expect(renderRoute(normalizeOptions({ style: "token", jwtTemplate: "database" }), "ts")).not.toContain(
      "DATABASE_URL;",
    );
  });

  it("never answers an upstream error's message: the token route's 502 body is a fixed message and the status", () => {
    for (const language of ["ts", "js"] as const) {
      const output = renderRoute(normalizeOptions({ style: "token" }), language);
      const handler = output.slice(
        output.indexOf("} catch (error) {", output.indexOf("async function callExternalApi")),
      );
      expect(handler).toContain('console.error("The external API failed:", error);');
      expect(handler).toContain('{ error: "The external API failed", status },');
      expect(output).not.toMatch(/const reason|reason \}/);
    }
  });

  it("no style puts an error's message, or anything built from the error but its status, into a response", () => {
    for (const style of STYLES) {
      for (const language of ["ts", "js"] as const) {
        const output = renderRoute(normalizeOptions({ style, methods: methodsFor(style) }), language);
        expect(output, `${style}/${language}`).not.toMatch(/\.message\b|String\(error\)|error\.(?:errors|stack|cause)/);
        // Every NextResponse.json(...) call: literals, locals, and only Clerk's status and Retry-After of an error.
        for (const body of output.match(/NextResponse\.json\([^]*?\);/g) ?? [])
          expect(body, `${style}/${language}`).not.toMatch(/\berror\.(?!status\b|retryAfter\b)/);
      }
    }
  });

  it("keeps every check of a repeated flag: --permission a --permission b checks both, and reports each failed one", () => {
    const output = renderRoute(
      normalizeOptions({ style: "userId", permission: ["org:invoices:read", "org:invoices:delete"] }),
      "ts",
    );
    expect(output).toContain('if (!has({ permission: "org:invoices:read" })) {');
    expect(output).toContain('if (!has({ permission: "org:invoices:delete" })) {');
    expect(output).toContain("missing.permission = missingPermissions;");
    const protect = renderRoute(
      normalizeOptions({ style: "protect", permission: ["org:a:read", "org:a:delete"] }),
      "ts",
    );
    expect(protect).toMatch(
      /\(has\) =>\s+has\(\{ permission: "org:a:read" \}\) &&\s+has\(\{ permission: "org:a:delete" \}\),/,
    );
  });
});

describe("names the templates declare", () => {
  it("are all in the style's reserved names, so a route parameter can never clash with one", () => {
    for (const style of STYLES) {
      for (const language of ["ts", "js"] as const) {
        const output = renderRoute(normalizeOptions({ style, methods: methodsFor(style) }), language);
        const declared = [
          ...[...output.matchAll(/\b(?:const|let|function|type)\s+(\w+)/g)].map((m) => m[1]!),
          ...[...output.matchAll(/\bconst\s*\{([^}]+)\}/g)].flatMap((m) =>
            m[1]!.split(",").map((n) => n.trim().split(":")[0]!.trim()),
          ),
          ...[...output.matchAll(/\(([^)]*)\)\s*(?::[^{]*)?\{/g)].flatMap((m) =>
            m[1]!.split(",").map((n) => n.trim().split(/[:?]/)[0]!.trim()),
          ),
          ...[...output.matchAll(/import \{([^}]+)\}/g)].flatMap((m) => m[1]!.split(",").map((n) => n.trim())),
        ].filter((name) => /^\w+$/.test(name) && !["GET", "POST", "PUT", "PATCH", "DELETE"].includes(name));
        for (const name of declared)
          expect([...reservedNames(findStyle(style))], `${style}/${language}: ${name}`).toContain(name);
      }
    }
  });
});

/**
 * Every identifier the code refers to or declares, but property names (`a.b`, `{ b: 1 }`) and
 * imported names as exported (`{ a as b }`: b counts).
 */
function identifiers(code: string, typescript: boolean): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown, parent?: { type: string; computed?: boolean }, key?: string): void => {
    if (typeof node !== "object" || node === null || typeof (node as { type?: unknown }).type !== "string") return;
    const typed = node as { type: string; name?: string };
    if (typed.type === "Identifier") {
      const propertyName =
        ((parent?.type === "MemberExpression" || parent?.type === "OptionalMemberExpression") &&
          key === "property" &&
          !parent.computed) ||
        (["ObjectProperty", "ObjectMethod", "TSPropertySignature"].includes(parent?.type ?? "") &&
          key === "key" &&
          !parent?.computed) ||
        (parent?.type === "TSQualifiedName" && key === "right") ||
        (parent?.type === "ImportSpecifier" && key === "imported");
      if (!propertyName) names.add(typed.name!);
    }
    for (const [childKey, child] of Object.entries(node)) {
      if (childKey === "loc" || childKey.endsWith("Comments") || childKey === "extra") continue;
      for (const item of Array.isArray(child) ? child : [child]) visit(item, typed, childKey);
    }
  };
  visit(parse(code, { sourceType: "module", plugins: typescript ? ["typescript"] : [] }).program);
  return names;
}

describe("names the generated code uses (issue 24: a parameter named like a global)", () => {
  // Every style with everything it can generate: all checks (repeated too), every method.
  const RICH: Record<string, Partial<RawFlags>> = {
    protect: { role: "org:admin", permission: ["org:a:read", "org:a:write"], plan: "pro", feature: "export" },
    userId: {
      role: "org:admin",
      permission: ["org:a:read", "org:a:write"],
      plan: "pro",
      feature: ["export", "org:seats"],
    },
    token: { role: "org:admin", permission: ["org:a:read", "org:a:write"], plan: "pro" },
    currentUser: {
      role: "org:admin",
      permission: ["org:a:read", "org:a:write"],
      fields: [...USER_FIELDS.keys()].join(","),
    },
    clerkClient: { role: "org:admin", permission: ["org:a:read", "org:a:write"] },
    machine: {
      accepts: "api_key,m2m_token,oauth_token,session_token",
      scopes: "read:a",
      role: "org:admin",
      permission: ["org:a:read", "org:a:write"],
    },
    webhook: { events: [...WEBHOOK_EVENTS.keys()].join(",") },
  };
  const NOT_NAMES = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "const", "undefined", "someParam"]);

  it.each(STYLES)(
    "%s: every identifier in its code is a reserved name, so no route parameter can shadow one",
    (style) => {
      for (const language of ["ts", "js"] as const) {
        const flags = {
          style,
          route: "/api/x/[someParam]",
          methods: methodsFor(style, "GET,POST,PUT,PATCH,DELETE"),
          ...RICH[style],
        };
        const output = renderRoute(normalizeOptions(flags), language);
        const reserved = reservedNames(findStyle(style));
        const unreserved = [...identifiers(output, language === "ts")].filter(
          (name) => !reserved.has(name) && !NOT_NAMES.has(name),
        );
        expect(unreserved, `${style}/${language}`).toEqual([]);
      }
    },
  );

  it.each([
    ["webhook", "/api/webhooks/[process]"],
    ["webhook", "/api/webhooks/[console]"],
    ["webhook", "/api/webhooks/[Boolean]"],
    ["userId", "/api/x/[NextResponse]"],
    ["userId", "/api/x/[auth]"],
    ["userId", "/api/x/[Object]"],
    ["token", "/api/x/[fetch]"],
    ["clerkClient", "/api/x/[JSON]"],
  ])("%s %s is refused: the parameter would shadow a name the handler uses", (style, route) => {
    expect(() => normalizeOptions({ style, route })).toThrow(/is a name the generated handler already uses/);
  });
});
