import { routeParams } from "../core/route.js";
import { upstreamUrlVariable } from "../options.js";
import { getTemplate } from "../render/templates.js";
import { USER_FIELDS } from "../user-fields.js";
import type { Language, Method, Options, Project } from "../types.js";

// What to write into the route file: the rendered template for the chosen style.

const BODY_METHODS: ReadonlySet<Method> = new Set(["POST", "PUT", "PATCH"]);
const PRINT_WIDTH = 80;

/** The handler's file path relative to the project root, e.g. "src/app/api/projects/[id]/route.ts". */
export function routeFilePath(project: Pick<Project, "appDir" | "language">, options: Pick<Options, "route">): string {
  return `${project.appDir}/${options.route.folder}/route.${project.language}`;
}

function usesRequest(options: Options, method: Method): boolean {
  return (options.style === "token" || options.style === "clerkClient") && BODY_METHODS.has(method);
}

/** `export async function GET(...) {`, broken over lines the way prettier would when too long. */
export function handlerSignature(method: Method, language: Language, options: Options): string {
  const params = routeParams(options.route);
  const ts = language === "ts";
  const args: string[] = [];
  if (usesRequest(options, method) || params.length > 0) {
    const name = usesRequest(options, method) ? "request" : "_request";
    args.push(ts ? `${name}: Request` : name);
  }
  if (params.length > 0) {
    const shape = params.map((p) => (p.type === "string[] | undefined" ? `${p.name}?: string[]` : `${p.name}: ${p.type}`));
    args.push(ts ? `{ params }: { params: Promise<{ ${shape.join("; ")} }> }` : "{ params }");
  }
  const head = `export async function ${method}(`;
  const oneLine = `${head}${args.join(", ")}) {`;
  if (oneLine.length <= PRINT_WIDTH) return oneLine;
  return `${head}\n${args.map((arg) => `  ${arg},\n`).join("")}) {`;
}

export function renderRoute(options: Options, language: Language): string {
  const params = routeParams(options.route);
  const protectArg = options.role
    ? `{ role: "${options.role}" }`
    : options.permission
      ? `{ permission: "${options.permission}" }`
      : "";
  const context = {
    ts: language === "ts",
    route: options.route.pattern,
    handlers: options.methods.map((method) => ({
      method,
      signature: handlerSignature(method, language, options),
      hasBody: BODY_METHODS.has(method),
    })),
    hasBodyHandlers: options.methods.some((method) => BODY_METHODS.has(method)),
    params,
    paramNames: params.map((p) => p.name).join(", "),
    paramsEcho: params.map((p) => `, ${p.name}`).join(""),
    protectArgs: protectArg,
    role: options.role,
    permission: options.permission,
    jwtTemplate: options.jwtTemplate,
    upstreamVar: upstreamUrlVariable(options.jwtTemplate),
    fields: options.fields.map((key) => ({ key, expression: USER_FIELDS[key] })),
  };
  return getTemplate(options.style)(context);
}
