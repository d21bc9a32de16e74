import { auth } from "@clerk/nextjs/server";
import { isClerkAPIResponseError } from "@clerk/nextjs/errors";
import { NextResponse } from "next/server";

// /api/external-data: calls an external API as the signed-in user. Clerk mints
// a token from the "supabase" JWT template; the API at
// JWT_TEMPLATE_SUPABASE_API_URL receives it as "Authorization: Bearer <token>".
// Signed out: 401. JWT_TEMPLATE_SUPABASE_API_URL unset: 500. External API
// unreachable, failing or not JSON: 502
// {"error":"The external API failed","status":…} with its status (or null); the
// reason is logged on the server only, as it can hold the URL and the URL a
// password.
// Clerk cannot mint the token (no such template, Backend API failing): 502
// naming the template; Backend API rate limited: 503.
// Signed in but failing a check: 403 {"error":"Forbidden","missing":{…}}.
// - the "org:sync:read" permission
// Roles and permissions are checked in the active organization: none, 403.
const JWT_TEMPLATE = "supabase";

export async function GET() {
  const { userId, getToken, has } = await auth();

  if (!userId) {
    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  }

  const missing: Record<string, string> = {};
  if (!has({ permission: "org:sync:read" })) {
    missing.permission = "org:sync:read";
  }
  if (Object.keys(missing).length > 0) {
    return NextResponse.json({ error: "Forbidden", missing }, { status: 403 });
  }

  let token;
  try {
    token = await getToken({ template: JWT_TEMPLATE });
  } catch (error) {
    return tokenFailure(error);
  }
  if (!token) {
    return NextResponse.json(
      { error: `No token from the "${JWT_TEMPLATE}" JWT template` },
      { status: 401 },
    );
  }

  const result = await callExternalApi(token, "GET");
  if (!result.ok) {
    return result.error;
  }

  return NextResponse.json({ data: result.data });
}

// Calls the API at JWT_TEMPLATE_SUPABASE_API_URL with the Clerk token
// and reads its JSON answer.
async function callExternalApi(token: string, method: string, body?: string) {
  const url = process.env.JWT_TEMPLATE_SUPABASE_API_URL;
  if (!url) {
    return {
      ok: false as const,
      error: NextResponse.json(
        { error: "JWT_TEMPLATE_SUPABASE_API_URL is not set" },
        { status: 500 },
      ),
    };
  }

  let status: number | null = null;
  try {
    const response = await fetch(url, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body,
      cache: "no-store",
    });
    status = response.status;
    if (!response.ok) {
      throw new Error(`The external API answered ${response.status}`);
    }
    const data: unknown = await response.json();
    return { ok: true as const, data };
  } catch (error) {
    // Logged here, never answered: fetch's message can hold the URL, and the
    // URL a password. The caller gets a fixed message and the status.
    console.error("The external API failed:", error);
    return {
      ok: false as const,
      error: NextResponse.json(
        { error: "The external API failed", status },
        { status: 502 },
      ),
    };
  }
}

// getToken() failed: Clerk's Backend API answered 404 for a JWT template that
// does not exist, or failed. 429 becomes 503, anything else 502. An error
// that is not from Clerk's API is a bug: it is rethrown.
function tokenFailure(error: unknown) {
  if (!isClerkAPIResponseError(error)) {
    throw error;
  }
  if (error.status === 429) {
    return NextResponse.json(
      { error: "Clerk's Backend API is rate limited, try again later" },
      { status: 503 },
    );
  }
  return NextResponse.json(
    {
      error: `Clerk could not mint a token from the "${JWT_TEMPLATE}" JWT template`,
      template: JWT_TEMPLATE,
      status: error.status ?? null,
    },
    { status: 502 },
  );
}
