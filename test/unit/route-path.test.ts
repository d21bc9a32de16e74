import { describe, expect, it } from "vitest";
import type { CliError } from "../../src/core/errors.js";
import { parseRoute, routeParams } from "../../src/next/route-path.js";
import { normalizeOptions } from "../../src/commands/resolve-options.js";
import { parseMethods, reservedNames } from "../../src/styles/methods.js";
import { parseArgs } from "../../src/entry/cli.js";
import { commandGroups } from "../../src/report/command.js";
import { findStyle } from "../../src/styles/index.js";
import { upstreamUrlVariable } from "../../src/styles/token.js";

const TEMPLATE_NAMES = reservedNames(findStyle("userId"));
const parseStyle = (raw: string) => findStyle(raw).name;

describe("parseRoute", () => {
  it.each([
    ["projects/[id]", "api/projects/[id]", "/api/projects/[id]"],
    ["/api/projects/[id]", "api/projects/[id]", "/api/projects/[id]"],
    ["/projects/[id]/", "api/projects/[id]", "/api/projects/[id]"],
    ["api", "api", "/api"],
    ["/api/(admin)/reports", "api/(admin)/reports", "/api/reports"],
    ["/api/docs/[[...slug]]", "api/docs/[[...slug]]", "/api/docs/[[...slug]]"],
    ["  /api/v1.2/x~y  ", "api/v1.2/x~y", "/api/v1.2/x~y"],
  ])("%s → folder %s, pattern %s", (input, folder, pattern) => {
    const route = parseRoute(input);
    expect(route.folder).toBe(folder);
    expect(route.pattern).toBe(pattern);
  });

  it("lists params with their types", () => {
    expect(routeParams(parseRoute("/api/[org]/[...path]"))).toEqual([
      { name: "org", type: "string" },
      { name: "path", type: "string[]" },
    ]);
  });

  it.each([
    ["../x", /would leave app\/api/],
    ["/api/./x", /would leave app\/api/],
    ["/api/x%2F..", /percent-encoded/],
    ["app/api/x", /folder path, not a URL path/],
    ["/api/x/route.ts", /names the file itself/],
    ["/api/[a]/[a]", /appears twice/],
    ["/api/[my-id]", /not a usable parameter name/],
    ["/api/@slot", /parallel-route slot/],
    ["/api/x?y=1", /query string/],
    ["~/app", /file-system path/],
    ["/api/x/[userId]", /already uses/],
    ["/api/x/[class]", /reserved word/],
    ["/api/x/[...params]", /already uses/],
  ])("refuses %s", (input, message) => {
    expect(() => parseRoute(input, { reservedNames: TEMPLATE_NAMES })).toThrow(message);
  });

  it("refuses absolute paths inside the given roots", () => {
    expect(() => parseRoute("/home/me/app/api/x", { absoluteRoots: ["/home/me"] })).toThrow(
      /absolute file-system path/,
    );
    expect(parseRoute("/home/x", { absoluteRoots: ["/home/me"] }).pattern).toBe("/api/home/x");
  });
});

describe("options", () => {
  it("accepts the kebab-case style aliases", () => {
    expect(parseStyle("user-id")).toBe("userId");
    expect(parseStyle("current-user")).toBe("currentUser");
    expect(parseStyle("clerk-client")).toBe("clerkClient");
    expect(() => parseStyle("userid2")).toThrow(
      expect.objectContaining({ hint: expect.stringContaining("protect, userId, token, currentUser, clerkClient") }),
    );
  });

  it("defaults methods per style and sorts them", () => {
    expect(normalizeOptions({ style: "clerkClient" }).methods).toEqual(["POST"]);
    expect(normalizeOptions({ style: "token" }).methods).toEqual(["GET"]);
    expect(parseMethods("delete, get ,Post", findStyle("userId"))).toEqual(["GET", "POST", "DELETE"]);
    expect(() => parseMethods("GET,DELETE", findStyle("clerkClient"))).toThrow(/no DELETE handler/);
  });

  it("derives a default route from the style", () => {
    expect(normalizeOptions({ style: "protect" }).route.pattern).toBe("/api/protected");
  });

  it("takes several checks at once on protect: every one must hold", () => {
    const options = normalizeOptions({ style: "protect", role: "admin", permission: "org:invoices:read" });
    expect(options.values.size).toBe(2);
  });

  it.each([
    ["role", ":"],
    ["role", "."],
    ["role", "..."],
    ["role", "org:ad min"],
    ["role", 'org:a"b'],
    ["permission", "org:invoices"],
    ["permission", "org:a\nb:c"],
    ["plan", "team:pro"],
    ["feature", "user:ex port"],
  ])("refuses --%s %j, which Clerk's key shapes cannot hold", (flag, value) => {
    expect(() => normalizeOptions({ style: "userId", [flag]: value })).toThrow(
      expect.objectContaining({ code: "INVALID_FLAG" }),
    );
  });

  it("names the token style's upstream variable after the template, with a name of the tool's own", () => {
    expect(upstreamUrlVariable("supabase")).toBe("JWT_TEMPLATE_SUPABASE_API_URL");
    expect(upstreamUrlVariable("my-db.v2")).toBe("JWT_TEMPLATE_MY_DB_V2_API_URL");
    // DATABASE_URL is a database's connection string, password included: never the token's destination.
    expect(upstreamUrlVariable("database")).toBe("JWT_TEMPLATE_DATABASE_API_URL");
  });
});

