import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/machine: for API keys (ak_…) and M2M tokens (mt_…), sent as
// "Authorization: Bearer <token>".
// No token, or one Clerk does not know or this route does not accept: 401
// {"error":"Unauthorized"} with "WWW-Authenticate: Bearer". A session token is
// refused the same way.
// An API key without every scope in REQUIRED_SCOPES: 403
// {"error":"Forbidden","missing":{"scopes":[…]}}. An M2M token's scopes are the
// machines it may call, not permissions: they are not checked.
// Otherwise: 200 with who is calling.
// clerkMiddleware() verifies machine tokens with Clerk's Backend API when
// proxy.ts (middleware.ts before Next.js 16) matches this route; auth() reads
// the result.
const REQUIRED_SCOPES = ["read:projects"];

export async function GET() {
  const token = await auth({ acceptsToken: ["api_key", "m2m_token"] });

  // Check isAuthenticated first: without an Authorization header, auth()
  // returns a signed-out session object, not a machine token.
  if (!token.isAuthenticated) {
    return NextResponse.json(
      { error: "Unauthorized" },
      { status: 401, headers: { "WWW-Authenticate": "Bearer" } },
    );
  }

  // An M2M token's scopes are the IDs of the machines it may call (mch_…),
  // not permissions, so REQUIRED_SCOPES applies to API keys and OAuth tokens.
  if (token.tokenType !== "m2m_token") {
    const missing = REQUIRED_SCOPES.filter(
      (scope) => !token.scopes.includes(scope),
    );
    if (missing.length > 0) {
      return NextResponse.json(
        { error: "Forbidden", missing: { scopes: missing } },
        { status: 403 },
      );
    }
  }

  const { tokenType, subject, scopes } = token;
  let caller;
  switch (token.tokenType) {
    case "api_key":
      // Belongs to a user (userId) or to an organization (orgId).
      caller = {
        tokenType,
        subject,
        scopes,
        userId: token.userId,
        orgId: token.orgId,
      };
      break;
    case "m2m_token":
      caller = { tokenType, subject, scopes, machineId: token.machineId };
      break;
  }

  // Add your Route Handler logic here

  return NextResponse.json(caller);
}
