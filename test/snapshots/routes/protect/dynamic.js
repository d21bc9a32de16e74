import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";

// /api/projects/[id]: protected with auth.protect().
// Signed out: the handler never runs; Clerk answers 307, a redirect to the
// sign-in page (@clerk/nextjs 7 treats a Route Handler as a page request).
// Want JSON answers (401, 403) for API clients instead? Use the userId style.

/**
 * @param {Request} _request
 * @param {{ params: Promise<{ id: string }> }} context
 */
export async function GET(_request, { params }) {
  const { userId } = await auth.protect();

  const { id } = await params;

  // Add your Route Handler logic here

  return NextResponse.json({ userId, id });
}

/**
 * @param {Request} _request
 * @param {{ params: Promise<{ id: string }> }} context
 */
export async function PATCH(_request, { params }) {
  const { userId } = await auth.protect();

  const { id } = await params;

  // Add your Route Handler logic here

  return NextResponse.json({ userId, id });
}
