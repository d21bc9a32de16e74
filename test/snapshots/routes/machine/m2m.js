import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/internal/sync: for M2M tokens (mt_…) only, sent as
// "Authorization: Bearer <token>".
// No token, or one Clerk does not know or this route does not accept: 401
// {"error":"Unauthorized"} with "WWW-Authenticate: Bearer". A session token is
// refused the same way.
// Otherwise: 200 with who is calling.
// clerkMiddleware() verifies machine tokens with Clerk's Backend API when
// proxy.ts (middleware.ts before Next.js 16) matches this route; auth() reads
// the result.

export async function POST() {
  const token = await auth({ acceptsToken: "m2m_token" });

  // Check isAuthenticated first: without an Authorization header, auth()
  // returns a signed-out session object, not a machine token.
  if (!token.isAuthenticated) {
    return NextResponse.json(
      { error: "Unauthorized" },
      { status: 401, headers: { "WWW-Authenticate": "Bearer" } },
    );
  }

  const caller = {
    tokenType: token.tokenType,
    subject: token.subject,
    scopes: token.scopes,
    machineId: token.machineId,
  };

  // Add your Route Handler logic here

  return NextResponse.json(caller);
}
