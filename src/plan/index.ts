import { CliError } from "../core/errors.js";
import type { Options } from "./options.js";
import { fileChange } from "../core/types.js";
import { clerkInstall, installCommandText } from "../project/install-command.js";
import type { Project } from "../project/detect.js";
import type { EnvTarget } from "../project/env-target.js";
import type { RouteTarget } from "../project/targets.js";
import { planEnvStep } from "./env-step.js";
import { createContent, locateMiddleware, type planMiddleware } from "./middleware/index.js";
import { clerkMajorOf } from "../clerk/major.js";
import { emptyStep, type MiddlewareReminder, type Plan, type StepResult } from "./types.js";
import { renderRoute, styleInput } from "./route-file.js";
import { clerkFit, planClerkVersion } from "./clerk-version.js";
import type { ClerkSupport } from "../clerk/api-versions.js";
import type { RouteGate, routeGate } from "./middleware/route-gate.js";

// Where and when: decides which files change, from plain data only (the detected project, the
// options, and the files this run's answers point at). The "what to do to the content" lives in
// route.ts (templates), middleware/ (parser-based patches), env.ts and gitignore.ts (appends).
// Each step returns { changes, unchanged, notes }; nothing here touches the disk.

export type { Plan, Note } from "./types.js";

export interface PlanInput {
  project: Project;
  options: Options;
  route: RouteTarget;
  /** undefined with --no-env. */
  env?: EnvTarget;
  /**
   * The parser-based patcher for an existing middleware/proxy file (src/plan/middleware/plan.ts).
   * Passed in rather than imported so the parser only loads when such a file exists.
   */
  patchMiddleware?: typeof planMiddleware;
  /** Reads whether the middleware answers a signed-out caller on the route first (loaded with patchMiddleware). */
  routeGate?: typeof routeGate;
  /**
   * The style needs a newer @clerk/nextjs than the project's (same major): upgrade it after the
   * files are written (--install, or yes at the prompt) and generate for that version. Otherwise
   * such a run is refused (CLERK_TOO_OLD).
   */
  upgradeClerk?: boolean;
}

function planRoute(input: PlanInput, clerk: ClerkSupport, gate: MiddlewareGate | undefined): StepResult {
  const step = emptyStep();
  const after = renderRoute(input.options, input.project.language, { clerk, ...(gate ? { gate } : {}) });
  if (input.route.existing === after) step.unchanged.push(input.route.path);
  else step.changes.push(fileChange(input.route.path, input.route.existing, after));
  return step;
}

/** A rule of the middleware that answers a signed-out caller on the route before the route does. */
export interface MiddlewareGate {
  path: string;
  rule: string;
}

/**
 * For a route that checks the session itself: does the middleware, as it will be, answer a
 * signed-out caller there first? (A webhook's or machine route's rules are the patcher's business.)
 */
function gateOn(
  input: PlanInput,
  file: { path: string; kind: "proxy" | "middleware"; typescript: boolean },
  code: string,
  step: StepResult,
): MiddlewareGate | undefined {
  const { path, kind, typescript } = file;
  const { options } = input;
  if (options.style.middleware !== "clerk" || !input.routeGate) return undefined;
  const clerkMajor = clerkMajorOf(input.project.clerk.version);
  const read = { kind, ...(clerkMajor === undefined ? {} : { clerkMajor }) };
  const gate: RouteGate | undefined = input.routeGate(code, { path, typescript, route: options.route, read });
  if (!gate) return undefined;
  step.notes.push({
    kind: "middlewareAnswersFirst",
    path,
    route: options.route.pattern,
    style: options.style.name,
    gate,
  });
  return gate.kind === "protected" ? { path, rule: gate.rule } : undefined;
}

function planMiddlewareFile(input: PlanInput): StepResult & { gate?: MiddlewareGate } {
  const { project, options } = input;
  const step: StepResult & { gate?: MiddlewareGate } = emptyStep();
  const need = options.style.middleware;
  const clerkMajor = clerkMajorOf(project.clerk.version);
  const context = {
    route: options.route,
    language: project.language,
    nextMajor: project.nextMajor,
    srcDir: project.srcDir,
    need,
    ...(clerkMajor === undefined ? {} : { clerkMajor }),
  };
  const location = locateMiddleware(project.middlewareFiles, context);
  step.notes.push(...location.notes);
  const { path, kind, typescript } = location;
  if (!location.existing) {
    // A route that must stay public needs no middleware: none is created for it.
    if (need !== "public") step.changes.push(fileChange(path, null, createContent()));
    return step;
  }
  if (!input.patchMiddleware) throw new Error("buildPlan: an existing middleware file needs input.patchMiddleware");
  const result = input.patchMiddleware(location.existing.content, {
    ...context,
    path,
    kind,
    typescript,
    appRoutes: project.appRoutes,
  });
  switch (result.status) {
    case "unchanged":
      step.unchanged.push(path);
      step.gate = gateOn(input, location, location.existing.content, step);
      // The file's "unchanged" line says it all; only the warning that this tool cannot tell what
      // a non-Clerk middleware does is shown. The other reasons (already covered, not covered, no
      // rule) are the patcher's answer to "why unchanged", asserted by the fixtures' expected.txt.
      if (result.note.kind === "middlewareLeavesPublic" && result.note.reason === "notClerk")
        step.notes.push(result.note);
      break;
    case "patched":
      // What changed in the user's own file, in one sentence: worth their review.
      step.notes.push(result.note);
      step.changes.push(fileChange(path, location.existing?.content ?? null, result.after));
      step.gate = gateOn(input, location, result.after, step);
      break;
    case "refused":
      // The reason names the file; the manual edit ends with how to go on without it (--no-middleware).
      throw new CliError("MIDDLEWARE_UNSAFE", result.reason, {
        hint: `Nothing was changed. Make this edit by hand:\n\n${result.manualEdit}`,
      });
  }
  return step;
}

