import { CLERK_API_KEYS_URL, SECRET_KEY_ENV } from "../clerk/keys.js";
import type { Note } from "../plan/types.js";
import { describeMiddlewareNote } from "./middleware-notes.js";
import { CLERK_APIS, type ClerkApi } from "../clerk/api-versions.js";

// Notes in words. Every sentence the user reads about the plan is written here.

export type Severity = "warning" | "nextStep";

export interface Described {
  severity: Severity;
  text: string;
}

export function describeNote(note: Note): Described {
  const warning = (text: string): Described => ({ severity: "warning", text });
  const nextStep = (text: string): Described => ({ severity: "nextStep", text });
  switch (note.kind) {
    case "middlewareIgnored":
    case "middlewareDeprecated":
    case "middlewareFilled":
    case "matcherEntryAdded":
    case "middlewareWrapped":
    case "publicRouteAdded":
    case "middlewareLeavesPublic":
      return warning(describeMiddlewareNote(note));
    case "middlewareAnswersFirst":
      return warning(middlewareAnswersFirst(note));
    case "middlewareSkipped":
      return nextStep(middlewareSkipped(note));
    case "installClerk": {
      const command = note.folder ? `${note.command} (in ${note.folder})` : note.command;
      return nextStep(
        note.declared
          ? `@clerk/nextjs is in package.json but not installed: run ${command}`
          : `Add @clerk/nextjs: ${command}`,
      );
    }
    case "workspaceAppChosen":
      return warning(
        `Used ${note.dir}, the only Next.js app in this workspace, because of --yes. To name it yourself: --cwd ${note.cwdFlag}`,
      );
    case "clerkAdapted":
      return warning(clerkAdapted(note));
    case "upgradeClerk":
      return nextStep(
        `Upgrade @clerk/nextjs (${note.declaredOnly ? `package.json allows ${note.from}` : note.from}) to ${note.to}, the first release with everything the route uses (${note.apis.map((api) => `${CLERK_APIS[api].code}: ${CLERK_APIS[api].since}`).join(", ")}): ${note.command}`,
      );
    case "packageJsonFieldIgnored":
      return warning(`package.json: "${note.field}" is not ${note.expected}; ignored it.`);
    case "untrustedParentIgnored":
      return warning(
        `Ignored ${note.dir}: it holds a package.json, lockfile or workspace file, but another user owns it or others may write to it, so it does not decide this project's package manager or workspace, and nothing is installed there.`,
      );
    case "styleNextStep":
      return nextStep(note.text);
    case "prettierFailed":
      return warning(`Your prettier could not format ${note.path} (${note.reason}); it keeps create-next-app's style.`);
    case "keysFromDifferentInstances": {
      const [pk, sk] = note.publishableLive ? ["live", "test"] : ["test", "live"];
      return warning(
        `The publishable key is a ${pk} key but the secret key is a ${sk} key; both must come from the same Clerk instance (${CLERK_API_KEYS_URL}).`,
      );
    }
    case "envKeyEmpty":
      return warning(
        `${note.key} is in ${note.file} but empty; it was left empty. Paste the value (${note.given}) there yourself.`,
      );
    case "envKeyDiffers":
      return warning(
        `${note.key} in ${note.file} (${note.current}) differs from the value you passed (${note.given}); kept the file's value. Edit ${note.file} if the new one is right.`,
      );
    case "envAppendUnsafe": {
      const verb = note.broken.length === 1 ? "is" : "are";
      return warning(
        `Could not add ${note.keys.join(", ")} to ${note.file} safely: appending would change how ${note.broken.join(", ")} ${verb} read (an unclosed quote earlier in the file?), so the file was left unchanged; add them by hand.`,
      );
    }
    case "envKeySetElsewhere":
      return warning(`${note.key} is already set in ${note.where}: kept it there and did not add it to ${note.file}.`);
    case "envKeyProductionOnly":
      return nextStep(
        `${note.key} is set only in ${note.where}: set it for development in ${note.file} (with its value: an empty one there would hide the production value).`,
      );
    case "envKeyShadowed":
      return warning(
        `${note.key} is empty in ${note.by}, which next dev reads before ${note.file}: the first file that defines a key wins, so the app gets "" instead of the value in ${note.file}.`,
      );
    case "fillKeys":
      return nextStep(`Fill in ${note.keys.join(" and ")} in ${note.file}: ${CLERK_API_KEYS_URL}`);
    case "envKeyNotAKey": {
      const shape =
        note.key === SECRET_KEY_ENV
          ? "secret key (sk_test_… or sk_live_…)"
          : "publishable key (pk_test_… or pk_live_…)";
      return nextStep(
        `${note.key} in ${note.file} is "${note.shown}", which is not a Clerk ${shape}: put your own there, from ${CLERK_API_KEYS_URL}`,
      );
    }
    case "envTracked":
      return warning(
        `${note.file} is tracked by git: the secret key will be in your history once committed. If it holds secrets, untrack it (git rm --cached ${note.file}) and rotate any key that was committed.`,
      );
    case "envNotIgnored":
      return warning(
        note.adding
          ? `${note.file} was not ignored by git: adding it to .gitignore so the secret key is never committed.`
          : `${note.file} is not ignored by git: add it to .gitignore before you commit, or the secret key goes with it.`,
      );
    case "envIgnoreRuleIneffective":
      return warning(
        `${note.file} is not ignored by git: add it to .gitignore before you commit, or the secret key goes with it. (See why: git check-ignore -v --no-index ${note.file})`,
      );
  }
}

