import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/user-id: signed-in users only.
// Signed out: 401 {"error":"Unauthorized"}. Signed in: 200 with the user's ID.
// Signed in but failing a check: 403 {"error":"Forbidden","missing":{…}}.
// - the "org:invoices:read" permission
// - the "org:invoices:delete" permission
// - the "pro" plan
// - the "export" feature
// - the "org:seats" feature
// Roles and permissions are checked in the active organization: none, 403.

export async function GET() {
  const { isAuthenticated, userId, has } = await auth();

  if (!isAuthenticated) {
    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  }

  const missing: Record<string, string | string[]> = {};
  const missingPermissions: string[] = [];
  if (!has({ permission: "org:invoices:read" })) {
    missingPermissions.push("org:invoices:read");
  }
  if (!has({ permission: "org:invoices:delete" })) {
    missingPermissions.push("org:invoices:delete");
  }
  if (missingPermissions.length > 0) {
    missing.permission = missingPermissions;
  }
  if (!has({ plan: "pro" })) {
    missing.plan = "pro";
  }
  const missingFeatures: string[] = [];
  if (!has({ feature: "export" })) {
    missingFeatures.push("export");
  }
  if (!has({ feature: "org:seats" })) {
    missingFeatures.push("org:seats");
  }
  if (missingFeatures.length > 0) {
    missing.feature = missingFeatures;
  }
  if (Object.keys(missing).length > 0) {
    return NextResponse.json({ error: "Forbidden", missing }, { status: 403 });
  }

  // Add your Route Handler logic here

  return NextResponse.json({ userId });
}
