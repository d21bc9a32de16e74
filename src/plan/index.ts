import { CliError } from "../errors.js";
import { upstreamUrlVariable } from "../options.js";
import { clerkInstallStep } from "../install.js";
import type { ExistingFile, FileChange, Options, Plan, Project } from "../types.js";
import { clerkEnvEntries, parseEnvText, planEnvFile, type EnvEntry } from "./env.js";
import { planGitignore } from "./gitignore.js";
import type { MiddlewareResult } from "./middleware/context.js";
import { createContent } from "./middleware/create.js";
import { locateMiddleware } from "./middleware/locate.js";
import type { planMiddleware } from "./middleware/plan.js";
import { renderRoute } from "./route.js";

// Where and when: decides which files change, from plain data only. The "what to do to the
// content" lives in route.ts, middleware/, env.ts and gitignore.ts, each (content) => content.

export interface EnvInput {
  /** The env file to ensure, relative to the root, and its current content. */
  path: string;
  before: string | null;
  /** Key values from flags or the environment ("" when unknown). */
  publishableKey: string;
  secretKey: string;
  /** Git facts about the env file; undefined outside a git repository. */
  git?: { ignored: boolean; tracked: boolean };
  /** Current .gitignore content (null when missing). */
  gitignore: string | null;
  /** The other env files Next.js loads: a key defined there must not be shadowed by a placeholder. */
  others: ExistingFile[];
}

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

export function notIgnoredWarning(envPath: string, adding: boolean): string {
  return adding
    ? `${envPath} was not ignored by git: adding it to .gitignore so the secret key is never committed.`
    : `${envPath} is not ignored by git: add it to .gitignore before you commit, or the secret key goes with it.`;
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
    routePattern: options.route.pattern,
    language: project.language,
    nextMajor: project.nextMajor,
    srcDir: project.srcDir,
  };
  const location = locateMiddleware(project.middlewareFiles, context);
  plan.warnings.push(...location.warnings);
  const result: MiddlewareResult = location.existing
    ? patcher(input)(location.existing.content, { ...context, path: location.path })
    : { status: "created", after: createContent(), summary: `Create ${location.path}` };
  switch (result.status) {
    case "unchanged":
      plan.unchanged.push(location.path);
      return;
    case "created":
      plan.changes.push(change(location.path, null, result.after));
      return;
    case "patched":
      // What changed in the user's own file, in one sentence: worth their review.
      plan.warnings.push(result.summary);
      plan.changes.push(change(location.path, location.existing?.content ?? null, result.after));
      return;
    case "refused":
      // The reason names the file; the manual edit ends with how to go on without it (--no-middleware).
      throw new CliError("MIDDLEWARE_UNSAFE", result.reason, {
        hint: `Nothing was changed. Make this edit by hand:\n\n${result.manualEdit}`,
      });
  }
}

function envEntries(options: Options, env: EnvInput): EnvEntry[] {
  const entries = clerkEnvEntries(env);
  if (options.style === "token") {
    entries.push({
      key: upstreamUrlVariable(options.jwtTemplate),
      value: "",
      comment: `The external API the ${options.route.pattern} route calls with the "${options.jwtTemplate}" token`,
    });
  }
  return entries;
}

/**
 * Drops entries another env file already defines: Next.js merges all of them, and an empty
 * placeholder in .env.local would override a real value in .env (.env.local wins).
 */
function unshadowed(entries: EnvEntry[], env: EnvInput, plan: Plan): EnvEntry[] {
  const definedIn = new Map<string, string>();
  for (const file of env.others) {
    for (const key of parseEnvText(file.content).keys()) if (!definedIn.has(key)) definedIn.set(key, file.path);
  }
  return entries.filter((entry) => {
    const where = definedIn.get(entry.key);
    if (where === undefined) return true;
    if (entry.value !== "") plan.warnings.push(`${entry.key} is already set in ${where}: left it there and did not add it to ${env.path}.`);
    return false;
  });
}

function planEnv(input: PlanInput, env: EnvInput, plan: Plan): void {
  const result = planEnvFile(env.before, unshadowed(envEntries(input.options, env), env, plan), { fileName: env.path });
  plan.warnings.push(...result.warnings);
  if (result.after === env.before) {
    plan.unchanged.push(env.path);
  } else {
    plan.changes.push({ ...change(env.path, env.before, result.after), sensitive: true });
  }
  const hasEmpty = result.after.split(/\r?\n/).some((line) => /^(NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY|CLERK_SECRET_KEY)=\s*$/.test(line));
  if (hasEmpty) {
    plan.nextSteps.push(`Fill in the Clerk keys in ${env.path}: https://dashboard.clerk.com/last-active?path=api-keys`);
  }
  if (env.git?.tracked) {
    plan.warnings.push(
      `${env.path} is tracked by git: the secret key will be in your history once committed. Run \`git rm --cached ${env.path}\` and rotate the key if it was ever committed.`,
    );
  } else if (env.git && !env.git.ignored) {
    const gitignore = planGitignore(env.gitignore, env.path);
    if (gitignore !== env.gitignore) {
      plan.changes.push(change(".gitignore", env.gitignore, gitignore));
      plan.warnings.push(notIgnoredWarning(env.path, true));
    } else {
      // .gitignore seems to cover the file, yet git says it is not ignored: say so, touch nothing.
      plan.warnings.push(`${notIgnoredWarning(env.path, false)} (See why: git check-ignore -v --no-index ${env.path})`);
    }
  }
}

export function buildPlan(input: PlanInput): Plan {
  const plan: Plan = { changes: [], unchanged: [], warnings: [], nextSteps: [] };
  const { project, options } = input;
  planRoute(input, plan);
  if (options.middleware) planMiddlewareFile(input, plan);
  if (options.env && input.env) planEnv(input, input.env, plan);
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
