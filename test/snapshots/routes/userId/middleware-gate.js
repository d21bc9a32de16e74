import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/user-id: signed-in users only.
// Signed out: 401 {"error":"Unauthorized"}. Signed in: 200 with the user's ID.
// Today src/proxy.ts answers a signed-out caller first, so the answer above is
// never sent: the rule `isProtectedRoute(req)` protects this route too and
// answers in its stead (auth.protect(): an empty 404 to an API request, a
// redirect to sign-in for a page). "npx create-clerk-route migrate" moves that
// check into this route.

export async function GET() {
  const { isAuthenticated, userId } = await auth();

  if (!isAuthenticated) {
    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  }

  // Add your Route Handler logic here

  return NextResponse.json({ userId });
}
