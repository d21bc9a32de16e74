import { parseEnvText, planEnvFile, type EnvEntry } from "../../src/plan/env-file.js";
import util from "node:util";
import { describeNote } from "../../src/report/notes.js";

const nodeParses = typeof (util as { parseEnv?: unknown }).parseEnv === "function";

/**
 * planEnvFile plus what the tests assert about it: the keys it added and kept (read back from the
 * text, not reported by the planner) and its notes in words, as the user reads them.
 */
export function planEnvFileFacts(
  before: string | null,
  entries: EnvEntry[],
  options?: Parameters<typeof planEnvFile>[2],
) {
  const plan = planEnvFile(before, entries, options);
  // Present when either parser reads it (util.parseEnv skips `KEY: value` lines; dotenv and Next read them).
  const read = (text: string) =>
    new Set([...parseEnvText(text, "dotenv").keys(), ...(nodeParses ? parseEnvText(text, "node").keys() : [])]);
  const old = read(before ?? "");
  const now = read(plan.after);
  const keys = [...new Set(entries.map((e) => e.key))];
  return {
    ...plan,
    added: keys.filter((key) => !old.has(key) && now.has(key)),
    kept: keys.filter((key) => old.has(key)),
    warnings: plan.notes.map((note) => describeNote(note).text),
  };
}
