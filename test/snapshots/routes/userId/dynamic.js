import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/projects/[id]: signed-in users only.
// Signed out: 401 {"error":"Unauthorized"}. Signed in: 200 with the user's ID.

/**
 * @param {Request} _request
 * @param {{ params: Promise<{ id: string }> }} context
 */
export async function GET(_request, { params }) {
  const { isAuthenticated, userId } = await auth();

  if (!isAuthenticated) {
    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  }

  const { id } = await params;

  // Add your Route Handler logic here

  return NextResponse.json({ userId, id });
}

/**
 * @param {Request} _request
 * @param {{ params: Promise<{ id: string }> }} context
 */
export async function PATCH(_request, { params }) {
  const { isAuthenticated, userId } = await auth();

  if (!isAuthenticated) {
    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  }

  const { id } = await params;

  // Add your Route Handler logic here

  return NextResponse.json({ userId, id });
}
