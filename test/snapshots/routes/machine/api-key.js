import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/projects: for API keys (ak_…) only, sent as
// "Authorization: Bearer <token>".
// No token, or one Clerk does not know or this route does not accept: 401
// {"error":"Unauthorized"} with "WWW-Authenticate: Bearer". A session token is
// refused the same way.
// An API key without every scope in REQUIRED_SCOPES: 403
// {"error":"Forbidden","missing":{"scopes":[…]}}.
// Otherwise: 200 with who is calling.
// clerkMiddleware() verifies machine tokens with Clerk's Backend API when
// proxy.ts (middleware.ts before Next.js 16) matches this route; auth() reads
// the result.
const REQUIRED_SCOPES = ["read:projects"];

export async function GET() {
  const token = await auth({ acceptsToken: "api_key" });

  // Check isAuthenticated first: without an Authorization header, auth()
  // returns a signed-out session object, not a machine token.
  if (!token.isAuthenticated) {
    return NextResponse.json(
      { error: "Unauthorized" },
      { status: 401, headers: { "WWW-Authenticate": "Bearer" } },
    );
  }

  const missing = REQUIRED_SCOPES.filter(
    (scope) => !token.scopes.includes(scope),
  );
  if (missing.length > 0) {
    return NextResponse.json(
      { error: "Forbidden", missing: { scopes: missing } },
      { status: 403 },
    );
  }

  // An API key belongs to a user (userId) or to an organization (orgId).
  const caller = {
    tokenType: token.tokenType,
    subject: token.subject,
    scopes: token.scopes,
    userId: token.userId,
    orgId: token.orgId,
  };

  // Add your Route Handler logic here

  return NextResponse.json(caller);
}
