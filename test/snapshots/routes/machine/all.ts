import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/projects: for API keys (ak_…), M2M tokens (mt_…), OAuth access tokens
// (oat_…) and signed-in users, sent as "Authorization: Bearer <token>".
// No token, or one Clerk does not know or this route does not accept: 401
// {"error":"Unauthorized"} with "WWW-Authenticate: Bearer".
// An API key or an OAuth token without every scope in REQUIRED_SCOPES: 403
// {"error":"Forbidden","missing":{"scopes":[…]}}. An M2M token's scopes are the
// machines it may call, not permissions: they are not checked. Scopes do not
// apply to signed-in users.
// Otherwise: 200 with who is calling.
// clerkMiddleware() verifies machine tokens with Clerk's Backend API when
// proxy.ts (middleware.ts before Next.js 16) matches this route; auth() reads
// the result.
const REQUIRED_SCOPES = ["read:projects"];

export async function GET() {
  const token = await auth({
    acceptsToken: ["api_key", "m2m_token", "oauth_token", "session_token"],
  });

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
    // here. Use has({ permission }) for users if this route needs one.
    caller = { tokenType: token.tokenType, userId: token.userId };
  } else {
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
      case "oauth_token":
        // Issued to an OAuth application (clientId) on behalf of a user.
        caller = {
          tokenType,
          subject,
          scopes,
          userId: token.userId,
          clientId: token.clientId,
        };
        break;
    }
  }

  // Add your Route Handler logic here

  return NextResponse.json(caller);
}

export async function POST() {
  const token = await auth({
    acceptsToken: ["api_key", "m2m_token", "oauth_token", "session_token"],
  });

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
    // here. Use has({ permission }) for users if this route needs one.
    caller = { tokenType: token.tokenType, userId: token.userId };
  } else {
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
      case "oauth_token":
        // Issued to an OAuth application (clientId) on behalf of a user.
        caller = {
          tokenType,
          subject,
          scopes,
          userId: token.userId,
          clientId: token.clientId,
        };
        break;
    }
  }

  // Add your Route Handler logic here

  return NextResponse.json(caller);
}
