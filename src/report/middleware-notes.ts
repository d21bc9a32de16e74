import type { MiddlewareNote } from "../plan/middleware/index.js";
import { CODEMOD, describeIgnoredReason } from "../next/middleware-file.js";

// The words for what the middleware step did. Each note is shown to the user as one line, so each
// is a single sentence saying what changed in their file and what they may have to check or change.

const q = (text: string) => JSON.stringify(text);

export function describeMiddlewareNote(note: MiddlewareNote): string {
  switch (note.kind) {
    case "middlewareFilled":
      return `Added a default clerkMiddleware() export and Clerk's recommended config.matcher to ${note.path}, which exported nothing.`;
    case "matcherEntryAdded":
      return addedEntry(note);
    case "middlewareWrapped":
      return wrapped(note);
    case "middlewareAlreadyCovers": {
      const how = note.everywhere ? " (no matcher: it runs on every path)" : "";
      return `clerkMiddleware() in ${note.path} already runs on ${note.route}${how}`;
    }
    case "publicRouteAdded":
      return note.created
        ? `Added ${note.matcher} = createRouteMatcher([${q(note.pattern)}]) to ${note.path} and exempted it from ${note.gates ? "its sign-in checks" : "auth.protect()"}, so ${note.route} stays reachable without a session.`
        : `Added ${q(note.pattern)} to ${note.matcher} in ${note.path}, so ${note.route} stays reachable without a session.`;
    case "middlewareLeavesPublic":
      switch (note.reason) {
        case "notCovered":
          return `${note.path} does not run on ${note.route}, so it stays reachable without a session`;
        case "noRule":
          return `No rule in ${note.path} protects ${note.route}, so it stays reachable without a session`;
        case "notClerk":
          return `Check that the middleware in ${note.path} lets requests without a session through to ${note.route}: this tool cannot tell what it does there.`;
      }
      break;
    case "middlewareIgnored":
      return `${note.path} is ignored by Next.js: ${describeIgnoredReason(note.reason)}. ${note.active} is the one that runs.`;
    case "middlewareDeprecated":
      return `${note.path} on Next.js ${note.nextMajor} still works but is deprecated; \`${CODEMOD}\` renames it to proxy.`;
  }
}

/** `Added "…" to config.matcher in …`, with what it means for the user's clerkMiddleware() handler or options. */
function addedEntry(note: Extract<MiddlewareNote, { kind: "matcherEntryAdded" }>): string {
  const { path, route, entry, setup, lookahead, allApiRoutes } = note;
  const added = `Added ${q(entry)} to config.matcher in ${path}`;
  const target = lookahead === undefined ? route : "all of them";
  const why = lookahead === undefined ? "" : ` because the lookahead in ${q(lookahead)} may skip some ${route} paths`;
  const it = lookahead === undefined ? "it" : "them";
  switch (setup) {
    case "bare":
      if (lookahead !== undefined) return `${added}${why}, so clerkMiddleware() now runs on ${target}.`;
      return allApiRoutes
        ? `${added} so clerkMiddleware() runs on ${route} and every other /api and /trpc route.`
        : `${added} so clerkMiddleware() runs on ${route}.`;
    case "handler":
      return `${added}${why}, so clerkMiddleware() now also runs on ${target}; your clerkMiddleware() handler still runs only on the paths its old matcher matched.`;
    case "options":
      return `${added}${why}, so your clerkMiddleware() options now also apply to ${target}: check that they suit ${it}.`;
  }
}

/** The export Next.js runs became `clerkMiddleware(...)` calling the user's function: say so, and who else is affected. */
function wrapped(note: Extract<MiddlewareNote, { kind: "middlewareWrapped" }>): string {
  const { path, exported, local, guardedEntry } = note;
  const guard =
    guardedEntry === undefined
      ? ""
      : ` only on the paths its old matcher matched, and added ${q(guardedEntry)} to config.matcher`;
  if (exported === "default") {
    return (
      `Replaced the default export of ${path} with clerkMiddleware() calling your function (now the local \`${local}\`)${guard}; ` +
      "code or tests that import the default export now get the Clerk-wrapped version."
    );
  }
  return (
    `Replaced the named \`${exported}\` export of ${path} with a default export that runs clerkMiddleware() and calls \`${local}\`${guard}; ` +
    `code or tests that import \`${exported}\` from this file must change.`
  );
}
