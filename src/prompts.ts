import * as p from "@clack/prompts";
import { CancelledError } from "./core/errors.js";
import { TEMPLATE_NAMES, DEFAULT_JWT_TEMPLATE, DEFAULT_ROUTES, STYLE_HINTS, defaultMethods, parseStyle } from "./options.js";
import { parseRoute } from "./core/route.js";
import type { Colors } from "picocolors/types.js";
import { renderDiff } from "./preview.js";
import { METHODS, STYLES, type Plan, type RawFlags, type Style } from "./types.js";
import { DEFAULT_USER_FIELDS, USER_FIELDS } from "./user-fields.js";

// Fills the gaps the flags left, with @clack/prompts. Only ever called when stdin and stdout are
// TTYs, CI is unset and neither --yes nor --json was given. Cancelling anywhere throws CancelledError.

function answer<T>(value: T | symbol): T {
  if (p.isCancel(value)) throw new CancelledError();
  return value;
}

function validRoute(value: string | undefined): string | undefined {
  try {
    parseRoute(value ?? "", { reservedNames: TEMPLATE_NAMES });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export function intro(title: string): void {
  p.intro(title);
}

export async function fillGaps(flags: RawFlags): Promise<RawFlags> {
  const filled: RawFlags = { ...flags };
  if (filled.style === undefined) {
    filled.style = answer(
      await p.select<Style>({
        message: "How should the route be protected?",
        options: STYLES.map((style) => ({ value: style, label: style, hint: STYLE_HINTS[style] })),
      }),
    );
  }
  const style = parseStyle(filled.style);
  if (filled.route === undefined) {
    filled.route = answer(
      await p.text({
        message: "Route (URL path)",
        placeholder: DEFAULT_ROUTES[style],
        defaultValue: DEFAULT_ROUTES[style],
        validate: (value) => (value === "" ? undefined : validRoute(value)),
      }),
    );
  }
  if (filled.methods === undefined) {
    const methods = answer(
      await p.multiselect({
        message: "HTTP methods",
        options: METHODS.filter((m) => style !== "clerkClient" || m !== "DELETE").map((m) => ({ value: m, label: m })),
        initialValues: defaultMethods(style),
        required: true,
      }),
    );
    filled.methods = methods.join(",");
  }
  if (style === "protect" && filled.role === undefined && filled.permission === undefined) {
    const check = answer(
      await p.select({
        message: "Also require a role or permission?",
        options: [
          { value: "none", label: "No, any signed-in user" },
          { value: "role", label: "A role", hint: "auth.protect({ role })" },
          { value: "permission", label: "A permission", hint: "auth.protect({ permission })" },
        ],
      }),
    );
    // Required answers: an empty role would silently become auth.protect() with no check at all.
    const name = (message: string, placeholder: string) =>
      p.text({ message, placeholder, validate: (value) => (/^[\w:.-]+$/.test(value ?? "") ? undefined : `Type a ${message.toLowerCase()} such as ${placeholder}`) });
    if (check === "role") filled.role = answer(await name("Role", "org:admin"));
    if (check === "permission") filled.permission = answer(await name("Permission", "org:invoices:read"));
  }
  if (style === "token" && filled.jwtTemplate === undefined) {
    filled.jwtTemplate = answer(
      await p.text({
        message: "Clerk JWT template",
        placeholder: DEFAULT_JWT_TEMPLATE,
        defaultValue: DEFAULT_JWT_TEMPLATE,
        validate: (value) =>
          !value || /^[A-Za-z][\w-]*$/.test(value) ? undefined : "A template name: letters, digits, '-' and '_', e.g. supabase",
      }),
    );
  }
  if (style === "currentUser" && filled.fields === undefined) {
    const fields = answer(
      await p.multiselect({
        message: "User fields to return (privateMetadata is never offered)",
        options: Object.keys(USER_FIELDS).map((field) => ({ value: field, label: field })),
        initialValues: DEFAULT_USER_FIELDS,
        required: true,
      }),
    );
    filled.fields = fields.join(",");
  }
  return filled;
}

export async function confirm(message: string, initialValue = true): Promise<boolean> {
  return answer(await p.confirm({ message, initialValue }));
}

/**
 * Shows the planned changes (and what they mean for the user's own files), then asks. "Show the
 * diff first" prints every change as a diff and asks again.
 */
export async function confirmPlan(plan: Plan, colors: Colors): Promise<boolean> {
  const list = plan.changes.map((c) => `${c.action === "create" ? "create" : "modify"}  ${c.path}`).join("\n");
  p.note(list, "Planned changes");
  for (const warning of plan.warnings) p.log.warn(warning);
  const choice = answer(
    await p.select({
      message: "Write these files?",
      options: [
        { value: "yes", label: "Yes" },
        { value: "diff", label: "Show the diff first" },
        { value: "no", label: "No" },
      ],
    }),
  );
  if (choice !== "diff") return choice === "yes";
  for (const change of plan.changes) p.log.message(renderDiff(change, colors));
  return confirm("Write these files?");
}

/** The end of an interactive run, inside the prompts' frame. */
export function showResult(plan: Plan, title: string, ciCommand: string | undefined, colors: Colors): void {
  if (plan.changes.length > 0) {
    const files = plan.changes.map((c) => `${c.action === "create" ? colors.green("created ") : colors.yellow("modified")} ${c.path}`);
    p.log.success([title, ...files].join("\n"));
  } else {
    p.log.success("Nothing to change: the project already has everything this run would add.");
  }
  if (plan.unchanged.length > 0) p.log.message(plan.unchanged.map((file) => colors.dim(`unchanged ${file}`)).join("\n"));
  if (plan.nextSteps.length > 0) p.note(plan.nextSteps.map((step, i) => `${i + 1}. ${step}`).join("\n"), "Next steps");
  if (ciCommand) p.log.info(`To repeat this in CI:\n${ciCommand}`);
}

export function outro(message: string): void {
  p.outro(message);
}

export async function withSpinner<T>(message: string, task: () => Promise<T>): Promise<T> {
  const spinner = p.spinner();
  spinner.start(message);
  try {
    const result = await task();
    spinner.stop(message.replace(/…$/, "") + " done");
    return result;
  } catch (error) {
    spinner.stop(`${message.replace(/…$/, "")} failed`, 1);
    throw error;
  }
}
