// TEMPORARY: hand-written Route Handlers that follow the CLI's contract, used only until
// bin/create-clerk-route.js is built, so the harness can be proven before the CLI exists.
import { existsSync } from "node:fs";
import path from "node:path";
import type { Fixture } from "./fixtures.js";
import type { RouteRequest } from "./cli.js";

const MATCHER = `[
    "/((?!_next|[^?]*\\\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)",
    "/(api|trpc)(.*)",
  ]`;

function body(style: RouteRequest["style"], hasParams: boolean, ts: boolean, fields: string[]): string {
  const echo = hasParams ? ", ...params" : "";
  const signedOut = `  if (!userId) {\n    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });\n  }\n`;
  switch (style) {
    case "protect":
      return `  const { userId } = await auth.protect();\n  return NextResponse.json({ userId${echo} });\n`;
    case "userId":
      return `  const { userId } = await auth();\n${signedOut}  return NextResponse.json({ userId${echo} });\n`;
    case "token":
      return `  const { userId, getToken } = await auth();
${signedOut}  const url = process.env.SUPABASE_URL;
  if (!url) {
    return NextResponse.json({ error: "SUPABASE_URL is not set" }, { status: 500 });
  }
  const token = await getToken({ template: "supabase" });
  try {
    const upstream = await fetch(url, { headers: { Authorization: \`Bearer \${token}\` }, cache: "no-store" });
    if (!upstream.ok) throw new Error(String(upstream.status));
    const data${ts ? ": unknown" : ""} = await upstream.json();
    return NextResponse.json({ data${echo} });
  } catch {
    return NextResponse.json({ error: "Upstream failed" }, { status: 502 });
  }
`;
    case "currentUser": {
      const picks = fields
        .map((field) =>
          field === "email"
            ? `    email: user.primaryEmailAddress?.emailAddress ?? null,`
            : `    ${field}: user.${field},`,
        )
        .join("\n");
      return `  const user = await currentUser();
  if (!user) {
    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  }
  return NextResponse.json({
${picks}${hasParams ? "\n    ...params," : ""}
  });
`;
    }
    case "clerkClient":
      return `  const { userId } = await auth();
${signedOut}  let input${ts ? ": unknown" : ""};
  try {
    input = await request.json();
  } catch {
    return NextResponse.json({ error: "Invalid JSON" }, { status: 400 });
  }
  if (typeof input !== "object" || input === null) {
    return NextResponse.json({ error: "Expected an object" }, { status: 400 });
  }
  const { firstName, lastName } = input${ts ? " as Record<string, unknown>" : ""};
  if ((firstName !== undefined && typeof firstName !== "string") || (lastName !== undefined && typeof lastName !== "string")) {
    return NextResponse.json({ error: "firstName and lastName must be strings" }, { status: 400 });
  }
  const client = await clerkClient();
  const user = await client.users.updateUser(userId, { firstName, lastName });
  return NextResponse.json({ id: user.id, firstName: user.firstName, lastName: user.lastName${echo} });
`;
  }
}

export async function standInRoute(
  fixture: Fixture,
  request: RouteRequest,
  keys: { publishableKey: string; secretKey: string },
): Promise<void> {
  const ts = fixture.spec.language === "ts";
  const params = [...request.route.matchAll(/\[([A-Za-z_]\w*)\]/g)].map((match) => match[1] ?? "");
  const fieldsFlag = request.flags?.indexOf("--fields") ?? -1;
  const fields = fieldsFlag >= 0 ? (request.flags?.[fieldsFlag + 1] ?? "").split(",") : ["id", "email"];
  const methods = request.methods ?? [request.style === "clerkClient" ? "POST" : "GET"];
  const imports =
    request.style === "currentUser"
      ? "currentUser"
      : request.style === "clerkClient"
        ? "auth, clerkClient"
        : "auth";
  const context = params.length
    ? `, { params: paramsPromise }${ts ? `: { params: Promise<{ ${params.map((p) => `${p}: string`).join("; ")} }> }` : ""}`
    : "";
  const handlers = methods.map(
    (method) =>
      `export async function ${method}(request${ts ? ": Request" : ""}${context}) {\n` +
      (params.length ? "  const params = await paramsPromise;\n" : "") +
      (request.style === "clerkClient" ? "" : "  void request;\n") +
      body(request.style, params.length > 0, ts, fields) +
      "}\n",
  );
  const code = `import { ${imports} } from "@clerk/nextjs/server";\nimport { NextResponse } from "next/server";\n\n${handlers.join("\n")}`;
  const folder = request.route.replace(/^\//, "");
  await fixture.write(`${fixture.appDir}/${folder}/route.${ts ? "ts" : "js"}`, code);

  const middlewareName = fixture.spec.line === "next16" ? "proxy" : "middleware";
  const where = fixture.spec.srcDir ? "src/" : "";
  const middlewareFile = `${where}${middlewareName}.${ts ? "ts" : "js"}`;
  if (!existsSync(path.join(fixture.dir, middlewareFile))) {
    await fixture.write(
      middlewareFile,
      `import { clerkMiddleware } from "@clerk/nextjs/server";\n\nexport default clerkMiddleware();\n\nexport const config = {\n  matcher: ${MATCHER},\n};\n`,
    );
  } else {
    const existing = await fixture.read(middlewareFile);
    if (!existing.includes("clerkMiddleware")) {
      // A hand-made version of what patching should produce: Clerk runs first, the project's own
      // proxy still runs on its own paths.
      const patched = existing
        .replace(/export function proxy\(/, "function legacyProxy(")
        .replace(/export const config = \{[\s\S]*?\};\n?/, "");
      await fixture.write(
        middlewareFile,
        `import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";\n${patched}\n` +
          `const isLegacyRoute = createRouteMatcher(["/api/legacy(.*)"]);\n\n` +
          `export default clerkMiddleware(async (auth, request) => {\n  if (isLegacyRoute(request)) return legacyProxy(request);\n});\n\n` +
          `export const config = {\n  matcher: ${MATCHER},\n};\n`,
      );
    }
  }

  const envFile = path.join(fixture.dir, ".env.local");
  if (!existsSync(envFile)) {
    await fixture.write(
      ".env.local",
      `NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=${keys.publishableKey}\nCLERK_SECRET_KEY=${keys.secretKey}\n`,
    );
  }
}
