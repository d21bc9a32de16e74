import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/machine: for signed-in users, sent as "Authorization: Bearer <token>".
// No token, or one Clerk does not know or this route does not accept: 401
// {"error":"Unauthorized"} with "WWW-Authenticate: Bearer".
// A signed-in user without the "org:projects:read" permission: 403
// {"error":"Forbidden","missing":{…}}. Roles and permissions are checked in the
// active organization.
// Otherwise: 200 with who is calling.

export async function GET() {
  const token = await auth({ acceptsToken: "session_token" });

  // Check isAuthenticated first, then narrow by tokenType.
  if (!token.isAuthenticated) {
    return NextResponse.json(
      { error: "Unauthorized" },
      { status: 401, headers: { "WWW-Authenticate": "Bearer" } },
    );
  }

  // A signed-in user: scopes belong to machine tokens and are not checked
  // for users; the checks below are.
  const missing: Record<string, string> = {};
  if (!token.has({ permission: "org:projects:read" })) {
    missing.permission = "org:projects:read";
  }
  if (Object.keys(missing).length > 0) {
    return NextResponse.json({ error: "Forbidden", missing }, { status: 403 });
  }

  const caller = { tokenType: token.tokenType, userId: token.userId };

  // Add your Route Handler logic here

  return NextResponse.json(caller);
}
