import { auth, currentUser } from "@clerk/nextjs/server";
import { isClerkAPIResponseError } from "@clerk/nextjs/errors";
import { NextResponse } from "next/server";

// /api/current-user: returns chosen fields of the signed-in user.
// Signed out: 401 {"error":"Unauthorized"}. Signed in: 200 with the fields below.
// currentUser() calls Clerk's Backend API and counts towards its rate limit:
// rate limited: 503; any other Clerk failure: 502.

export async function GET() {
  const { userId } = await auth();

  if (!userId) {
    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  }

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
    email: user.primaryEmailAddress?.emailAddress ?? null,
    firstName: user.firstName,
    lastName: user.lastName,
  });
}

// Clerk's Backend API failed: 429 becomes 503, anything else 502. An error
// that is not from Clerk's API is a bug: it is rethrown.
/** @param {unknown} error */
function clerkApiFailure(error) {
  if (!isClerkAPIResponseError(error)) {
    throw error;
  }
  if (error.status === 429) {
    return NextResponse.json(
      { error: "Clerk's Backend API is rate limited, try again later" },
      { status: 503 },
    );
  }
  return NextResponse.json(
    { error: "Clerk's Backend API failed", status: error.status ?? null },
    { status: 502 },
  );
}
