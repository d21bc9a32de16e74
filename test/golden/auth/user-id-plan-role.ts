import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/reports: signed-in users on the "pro" plan with the "org:admin" role.
// Signed out: 401 {"error":"Unauthorized"}.
// A check failing: 403 {"error":"Forbidden","missing":{…}} naming every
// failed check, e.g. {"plan":"pro"}. Otherwise: 200 with the user's ID.
// has() reads the session token: plans from its "pla" claim (a bare slug
// matches the user's plan or the active organization's), the role from its
// active organization (no active organization: the role check fails).

export async function GET() {
  const { isAuthenticated, userId, has } = await auth();

  if (!isAuthenticated) {
    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  }

  const missing: { plan?: string; role?: string } = {};
  if (!has({ plan: "pro" })) {
    missing.plan = "pro";
  }
  if (!has({ role: "org:admin" })) {
    missing.role = "org:admin";
  }
  if (Object.keys(missing).length > 0) {
    return NextResponse.json({ error: "Forbidden", missing }, { status: 403 });
  }

  // Add your Route Handler logic here

  return NextResponse.json({ userId });
}
