import { CliError } from "../core/errors.js";
import { shellQuote } from "../core/shell.js";
import { flagName, type StyleFlag } from "./declaration.js";

// Building blocks for style flags: a validated name, and a comma-separated list of known items.

interface NameSpec {
  flag: string;
  key: string;
  description: string;
  pattern: RegExp;
  example: string;
  /** What the shape is, for the error message (default: "a valid name"). */
  shape?: string;
}

/** A flag holding one name of a given shape, e.g. a JWT template or a role key. */
export function nameFlag(spec: NameSpec): StyleFlag<string | undefined>;
export function nameFlag(spec: NameSpec & { fallback: string }): StyleFlag<string>;
export function nameFlag(spec: NameSpec & { fallback?: string }): StyleFlag<string | undefined> {
  const name = flagName(spec);
  return {
    flag: spec.flag,
    key: spec.key,
    description: spec.description,
    fallback: spec.fallback,
    parse(raw) {
      const trimmed = raw.trim();
      if (!spec.pattern.test(trimmed)) {
        throw new CliError("INVALID_FLAG", `${name} ${JSON.stringify(raw)} is not ${spec.shape ?? "a valid name"}.`, {
          hint: `Use something like ${spec.example}.`,
        });
      }
      return trimmed;
    },
    format: (value) => (value === undefined ? "" : shellQuote(value)),
  };
}

/**
 * A flag holding one name of a given shape per occurrence, given any number of times
 * (--permission a --permission b): the names in order, a name given twice refused. `combine` may
 * refuse a combination more (it throws CliError).
 */
export function repeatedNameFlag(spec: NameSpec & { combine?: (names: string[]) => void }): StyleFlag<string[]> {
  const one = nameFlag(spec);
  const name = flagName(spec);
  return {
    flag: spec.flag,
    key: spec.key,
    description: spec.description,
    fallback: [],
    parse: (raw) => [one.parse(raw)!],
    combine(lists) {
      const names = lists.flat();
      const doubled = names.find((value, index) => names.indexOf(value) !== index);
      if (doubled !== undefined)
        throw new CliError("INVALID_FLAG", `${name} ${doubled} is given twice.`, { hint: `Give each ${name} once.` });
      spec.combine?.(names);
      return names;
    },
    // One occurrence per name: the echoed command repeats the flag (see report/command.ts).
    format: (names) => names.map((value) => shellQuote(value)).join(` ${name} `),
  };
}

/** A flag holding a comma-separated list of items, each checked by `item`. */
export function listFlag(spec: {
  flag: string;
  key: string;
  description: string;
  fallback: string[];
  /** Validates one item (trimmed, non-empty); throws CliError. */
  item(value: string): string;
  /** What an empty list should say. */
  empty: { message: string; hint: string };
}): StyleFlag<string[]> {
  const name = flagName(spec);
  return {
    flag: spec.flag,
    key: spec.key,
    description: spec.description,
    fallback: spec.fallback,
    parse(raw) {
      const items = raw
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "");
      if (items.length === 0) throw new CliError("INVALID_FIELDS", spec.empty.message, { hint: spec.empty.hint });
      const seen = new Set<string>();
      return items.map((item) => {
        const value = spec.item(item);
        if (seen.has(value))
          throw new CliError("INVALID_FIELDS", `"${value}" is listed twice in ${name}.`, {
            hint: "List each one once.",
          });
        seen.add(value);
        return value;
      });
    },
    format: (value) => value.join(","),
  };
}
