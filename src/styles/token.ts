import { valueOf, type StyleDeclaration, type StyleInput } from "./declaration.js";
import { AUTHORIZATION_FLAGS, CHECK_LOCALS, authorizationView, checkApis, whoMayCallIt } from "./authorization.js";
import { nameFlag } from "./flags.js";

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

export const token: StyleDeclaration = {
  name: "token",
  aliases: [],
  summary: "getToken({ template }) and a call to an external API with it",
  defaultRoute: "/api/external-data",
  methods: { default: ["GET"] },
  readsBody: true,
  flags: [jwtTemplate, ...AUTHORIZATION_FLAGS],
  questions: [
    whoMayCallIt,
    { kind: "text", flag: jwtTemplate, message: "Clerk JWT template", placeholder: "supabase" },
  ],
  globals: ["Object", "Record", "String", "Error", "process", "fetch", "console"],
  locals: [
    "auth",
    "has",
    "missing",
    ...CHECK_LOCALS,
    "isAuthenticated",
    "userId",
    "getToken",
    "token",
    "result",
    "body",
    "data",
    "response",
    "url",
    "error",
    "status",
    "JWT_TEMPLATE",
    "callExternalApi",
    "method",
    "tokenFailure",
    "isClerkAPIResponseError",
    "headers",
  ],
  middleware: "clerk",
  clerkApis: ({ values }) => ["asyncAuth", "isAuthenticated", "retryAfter", ...checkApis(values)],
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
    jwtTemplate: template(input),
    upstreamVar: upstreamUrlVariable(template(input)),
  }),
};