describe("issue 24 item 4: input that used to be silently wrong", () => {
  it.each(["role", "permission", "plan", "feature"])(
    "keeps every --%s given (commander collects them), in order",
    (flag) => {
      const values = {
        role: ["org:admin"],
        permission: ["org:invoices:read", "org:invoices:delete"],
        plan: ["pro", "org:team"],
        feature: ["export", "user:seats"],
      }[flag]!;
      const options = normalizeOptions({ style: "userId", [flag]: values });
      const [value] = [...options.values.values()];
      expect(value).toEqual(values);
    },
  );

  it("commander keeps every occurrence of a repeatable flag, and the echoed CI command repeats the flag", () => {
    const parsed = parseArgs([
      "/api/x",
      "--style",
      "userId",
      "--permission",
      "org:a:read",
      "--permission",
      "org:a:delete",
      "--plan",
      "pro",
    ]);
    expect(parsed).toMatchObject({ kind: "run", flags: { permission: ["org:a:read", "org:a:delete"], plan: ["pro"] } });
    if (parsed.kind !== "run") return;
    const groups = commandGroups(normalizeOptions(parsed.flags), { force: false });
    expect(groups).toEqual(
      expect.arrayContaining(["--permission org:a:read", "--permission org:a:delete", "--plan pro"]),
    );
    const again = parseArgs(
      groups
        .slice(1)
        .join(" ")
        .split(" ")
        .map((word) => word.replace(/^'|'$/g, "")),
    );
    expect(again.kind === "run" && again.flags.permission).toEqual(["org:a:read", "org:a:delete"]);
  });

  it("any other value flag given twice is an error naming the flag (commander alone keeps the last one)", () => {
    expect(parseArgs(["--style", "userId", "--style", "protect"])).toEqual({
      kind: "error",
      message: "--style is given 2 times; give it once.",
    });
    expect(parseArgs(["--style", "userId", "--cwd", "a", "--cwd", "b"])).toMatchObject({
      kind: "error",
      message: expect.stringContaining("--cwd"),
    });
    expect(parseArgs(["--style", "userId", "--secret-key", "sk_test_one", "--secret-key", "sk_test_two"])).toEqual({
      kind: "error",
      message: "--secret-key is given 2 times; give it once.",
    });
  });

  it("refuses two different roles (a member has one role: no one could call the route) and a check given twice", () => {
    expect(() => normalizeOptions({ style: "userId", role: ["org:admin", "org:member"] })).toThrow(
      expect.objectContaining({ code: "INVALID_FLAG", message: expect.stringMatching(/one role/) }),
    );
    expect(() => normalizeOptions({ style: "userId", permission: ["org:a:b", "org:a:b"] })).toThrow(/given twice/);
  });

  it.each([
    ["sk_test_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", /secret key/, /--secret-key/],
    ["/api/sk_live_AbCdEfGhIjKlMnOpQrStUvWxYz0123", /secret key/, /--secret-key/],
    ["pk_test_Y2xlcmsuZXhhbXBsZS5jb20k", /publishable key/, /--publishable-key/],
    ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", /webhook signing secret/, /--webhook-secret/],
    ["whsec_Mf/KQ9r8GKYq+rTwjUPD8ILPZIo2LaLaSw=", /webhook signing secret/, /--webhook-secret/],
    ["ak_4f9c2e7d1b8a6f3e0c5d9b2a7e4f1c8d", /API key or machine token/, /Authorization header/],
    ["mt_4f9c2e7d1b8a6f3e0c5d9b2a7e4f1c8d", /API key or machine token/, /Authorization header/],
    ["oat_4f9c2e7d1b8a6f3e0c5d9b2a7e4f1c8d", /API key or machine token/, /Authorization header/],
  ])("refuses a route shaped like a Clerk key (%s) without repeating it, pointing to the flag", (input, what, flag) => {
    let caught: CliError | undefined;
    try {
      parseRoute(input);
    } catch (error) {
      caught = error as CliError;
    }
    expect(caught?.code).toBe("INVALID_ROUTE");
    expect(caught?.message).toMatch(what);
    expect(caught?.hint).toMatch(flag);
    const body = input.replace(/^\/api\//, "").slice(8);
    expect(`${caught?.message} ${caught?.hint}`).not.toContain(body);
  });

  it("keeps route names that only start like a key", () => {
    expect(parseRoute("/api/sk_settings").pattern).toBe("/api/sk_settings");
    expect(parseRoute("/api/mt_everest").pattern).toBe("/api/mt_everest");
  });

  it("refuses a route longer than MAX_ROUTE_BYTES before anything else, quoting only its start", () => {
    const long = `/api${`/${"a".repeat(250)}`.repeat(17)}`;
    expect(() => parseRoute(long)).toThrow(
      expect.objectContaining({
        code: "INVALID_ROUTE",
        message: expect.stringMatching(/4\d{3} bytes long.*limited to 512 bytes/),
      }),
    );
    expect(parseRoute(`/api/${"a".repeat(250)}`).pattern).toHaveLength(255);
  });

  it.each([
    ["/api/_internal", "api/%5Finternal", "/api/_internal"],
    ["/api/%5Finternal", "api/%5Finternal", "/api/_internal"],
    ["/api/%5finternal/[id]", "api/%5Finternal/[id]", "/api/_internal/[id]"],
    ["/api/a_b", "api/a_b", "/api/a_b"],
  ])(
    "a leading underscore: %s → folder %s, URL %s (Next.js serves an escaped-underscore folder as _x)",
    (input, folder, pattern) => {
      const route = parseRoute(input);
      expect(route.folder).toBe(folder);
      expect(route.pattern).toBe(pattern);
      expect(parseRoute(`/${route.folder}`)).toEqual(route); // the echoed CI command parses back to the same route
    },
  );

  it("still refuses any other percent escape", () => {
    expect(() => parseRoute("/api/a%5Fb")).toThrow(/percent-encoded/);
    expect(() => parseRoute("/api/%5F%2e%2e")).toThrow(/percent-encoded/);
  });
});
