import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/teams/[teamId]: signed-in users only.
// Signed out: 401 {"error":"Unauthorized"}. Signed in: 200 with the user's ID.
// Signed in but failing a check: 403 {"error":"Forbidden","missing":{…}}.
// - the "org:admin" role
// Roles and permissions are checked in the active organization: none, 403.

export async function GET(
  _request: Request,
  { params }: { params: Promise<{ teamId: string }> },
) {
  const { userId, has } = await auth();

  if (!userId) {
    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  }

  const missing: Record<string, string> = {};
  if (!has({ role: "org:admin" })) {
    missing.role = "org:admin";
  }
  if (Object.keys(missing).length > 0) {
    return NextResponse.json({ error: "Forbidden", missing }, { status: 403 });
  }

  const { teamId } = await params;

  // Add your Route Handler logic here

  return NextResponse.json({ userId, teamId });
}
