import { auth, currentUser } from "@clerk/nextjs/server";
import { isClerkAPIResponseError } from "@clerk/nextjs/errors";
import { NextResponse } from "next/server";

// /api/teams/[team]/[[...rest]]: returns chosen fields of the signed-in user.
// Signed out: 401 {"error":"Unauthorized"}. Signed in: 200 with the fields below.
// currentUser() calls Clerk's Backend API and counts towards its rate limit:
// rate limited: 503 with Clerk's Retry-After; any other Clerk failure: 502.

/**
 * @param {Request} _request
 * @param {{ params: Promise<{ team: string; rest?: string[] }> }} context
 */
export async function GET(_request, { params }) {
  const { isAuthenticated } = await auth();

  if (!isAuthenticated) {
    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  }

  const { team, rest } = await params;

  let user;
  try {
    user = await currentUser();
  } catch (error) {
    return clerkApiFailure(error);
  }
  if (!user) {
    return NextResponse.json({ error: "User not found" }, { status: 404 });
  }

  // Only these fields leave the server. Never return the whole user object:
  // it carries privateMetadata, which is for your server only.
  return NextResponse.json({
    id: user.id,
    fullName: user.fullName,
    username: user.username,
    imageUrl: user.imageUrl,
    publicMetadata: user.publicMetadata,
    params: { team, rest },
  });
}

// Clerk's Backend API failed: 429 becomes 503 with its Retry-After, anything
// else 502. An error that is not from Clerk's API is a bug: it is rethrown.
/** @param {unknown} error */
function clerkApiFailure(error) {
  if (!isClerkAPIResponseError(error)) {
    throw error;
  }
  if (error.status === 429) {
    return NextResponse.json(
      { error: "Clerk's Backend API is rate limited, try again later" },
      {
        status: 503,
        headers:
          error.retryAfter === undefined
            ? undefined
            : { "Retry-After": String(error.retryAfter) },
      },
    );
  }
  return NextResponse.json(
    { error: "Clerk's Backend API failed", status: error.status ?? null },
    { status: 502 },
  );
}
