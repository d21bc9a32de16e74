import type { Options } from "./options.js";
import { fileChange, type ExistingFile } from "../core/types.js";
import {
  PUBLISHABLE_KEY_ENV,
  SECRET_KEY_ENV,
  keysFromDifferentInstances,
  maskValue,
  validatePublishableKey,
  validateSecretKey,
} from "../clerk/keys.js";
import type { EnvTarget } from "../project/env-target.js";
import type { Language } from "../core/types.js";
import { clerkEnvEntries, parseEnvText, planEnvFile, type EnvEntry } from "./env-file.js";
import { planGitignore } from "./gitignore.js";
import { DEVELOPMENT_ENV_ORDER } from "../next/conventions.js";
import { styleInput } from "./route-file.js";
import { emptyStep, type StepResult } from "./types.js";

// Where and when for the env file: which keys to add to which file, given every env file Next.js
// loads, and whether .gitignore must change. The text edits themselves are env.ts and gitignore.ts.

/** Env files `next dev` loads (besides .env.local, which is usually the target). */
const DEVELOPMENT_FILES = new Set(DEVELOPMENT_ENV_ORDER);

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

/**
 * Keys a file `next dev` reads before the target defines as empty: whatever the target holds,
 * the app gets "" (an empty value still counts as defined).
 */
function emptiedAhead(keys: string[], target: EnvTarget, step: StepResult): void {
  const ahead = DEVELOPMENT_ENV_ORDER.slice(0, Math.max(0, DEVELOPMENT_ENV_ORDER.indexOf(target.path)));
  for (const key of keys) {
    for (const name of ahead) {
      const file = target.others.find((other) => other.path === name);
      const value = file && parseEnvText(file.content).get(key);
      if (value === undefined) continue;
      if (value === "") step.notes.push({ kind: "envKeyShadowed", key, by: name, file: target.path });
      break;
    }
  }
}

function entriesFor(options: Options, language: Language): EnvEntry[] {
  const style = options.style.env?.(styleInput(options, language)) ?? [];
  return [...clerkEnvEntries(options.keys), ...style];
}

/**
 * Drops entries another env file already sets. Next.js merges them all, and .env.local wins over
 * .env and .env.production: an empty placeholder there would hide the real value.
 */
function withoutShadowing(entries: EnvEntry[], target: EnvTarget, step: StepResult): EnvEntry[] {
  const elsewhere = valuesElsewhere(target.others);
  return entries.filter((entry) => {
    const where = elsewhere.get(entry.key);
    if (!where) return true;
    if (!where.development) {
      if (entry.value !== "") return true; // a real value for development, given on purpose
      step.notes.push({ kind: "envKeyProductionOnly", key: entry.key, where: where.path, file: target.path });
      return false;
    }
    if (entry.value !== "")
      step.notes.push({ kind: "envKeySetElsewhere", key: entry.key, where: where.path, file: target.path });
    return false;
  });
}

/** The value `next dev` gets for `key` (the first file in its order that defines it), and that file. */
function effectiveValue(key: string, target: EnvTarget, after: string): { file: string; value: string } | undefined {
  const content = (name: string) =>
    name === target.path ? after : target.others.find((other) => other.path === name)?.content;
  const order = DEVELOPMENT_ENV_ORDER.includes(target.path)
    ? DEVELOPMENT_ENV_ORDER
    : [target.path, ...DEVELOPMENT_ENV_ORDER];
  for (const name of order) {
    const text = content(name);
    const value = text === undefined ? undefined : parseEnvText(text).get(key);
    if (value !== undefined) return { file: name, value };
  }
  return undefined;
}

const KEY_CHECKS: ReadonlyArray<[string, (value: string) => unknown]> = [
  [PUBLISHABLE_KEY_ENV, validatePublishableKey],
  [SECRET_KEY_ENV, validateSecretKey],
];

/**
 * A Clerk key the app will read that is not shaped like one: a placeholder such as
 * `your_clerk_secret_key` in a tracked .env, a swapped key. Empty ones are "fill in" already.
 */
function notKeys(target: EnvTarget, after: string, step: StepResult): void {
  for (const [key, check] of KEY_CHECKS) {
    const found = effectiveValue(key, target, after);
    if (!found || found.value.trim() === "") continue;
    try {
      check(found.value);
    } catch {
      step.notes.push({ kind: "envKeyNotAKey", key, file: found.file, shown: maskValue(found.value.trim()) });
    }
  }
}

export function planEnvStep(options: Options, language: Language, target: EnvTarget): StepResult {
  const step = emptyStep();
  if (keysFromDifferentInstances(options.keys)) {
    step.notes.push({
      kind: "keysFromDifferentInstances",
      publishableLive: options.keys.publishableKey!.startsWith("pk_live_"),
    });
  }
  const wanted = entriesFor(options, language);
  emptiedAhead([...new Set(wanted.map((entry) => entry.key))], target, step);
  const entries = withoutShadowing(wanted, target, step);
  if (target.before === null && entries.length === 0) {
    notKeys(target, "", step);
    return step; // nothing to write, no file to create
  }
  const result = planEnvFile(target.before, entries, { fileName: target.path });
  step.notes.push(...result.notes);
  const writes = result.after !== target.before;
  if (writes) step.changes.push(fileChange(target.path, target.before, result.after, true));
  else step.unchanged.push(target.path);

  const values = parseEnvText(result.after);
  const elsewhere = valuesElsewhere(target.others);
  const unset = [PUBLISHABLE_KEY_ENV, SECRET_KEY_ENV].filter(
    (key) => !values.get(key) && !elsewhere.get(key)?.development,
  );
  if (unset.length > 0) step.notes.push({ kind: "fillKeys", keys: unset, file: target.path });
  notKeys(target, result.after, step);

  if (!writes || !target.git) return step;
  if (target.git.tracked) {
    step.notes.push({ kind: "envTracked", file: target.path });
  } else if (!target.git.ignored) {
    const gitignore = planGitignore(target.gitignore, target.path);
    if (gitignore !== target.gitignore) {
      step.changes.push(fileChange(".gitignore", target.gitignore, gitignore));
      step.notes.push({ kind: "envNotIgnored", file: target.path, adding: true });
    } else {
      step.notes.push({ kind: "envIgnoreRuleIneffective", file: target.path });
    }
  }
  return step;
}
