import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/machine: for API keys (ak_…) only, sent as
// "Authorization: Bearer <token>".
// No token, or one Clerk does not know or this route does not accept: 401
// {"error":"Unauthorized"} with "WWW-Authenticate: Bearer". A session token is
// refused the same way.
// Otherwise: 200 with who is calling.
// clerkMiddleware() verifies machine tokens with Clerk's Backend API when
// proxy.ts (middleware.ts before Next.js 16) matches this route; auth() reads
// the result.

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
