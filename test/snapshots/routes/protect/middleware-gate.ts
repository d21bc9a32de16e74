import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/protected: protected with auth.protect().
// Signed out: the handler never runs; Clerk answers 307, a redirect to the
// sign-in page (@clerk/nextjs 7 treats a Route Handler as a page request).
// Want JSON answers (401, 403) for API clients instead? Use the userId style.
// Today src/proxy.ts answers a signed-out caller first, so the answer above is
// never sent: the rule `isProtectedRoute(req)` protects this route too and
// answers in its stead (auth.protect(): an empty 404 to an API request, a
// redirect to sign-in for a page). "npx create-clerk-route migrate" moves that
// check into this route.

export async function GET() {
  const { userId } = await auth.protect();

  // Add your Route Handler logic here

  return NextResponse.json({ userId });
}
