import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/user-id: signed-in users only.
// Signed out: 401 {"error":"Unauthorized"}. Signed in: 200 with the user's ID.

export async function GET() {
  const { isAuthenticated, userId } = await auth();

  if (!isAuthenticated) {
    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  }

  // Add your Route Handler logic here

  return NextResponse.json({ userId });
}
