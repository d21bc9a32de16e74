import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/machine: for API keys (ak_…) and signed-in users, sent as
// "Authorization: Bearer <token>".
// No token, or one Clerk does not know or this route does not accept: 401
// {"error":"Unauthorized"} with "WWW-Authenticate: Bearer".
// A signed-in user without the "org:admin" role, the "org:projects:read"
// permission and the "org:projects:write" permission: 403
// {"error":"Forbidden","missing":{…}}. Roles and permissions are checked in the
// active organization.
// Otherwise: 200 with who is calling.
// clerkMiddleware() verifies machine tokens with Clerk's Backend API when
// proxy.ts (middleware.ts before Next.js 16) matches this route; auth() reads
// the result.

export async function GET() {
  const token = await auth({ acceptsToken: ["api_key", "session_token"] });

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
    /** @type {Record<string, string | string[]>} */
    const missing = {};
    if (!token.has({ role: "org:admin" })) {
      missing.role = "org:admin";
    }
    /** @type {string[]} */
    const missingPermissions = [];
    if (!token.has({ permission: "org:projects:read" })) {
      missingPermissions.push("org:projects:read");
    }
    if (!token.has({ permission: "org:projects:write" })) {
      missingPermissions.push("org:projects:write");
    }
    if (missingPermissions.length > 0) {
      missing.permission = missingPermissions;
    }
    if (Object.keys(missing).length > 0) {
      return NextResponse.json(
        { error: "Forbidden", missing },
        { status: 403 },
      );
    }

    caller = { tokenType: token.tokenType, userId: token.userId };
  } else {
    // An API key belongs to a user (userId) or to an organization (orgId).
    caller = {
      tokenType: token.tokenType,
      subject: token.subject,
      scopes: token.scopes,
      userId: token.userId,
      orgId: token.orgId,
    };
  }

  // Add your Route Handler logic here

  return NextResponse.json(caller);
}
