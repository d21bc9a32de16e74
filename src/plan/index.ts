import { CliError } from "../core/errors.js";
import { upstreamUrlVariable } from "../options.js";
import { clerkInstallStep } from "../install.js";
import type { FileChange, Options, Plan, Project } from "../types.js";
import { planEnvStep, type EnvInput } from "./env-step.js";
import { describeMiddlewareNote } from "../report/middleware-notes.js";
import { createContent, locateMiddleware, type MiddlewareResult, type planMiddleware } from "./middleware/index.js";
import { renderRoute } from "./route.js";

// Where and when: decides which files change, from plain data only. The "what to do to the
// content" lives in route.ts, middleware/, env.ts and gitignore.ts, each (content) => content.

export type { EnvInput } from "./env-step.js";
export { notIgnoredWarning } from "./env-step.js";

export interface PlanInput {
  project: Project;
  options: Options;
  route: { path: string; existing: string | null };
  env?: EnvInput;
  /**
   * The parser-based patcher for an existing middleware/proxy file (src/plan/middleware/plan.ts).
   * Passed in rather than imported so the parser only loads when such a file exists.
   */
  patchMiddleware?: typeof planMiddleware;
}

function change(path: string, before: string | null, after: string): FileChange {
  return { path, action: before === null ? "create" : "modify", before, after };
}

function planRoute(input: PlanInput, plan: Plan): void {
  const { options, project, route } = input;
  const after = renderRoute(options, project.language);
  if (route.existing === after) plan.unchanged.push(route.path);
  else plan.changes.push(change(route.path, route.existing, after));
}

/**
 * Run after any formatting: drops changes that turned out to change nothing, and refuses to
 * overwrite an existing route file without --force.
 */
export function settlePlan(plan: Plan, options: Pick<Options, "force">, routePath: string): Plan {
  const noOps = plan.changes.filter((c) => c.after === c.before).map((c) => c.path);
  const changes = plan.changes.filter((c) => c.after !== c.before);
  const overwrite = changes.find((c) => c.path === routePath && c.before !== null);
  if (overwrite && !options.force) {
    throw new CliError("ROUTE_EXISTS", `${routePath} already exists and differs from what this run would write.`, {
      hint: "Pass --force to overwrite it (see the difference first with --dry-run), or pick another route.",
    });
  }
  return { ...plan, changes, unchanged: [...noOps, ...plan.unchanged] };
}

function patcher(input: PlanInput): typeof planMiddleware {
  if (!input.patchMiddleware) throw new Error("buildPlan: an existing middleware file needs input.patchMiddleware");
  return input.patchMiddleware;
}

function planMiddlewareFile(input: PlanInput, plan: Plan): void {
  const { project, options } = input;
  const context = {
    route: options.route,
    language: project.language,
    nextMajor: project.nextMajor,
    srcDir: project.srcDir,
  };
  const location = locateMiddleware(project.middlewareFiles, context);
  plan.warnings.push(...location.notes.map(describeMiddlewareNote));
  const { path, kind, typescript } = location;
  const result: MiddlewareResult = location.existing
    ? patcher(input)(location.existing.content, { ...context, path, kind, typescript })
    : { status: "created", after: createContent(), note: { kind: "middlewareCreated", path } };
  switch (result.status) {
    case "unchanged":
      plan.unchanged.push(location.path);
      return;
    case "created":
      plan.changes.push(change(location.path, null, result.after));
      return;
    case "patched":
      // What changed in the user's own file, in one sentence: worth their review.
      plan.warnings.push(describeMiddlewareNote(result.note));
      plan.changes.push(change(location.path, location.existing?.content ?? null, result.after));
      return;
    case "refused":
      // The reason names the file; the manual edit ends with how to go on without it (--no-middleware).
      throw new CliError("MIDDLEWARE_UNSAFE", result.reason, {
        hint: `Nothing was changed. Make this edit by hand:\n\n${result.manualEdit}`,
      });
  }
}

export function buildPlan(input: PlanInput): Plan {
  const plan: Plan = { changes: [], unchanged: [], warnings: [], nextSteps: [] };
  const { project, options } = input;
  planRoute(input, plan);
  if (options.middleware) planMiddlewareFile(input, plan);
  if (options.env && input.env) planEnvStep(options, input.env, plan);
  if (!project.clerk.installed) plan.nextSteps.unshift(clerkInstallStep(project));
  const clerkMajor = project.clerk.installed ? Number(/^\D*(\d+)/.exec(project.clerk.version ?? "")?.[1]) : NaN;
  if (clerkMajor < 7) {
    plan.warnings.push(
      `@clerk/nextjs ${project.clerk.version} is installed; the generated code uses the v7 API (isAuthenticated, auth.protect()). Upgrade: npx @clerk/upgrade`,
    );
  }
  if (options.style === "token") {
    plan.nextSteps.push(
      `Create the "${options.jwtTemplate}" JWT template in the Clerk dashboard and set ${upstreamUrlVariable(options.jwtTemplate)}.`,
    );
  }
  return plan;
}
