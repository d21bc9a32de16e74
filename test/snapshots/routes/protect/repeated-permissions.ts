import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/protected: protected with auth.protect().
// Signed out: the handler never runs; Clerk answers 307, a redirect to the
// sign-in page (@clerk/nextjs 7 treats a Route Handler as a page request).
// Signed in without the "org:invoices:read" permission: 404 Not Found, with an empty body.
// Signed in without the "org:invoices:delete" permission: 404 Not Found, with an empty body.
// Roles and permissions are checked in the active organization: none, 404.
// Want JSON answers (401, 403) for API clients instead? Use the userId style.

export async function GET() {
  const { userId } = await auth.protect(
    (has) =>
      has({ permission: "org:invoices:read" }) &&
      has({ permission: "org:invoices:delete" }),
  );

  // Add your Route Handler logic here

  return NextResponse.json({ userId });
}
