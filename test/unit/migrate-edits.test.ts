import MagicString from "magic-string";
import { describe, expect, it } from "vitest";
import { readSource } from "../../src/js/parse.js";
import { planRouteEdit } from "../../src/migrate/handler-check.js";
import { removeListItems } from "../../src/migrate/text-edits.js";

// The route-file edit and the list edit on the shapes the fixtures do not all show.

const edit = (
  code: string,
  methods = ["GET"],
  checks: Array<{ kind: "role" | "permission"; value: string }> = [],
  file = "app/api/x/route.ts",
) =>
  planRouteEdit({
    file,
    code,
    typescript: file.endsWith(".ts"),
    methods,
    requirement: { checks },
    middleware: "proxy.ts",
  });

describe("the check in a route file", () => {
  it("a name already taken gets an alias: auth from next-auth, a local isAuthenticated", () => {
    const result = edit(`import { auth } from "@/auth";
import { NextResponse } from "next/server";

export async function GET() {
  const isAuthenticated = (await auth()) !== null;
  return NextResponse.json({ isAuthenticated });
}
`);
    expect(result.after).toContain('import { auth as auth2 } from "@clerk/nextjs/server";');
    expect(result.after).toContain("const { isAuthenticated: isAuthenticated2 } = await auth2();");
    expect(result.after).toContain("if (!isAuthenticated2) {");
  });

  it("a namespace import is used as it is", () => {
    const result = edit(`import * as clerk from "@clerk/nextjs/server";

export const GET = async () => Response.json({ ok: true });
`);
    expect(result.after).toContain("await clerk.auth();");
    expect(result.after).not.toContain("import { auth }");
    expect(result.after).toContain("  return Response.json({ ok: true });\n};");
  });

  it("an expression body in parentheses becomes the block's return", () => {
    const result = edit(`export const GET = () => ({ status: 200 } as unknown as Response);
`);
    expect(readSource(result.after!, "x.ts", true).ok).toBe(true);
    expect(result.after).toContain("return ({ status: 200 } as unknown as Response);");
    expect(result.after).toContain("export const GET = async () => {");
  });

  it("an empty body and a one-line function stay valid", () => {
    const result = edit(
      `export async function GET() {}
export async function POST() { return new Response(null); }
`,
      ["GET", "POST"],
    );
    expect(readSource(result.after!, "x.ts", true).ok).toBe(true);
    expect(result.migrated).toEqual(["GET", "POST"]);
  });

  it("reuses `const {} = await auth()` and a rest pattern, adding has for a role", () => {
    const result = edit(
      `import { auth } from "@clerk/nextjs/server";

export async function GET() {
  const { userId, ...rest } = await auth();
  return Response.json({ userId, rest });
}
`,
      ["GET"],
      [{ kind: "role", value: "org:admin" }],
    );
    expect(result.reusedAuth).toEqual(["GET"]);
    expect(result.after).toContain("const { userId, isAuthenticated, has, ...rest } = await auth();");
    expect(result.after).toContain('if (!has({ role: "org:admin" })) {');
  });

  it("does not reuse an auth() call after other work, nor one with options", () => {
    const after = edit(
      `import { auth } from "@clerk/nextjs/server";

export async function POST(request: Request) {
  const body = await request.json();
  const { userId } = await auth({ treatPendingAsSignedOut: false });
  return Response.json({ body, userId });
}
`,
      ["POST"],
    );
    expect(after.reusedAuth).toEqual([]);
    expect(after.after!.indexOf("const { isAuthenticated } = await auth();")).toBeLessThan(
      after.after!.indexOf("request.json()"),
    );
  });

  it("refuses a generator, a machine route and a signature-verified one", () => {
    expect(edit("export async function* GET() {}\n").refused).toEqual([
      { method: "GET", reason: { kind: "generator" } },
    ]);
    expect(
      edit(
        'import { auth } from "@clerk/nextjs/server";\nexport async function GET() { const t = await auth({ acceptsToken: "api_key" }); return Response.json(t); }\n',
      ).refused,
    ).toEqual([{ method: "GET", reason: { kind: "machine" } }]);
    expect(
      edit('import Stripe from "stripe";\nexport async function POST() { return Response.json(Stripe); }\n', ["POST"])
        .refused,
    ).toEqual([{ method: "POST", reason: { kind: "signatureVerified", how: "stripe" } }]);
  });

  it("keeps CRLF line endings and tabs", () => {
    const result = edit(
      'import { NextResponse } from "next/server";\r\n\r\nexport async function GET() {\r\n\treturn NextResponse.json({});\r\n}\r\n',
    );
    expect(result.after).not.toMatch(/[^\r]\n/);
    expect(result.after).toContain(
      "\r\n\tconst { isAuthenticated } = await auth();\r\n\tif (!isAuthenticated) {\r\n\t\treturn",
    );
  });
});

describe("removing list items", () => {
  const remove = (code: string, drop: number[]) => {
    const read = readSource(code, "x.ts", true);
    if (!read.ok) throw new Error(read.error);
    const declaration = read.source.ast.program.body[0] as unknown as {
      declarations: Array<{ init: { elements: never[] } }>;
    };
    const ms = new MagicString(code);
    removeListItems(ms, code, read.source.tokens, declaration.declarations[0]!.init.elements, new Set(drop));
    return ms.toString();
  };

  it("inline: first, middle, last, and a run at the end", () => {
    expect(remove('const a = ["x", "y", "z"];\n', [0])).toBe('const a = ["y", "z"];\n');
    expect(remove('const a = ["x", "y", "z"];\n', [1])).toBe('const a = ["x", "z"];\n');
    expect(remove('const a = ["x", "y", "z"];\n', [2])).toBe('const a = ["x", "y"];\n');
    expect(remove('const a = ["x", "y", "z"];\n', [1, 2])).toBe('const a = ["x"];\n');
  });

  it("one per line: the line goes with its comment above, a trailing comma stays", () => {
    const code = 'const a = [\n  "x",\n  // the y one\n  "y", // why\n  "z",\n];\n';
    expect(remove(code, [1])).toBe('const a = [\n  "x",\n  "z",\n];\n');
    expect(remove(code, [2])).toBe('const a = [\n  "x",\n  // the y one\n  "y", // why\n];\n');
    expect(remove('const a = [\n  "x",\n  "y"\n];\n', [1])).toBe('const a = [\n  "x",\n];\n');
  });
});
