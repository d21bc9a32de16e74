import { CLERK_API_KEYS_URL, PUBLISHABLE_KEY_ENV, SECRET_KEY_ENV } from "../keys.js";
import { upstreamUrlVariable } from "../options.js";
import type { ExistingFile, FileChange, Options, Plan } from "../types.js";
import { clerkEnvEntries, parseEnvText, planEnvFile, type EnvEntry } from "./env.js";
import { planGitignore } from "./gitignore.js";

// Where and when for the env file: which keys to add to which file, given every env file Next.js
// loads, and whether .gitignore must change. The text edits themselves are env.ts and gitignore.ts.

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
  /** The other env files Next.js loads: a key set there must not be hidden by a placeholder. */
  others: ExistingFile[];
}

/** Env files `next dev` loads (besides .env.local, which is usually the target). */
const DEVELOPMENT_FILES = new Set([".env", ".env.local", ".env.development", ".env.development.local"]);

export function notIgnoredWarning(envPath: string, adding: boolean): string {
  return adding
    ? `${envPath} was not ignored by git: adding it to .gitignore so the secret key is never committed.`
    : `${envPath} is not ignored by git: add it to .gitignore before you commit, or the secret key goes with it.`;
}

/** For each key with a non-empty value in another env file: where, and whether `next dev` sees it. */
function valuesElsewhere(others: ExistingFile[]): Map<string, { path: string; development: boolean }> {
  const found = new Map<string, { path: string; development: boolean }>();
  for (const file of others) {
    const development = DEVELOPMENT_FILES.has(file.path);
    for (const [key, value] of parseEnvText(file.content)) {
      if (value === "") continue;
      const seen = found.get(key);
      if (!seen || (development && !seen.development)) found.set(key, { path: file.path, development });
    }
  }
  return found;
}

function entriesFor(options: Options, env: EnvInput): EnvEntry[] {
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
 * Drops entries another env file already sets. Next.js merges them all, and .env.local wins over
 * .env and .env.production: an empty placeholder there would hide the real value.
 */
function withoutShadowing(entries: EnvEntry[], env: EnvInput, plan: Plan): EnvEntry[] {
  const elsewhere = valuesElsewhere(env.others);
  return entries.filter((entry) => {
    const where = elsewhere.get(entry.key);
    if (!where) return true;
    if (!where.development) {
      if (entry.value !== "") return true; // a real value for development, given on purpose
      plan.nextSteps.push(
        `${entry.key} is set only in ${where.path}: set it for development in ${env.path} (with its value: an empty one there would hide the production value).`,
      );
      return false;
    }
    if (entry.value !== "") plan.warnings.push(`${entry.key} is already set in ${where.path}: kept it there and did not add it to ${env.path}.`);
    return false;
  });
}

function change(path: string, before: string | null, after: string): FileChange {
  return { path, action: before === null ? "create" : "modify", before, after };
}

export function planEnvStep(options: Options, env: EnvInput, plan: Plan): void {
  const entries = withoutShadowing(entriesFor(options, env), env, plan);
  if (env.before === null && entries.length === 0) return; // nothing to write, no file to create
  const result = planEnvFile(env.before, entries, { fileName: env.path });
  plan.warnings.push(...result.warnings);
  const writes = result.after !== env.before;
  if (writes) plan.changes.push({ ...change(env.path, env.before, result.after), sensitive: true });
  else plan.unchanged.push(env.path);

  const values = parseEnvText(result.after);
  const elsewhere = valuesElsewhere(env.others);
  const unset = [PUBLISHABLE_KEY_ENV, SECRET_KEY_ENV].filter((key) => !values.get(key) && !elsewhere.get(key)?.development);
  if (unset.length > 0) plan.nextSteps.push(`Fill in ${unset.join(" and ")} in ${env.path}: ${CLERK_API_KEYS_URL}`);

  if (!writes || !env.git) return;
  if (env.git.tracked) {
    plan.warnings.push(
      `${env.path} is tracked by git: the secret key will be in your history once committed. If it holds secrets, untrack it (git rm --cached ${env.path}) and rotate any key that was committed.`,
    );
  } else if (!env.git.ignored) {
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