/**
 * --no-middleware leaves the middleware/proxy alone; when it does not let the route work as it is
 * (no file, a matcher that misses the route, no Clerk, a rule that stops a webhook or a machine
 * token), a reminder says what it would take, as the patcher sees it. Never fails the run.
 */
function planMiddlewareReminder(input: PlanInput): StepResult {
  const { project, options } = input;
  const step = emptyStep();
  if ((project.unreadable?.middleware.length ?? 0) > 0) return step; // nothing to tell from
  const need = options.style.middleware;
  const context = {
    route: options.route,
    language: project.language,
    nextMajor: project.nextMajor,
    srcDir: project.srcDir,
    need,
  };
  let location;
  try {
    location = locateMiddleware(project.middlewareFiles, context);
  } catch (error) {
    if (error instanceof CliError) return step; // two files, or one Next.js ignores: the user left it alone on purpose
    throw error;
  }
  const remind = (reason: MiddlewareReminder["reason"], entry?: string) =>
    step.notes.push({
      kind: "middlewareSkipped",
      path: location.path,
      route: options.route.pattern,
      reason,
      ...(entry ? { entry } : {}),
    });
  if (!location.existing) {
    if (need !== "public") remind("missing");
    return step;
  }
  if (!input.patchMiddleware) return step;
  const { path, kind, typescript } = location;
  const result = input.patchMiddleware(location.existing.content, {
    ...context,
    path,
    kind,
    typescript,
    appRoutes: project.appRoutes,
  });
  if (result.status === "refused") remind("needsEdit");
  else if (
    result.status === "unchanged" &&
    result.note.kind === "middlewareLeavesPublic" &&
    result.note.reason === "notClerk"
  )
    step.notes.push(result.note);
  else if (result.status === "patched") {
    const note = result.note;
    if (note.kind === "matcherEntryAdded") remind("notCovered", note.entry);
    else if (note.kind === "publicRouteAdded") remind("protected");
    else remind("noClerk");
  }
  return step;
}

function planPackages(input: PlanInput, upgrading: boolean): StepResult {
  const { project, options } = input;
  const step = emptyStep();
  // An upgrade installs too: its own note says so.
  if (!project.clerk.installed && !upgrading) {
    const install = clerkInstall(project);
    step.notes.push({
      kind: "installClerk",
      command: installCommandText(install),
      declared: project.clerk.declared,
      ...(install.folder ? { folder: install.folder } : {}),
    });
  }
  for (const { field, expected } of project.ignoredFields ?? [])
    step.notes.push({ kind: "packageJsonFieldIgnored", field, expected });
  for (const dir of project.untrustedParents ?? []) step.notes.push({ kind: "untrustedParentIgnored", dir });
  for (const text of options.style.nextSteps?.(styleInput(options, project.language)) ?? [])
    step.notes.push({ kind: "styleNextStep", text });
  return step;
}

export function buildPlan(input: PlanInput): Plan {
  const { options } = input;
  // First: a style the project's @clerk/nextjs cannot run is refused before anything else.
  const clerk = planClerkVersion(input.project, options, clerkFit(input.project, options), input.upgradeClerk === true);
  const upgrading = clerk.notes.some((note) => note.kind === "upgradeClerk");
  // The middleware before the route: a rule of it that answers first goes into the route's comment.
  const middleware: StepResult & { gate?: MiddlewareGate } = options.middleware
    ? planMiddlewareFile(input)
    : planMiddlewareReminder(input);
  const steps = [
    { ...emptyStep(), notes: clerk.notes },
    planRoute(input, clerk.support, middleware.gate),
    middleware,
    options.env && input.env ? planEnvStep(options, input.project.language, input.env) : emptyStep(),
    planPackages(input, upgrading),
  ];
  return {
    changes: steps.flatMap((step) => step.changes),
    unchanged: steps.flatMap((step) => step.unchanged),
    notes: steps.flatMap((step) => step.notes),
  };
}

/** A plan that would overwrite an existing route file the user did not ask to overwrite. */
export interface SettledPlan {
  plan: Plan;
  /** The route file that exists and differs; the run refuses it unless --force (or a yes at the prompt). */
  overwrite?: string;
}

/** Run after any formatting: drops changes that turned out to change nothing, and names an overwrite. */
export function settlePlan(plan: Plan, routePath: string): SettledPlan {
  const noOps = plan.changes.filter((c) => c.after === c.before).map((c) => c.path);
  const changes = plan.changes.filter((c) => c.after !== c.before);
  const overwrite = changes.some((c) => c.path === routePath && c.before !== null) ? routePath : undefined;
  return { plan: { ...plan, changes, unchanged: [...noOps, ...plan.unchanged] }, ...(overwrite ? { overwrite } : {}) };
}

export function routeExistsError(routePath: string): CliError {
  return new CliError("ROUTE_EXISTS", `${routePath} already exists and differs from what this run would write.`, {
    hint: "Pass --force to overwrite it (see the difference first with --dry-run), or pick another route.",
  });
}
