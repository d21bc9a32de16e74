import { valueOf, type StyleDeclaration, type StyleInput } from "./declaration.js";
import { AUTHORIZATION_FLAGS, CHECK_LOCALS, authorizationView, whoMayCallIt } from "./authorization.js";
import { nameFlag } from "./flags.js";
import { commentLines } from "./text.js";

// getToken({ template }) and a call to an external API with that token. Template: templates/token.hbs.

const jwtTemplate = nameFlag({
  flag: "--jwt-template <name>",
  key: "jwtTemplate",
  description: "token only: the Clerk JWT template (default supabase)",
  pattern: /^[A-Za-z][\w-]*$/,
  example: "--jwt-template supabase",
  fallback: "supabase",
});

/**
 * The environment variable the route reads its upstream URL from: a name of this tool's own,
 * JWT_TEMPLATE_<TEMPLATE>_API_URL (supabase → JWT_TEMPLATE_SUPABASE_API_URL). Never a name the
 * project may already use for something else (`database` → DATABASE_URL, a database's connection
 * string with its password): the route sends the user's token to that URL, and an existing
 * variable would be reused as it is. Only another token route with the same template shares it.
 */
export function upstreamUrlVariable(template: string): string {
  return `JWT_TEMPLATE_${template.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_API_URL`;
}

function template(input: StyleInput): string {
  return valueOf(input.values, jwtTemplate);
}

/** The route's header comment: what it calls, and what each failure answers. */
function header(input: StyleInput): string {
  const variable = upstreamUrlVariable(template(input));
  return [
    `${input.route.pattern}: calls an external API as the signed-in user. Clerk mints a token from the "${template(input)}" JWT template; the API at ${variable} receives it as "Authorization: Bearer <token>".`,
    `Signed out: 401. ${variable} unset: 500. External API unreachable, failing or not JSON: 502 {"error":"The external API failed","status":…} with its status (or null); the reason is logged on the server only, as it can hold the URL and the URL a password.`,
    "Clerk cannot mint the token (no such template, Backend API failing): 502 naming the template; Backend API rate limited: 503 with its Retry-After.",
  ]
    .flatMap(commentLines)
    .join("\n");
}

export const token: StyleDeclaration = {
  name: "token",
  aliases: [],
  summary: "getToken({ template }) and a call to an external API with it",
  defaultRoute: "/api/external-data",
  methods: { default: ["GET"] },
  readsBody: true,
  flags: [jwtTemplate, ...AUTHORIZATION_FLAGS],
  questions: [whoMayCallIt, { kind: "text", flag: jwtTemplate, message: "Clerk JWT template", placeholder: "supabase" }],
  globals: ["Object", "Record", "String", "Error", "process", "fetch", "console"],
  locals: ["auth", "has", "missing", ...CHECK_LOCALS, "isAuthenticated", "getToken", "token", "result", "body", "data", "response", "url", "error", "status", "JWT_TEMPLATE", "callExternalApi", "method", "tokenFailure", "isClerkAPIResponseError", "headers"],
  middleware: "clerk",
  env: (input) => [
    {
      key: upstreamUrlVariable(template(input)),
      value: "",
      comment: `The external API the ${input.route.pattern} route calls with the "${template(input)}" token`,
    },
  ],
  nextSteps: (input) => [
    `Create the "${template(input)}" JWT template in the Clerk dashboard and set ${upstreamUrlVariable(template(input))} to the URL of the API that receives it.`,
  ],
  view: (input) => ({
    ...authorizationView(input.values),
    header: header(input),
    jwtTemplate: template(input),
    upstreamVar: upstreamUrlVariable(template(input)),
  }),
};