/** The step a warning asks for, when it asks for one. */
function followUp(note: Note): Described | undefined {
  if (note.kind !== "envKeyShadowed") return undefined;
  return { severity: "nextStep", text: `Delete the empty ${note.key}= line from ${note.by} (or fill it in there).` };
}

/** The other way to do a next step, as the step right after it. */
function alternative(note: Note): string | undefined {
  // Since @clerk/nextjs 7.8 there is no keyless mode: empty keys make clerkMiddleware() throw.
  if (note.kind === "fillKeys")
    return "No Clerk account yet? npx clerk@latest init writes temporary development keys to .env.local.";
  return undefined;
}

/** Warnings first-found first; next steps with the install step first, as the user does them. */
export function describeNotes(notes: Note[]): { warnings: string[]; nextSteps: string[] } {
  const described = notes.map(describeNote);
  const followUps = notes.flatMap((note) => followUp(note)?.text ?? []);
  const install = notes.map((note, i) => (note.kind === "installClerk" ? i : -1)).filter((i) => i >= 0);
  const own = (d: Described, i: number) => {
    const other = alternative(notes[i]!);
    return d.severity === "nextStep" && !install.includes(i) ? [d.text, ...(other === undefined ? [] : [other])] : [];
  };
  const steps = [...described.flatMap(own), ...followUps];
  return {
    warnings: described.filter((d) => d.severity === "warning").map((d) => d.text),
    nextSteps: [...install.map((i) => described[i]!.text), ...steps],
  };
}

/** What the route does instead of each API the project's @clerk/nextjs lacks. */
const INSTEAD: Partial<Record<ClerkApi, string>> = {
  isAuthenticated: "tests userId, null exactly when signed out",
  retryAfter: "answers 503 without Clerk's Retry-After when the Backend API is rate limited",
  acceptedInvitationUserId: "reads an accepted invitation without its user_id",
};

function clerkAdapted(note: Extract<Note, { kind: "clerkAdapted" }>): string {
  const which = note.declaredOnly
    ? `the lowest @clerk/nextjs package.json allows, ${note.version},`
    : `@clerk/nextjs ${note.version},`;
  const lacks = note.apis.map((api) => `${CLERK_APIS[api].code} (${CLERK_APIS[api].since})`);
  const instead = note.apis.map((api) => INSTEAD[api] ?? `does without ${CLERK_APIS[api].code}`);
  return `Written for ${which} which has no ${lacks.join(" nor ")}: the route ${instead.join(", and ")}.`;
}

/** What --no-middleware left undone, and how to do it. */
function middlewareSkipped(note: Extract<Note, { kind: "middlewareSkipped" }>): string {
  const again = "run this again without --no-middleware";
  switch (note.reason) {
    case "missing":
      return `There is no ${note.path} (--no-middleware), so clerkMiddleware() does not run on ${note.route} and auth() there fails: ${again} to create it.`;
    case "notCovered":
      return `${note.path} does not run on ${note.route} (--no-middleware left it alone), so auth() there fails: add ${JSON.stringify(note.entry)} to its config.matcher, or ${again}.`;
    case "noClerk":
      return `${note.path} runs no clerkMiddleware() (--no-middleware left it alone), so auth() in ${note.route} fails: ${again} to see the change it needs.`;
    case "protected":
      return `${note.path} protects ${note.route} (--no-middleware left it alone), so callers without a session never reach it: exempt it there, or ${again} to see how.`;
    case "needsEdit":
      return `${note.path} needs a change before ${note.route} can work, one this tool makes only by hand (--no-middleware left it alone): ${again} to see the edit.`;
  }
}

/** The route's own answer to a signed-out caller, by style (the README's styles table). */
function ownAnswer(style: string): string {
  return style === "protect" ? "its own redirect to sign-in" : "its 401 JSON";
}

/** The middleware answers a signed-out caller before the route does. */
function middlewareAnswersFirst(note: Extract<Note, { kind: "middlewareAnswersFirst" }>): string {
  if (note.gate.kind === "unknown") {
    return `Could not tell whether ${note.path} answers a signed-out caller on ${note.route} before the route does (${note.gate.why}); if it does, the caller gets that answer, not ${ownAnswer(note.style)}.`;
  }
  const rule = note.gate.rule === "always" ? "auth.protect() on every request" : `the rule \`${note.gate.rule}\``;
  return (
    `${note.path} protects ${note.route} too: ${rule} answers a signed-out caller first (auth.protect(): an empty 404 to an API request, a redirect to sign-in for a page), so the caller never gets ${ownAnswer(note.style)}; ` +
    "`npx create-clerk-route migrate` moves that check into the route."
  );
}
