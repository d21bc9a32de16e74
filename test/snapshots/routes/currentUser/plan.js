import { auth, currentUser } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/current-user: returns chosen fields of the signed-in user.
// Signed out: 401 {"error":"Unauthorized"}. Signed in: 200 with the fields below.
// currentUser() calls Clerk's Backend API and counts towards its rate limit.
// Signed in but failing a check: 403 {"error":"Forbidden","missing":{…}}.
// - the "pro" plan

export async function GET() {
  const { isAuthenticated, has } = await auth();

  if (!isAuthenticated) {
    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  }

  const missing = {};
  if (!has({ plan: "pro" })) {
    missing.plan = "pro";
  }
  if (Object.keys(missing).length > 0) {
    return NextResponse.json({ error: "Forbidden", missing }, { status: 403 });
  }

  const user = await currentUser();
  if (!user) {
    return NextResponse.json({ error: "User not found" }, { status: 404 });
  }

  // Only these fields leave the server. Never return the whole user object:
  // it carries privateMetadata, which is for your server only.
  return NextResponse.json({
    id: user.id,
    email: user.primaryEmailAddress?.emailAddress ?? null,
    firstName: user.firstName,
    lastName: user.lastName,
  });
}
