import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/machine: for OAuth access tokens (oat_…) and signed-in users, sent as
// "Authorization: Bearer <token>".
// No token, or one Clerk does not know or this route does not accept: 401
// {"error":"Unauthorized"} with "WWW-Authenticate: Bearer".
// An OAuth token without every scope in REQUIRED_SCOPES: 403
// {"error":"Forbidden","missing":{"scopes":[…]}}. Scopes do not apply to
// signed-in users.
// A signed-in user without the "org:admin" role and the "pro" plan: 403
// {"error":"Forbidden","missing":{…}}. Roles and permissions are checked in the
// active organization.
// Otherwise: 200 with who is calling.
// clerkMiddleware() verifies machine tokens with Clerk's Backend API when
// proxy.ts (middleware.ts before Next.js 16) matches this route; auth() reads
// the result.
const REQUIRED_SCOPES = ["read:projects", "write:projects"];

export async function GET() {
  const token = await auth({ acceptsToken: ["oauth_token", "session_token"] });

  // Check isAuthenticated first, then narrow by tokenType.
  if (!token.isAuthenticated) {
    return NextResponse.json(
      { error: "Unauthorized" },
      { status: 401, headers: { "WWW-Authenticate": "Bearer" } },
    );
  }

  let caller;
  if (token.tokenType === "session_token") {
    // A signed-in user: scopes belong to machine tokens and are not checked
    // for users; the checks below are.
    const missing: Record<string, string> = {};
    if (!token.has({ role: "org:admin" })) {
      missing.role = "org:admin";
    }
    if (!token.has({ plan: "pro" })) {
      missing.plan = "pro";
    }
    if (Object.keys(missing).length > 0) {
      return NextResponse.json(
        { error: "Forbidden", missing },
        { status: 403 },
      );
    }

    caller = { tokenType: token.tokenType, userId: token.userId };
  } else {
    const missing = REQUIRED_SCOPES.filter(
      (scope) => !token.scopes.includes(scope),
    );
    if (missing.length > 0) {
      return NextResponse.json(
        { error: "Forbidden", missing: { scopes: missing } },
        { status: 403 },
      );
    }

    // Issued to an OAuth application (clientId) on behalf of a user.
    caller = {
      tokenType: token.tokenType,
      subject: token.subject,
      scopes: token.scopes,
      userId: token.userId,
      clientId: token.clientId,
    };
  }

  // Add your Route Handler logic here

  return NextResponse.json(caller);
}
