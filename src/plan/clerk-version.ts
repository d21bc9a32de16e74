import { CliError } from "../core/errors.js";
import { formatVersion, parseVersion } from "../core/version.js";
import {
  CLERK_APIS,
  clerkSupport,
  clerkTarget,
  hasEquivalent,
  minimumFor,
  type ClerkApi,
  type ClerkSupport,
  type ClerkTarget,
} from "../clerk/api-versions.js";
import { clerkInstall, installCommandText } from "../project/install-command.js";
import type { Project } from "../project/detect.js";
import type { StyleDeclaration } from "../styles/declaration.js";
import { STYLES } from "../styles/index.js";
import type { Options } from "./options.js";
import type { Note } from "./types.js";

// Which @clerk/nextjs the route is generated for: the installed version (else the lowest the
// declared range allows). Where it lacks an API the style uses, the style's equivalent is
// generated when there is one (a userId test for isAuthenticated); otherwise the run is refused,
// naming the version the style needs and the command that upgrades it, or (--install, or yes at
// the prompt) the upgrade runs after the files are written and the route is generated for it.

export interface ClerkFit {
  target: ClerkTarget;
  /** APIs the style uses that the target lacks and that have an equivalent. */
  adapted: ClerkApi[];
  /** APIs the style uses that the target lacks, with no equivalent: the run needs a newer Clerk. */
  missing: ClerkApi[];
  /** The first release the route works on (with the equivalents): the one that has every `missing` API. */
  needs: string;
  /** The release with every API the style uses: what an upgrade installs at least. */
  upgradeTo: string;
}

function usedApis(
  style: StyleDeclaration,
  options: Pick<Options, "route" | "methods" | "values">,
  language: Project["language"],
  clerk: ClerkSupport,
): ClerkApi[] {
  return [
    ...new Set(
      style.clerkApis({ route: options.route, methods: options.methods, language, values: options.values, clerk }),
    ),
  ];
}

/** How the style's APIs fit the project's @clerk/nextjs. */
export function clerkFit(project: Project, options: Options): ClerkFit {
  const target = clerkTarget(project.clerk);
  const support = clerkSupport(target);
  const uses = usedApis(options.style, options, project.language, support);
  const lacking = uses.filter((api) => !support.has(api));
  const missing = lacking.filter((api) => !hasEquivalent(api));
  return {
    target,
    adapted: lacking.filter((api) => hasEquivalent(api)),
    missing,
    needs: minimumFor(missing),
    upgradeTo: minimumFor(uses),
  };
}

/** Upgrading within the major a project has: an upgrade across majors is Clerk's own migration (npx @clerk/upgrade). */
export function canUpgrade(fit: ClerkFit): boolean {
  const to = parseVersion(fit.upgradeTo)!;
  return fit.target.version !== undefined && fit.target.version.major === to.major;
}

/** The Clerk the route is generated for, and what to tell the user; an upgrade when `upgrade` and one can run. */
export function planClerkVersion(
  project: Project,
  options: Options,
  fit: ClerkFit,
  upgrade: boolean,
): { support: ClerkSupport; notes: Note[] } {
  const version = fit.target.version ? formatVersion(fit.target.version) : undefined;
  if (fit.missing.length > 0) {
    if (!upgrade || !canUpgrade(fit)) throw clerkTooOld(project, options, fit);
    const command = installCommandText(clerkInstall(project, `^${fit.upgradeTo}`));
    return {
      support: clerkSupport({ version: parseVersion(fit.upgradeTo)! }),
      notes: [
        {
          kind: "upgradeClerk",
          from: version!,
          to: fit.upgradeTo,
          apis: fit.missing,
          command,
          declaredOnly: fit.target.source === "declared",
        },
      ],
    };
  }
  const notes: Note[] =
    fit.adapted.length > 0
      ? [{ kind: "clerkAdapted", version: version!, declaredOnly: fit.target.source === "declared", apis: fit.adapted }]
      : [];
  return { support: clerkSupport(fit.target), notes };
}

/** The styles whose default route works on `target` as it is. */
function stylesFor(project: Project, options: Options, target: ClerkTarget): string[] {
  const support = clerkSupport(target);
  return STYLES.filter((style) =>
    usedApis(
      style,
      { route: options.route, methods: style.methods.default, values: new Map() },
      project.language,
      support,
    ).every((api) => support.has(api) || hasEquivalent(api)),
  ).map((style) => style.name);
}

function clerkTooOld(project: Project, options: Options, fit: ClerkFit): CliError {
  const version = formatVersion(fit.target.version!);
  const which =
    fit.target.source === "declared"
      ? `package.json allows @clerk/nextjs ${version} (${project.clerk.version})`
      : `@clerk/nextjs ${version} is installed`;
  const apis = fit.missing.map((api) => `${CLERK_APIS[api].code} (${CLERK_APIS[api].since})`);
  const message = `The ${options.style.name} route needs @clerk/nextjs ${fit.needs} or newer: ${which}, which has no ${apis.join(", ")}.`;
  const others = stylesFor(project, options, fit.target).filter((name) => name !== options.style.name);
  const alternatives = others.length > 0 ? ` Styles that work with ${version} as they are: ${others.join(", ")}.` : "";
  if (!canUpgrade(fit)) {
    return new CliError("CLERK_TOO_OLD", message, {
      hint: `Upgrading from @clerk/nextjs ${fit.target.version!.major} is a new major: follow Clerk's upgrade guide, with its codemods: npx @clerk/upgrade. Then run this again.${alternatives}`,
    });
  }
  const command = installCommandText(clerkInstall(project, `^${fit.upgradeTo}`));
  return new CliError("CLERK_TOO_OLD", message, {
    hint: `Upgrade it (${fit.target.version!.major}.x, same major): ${command}, or run this again with --install to upgrade it after the files are written.${alternatives}`,
  });
}
