import { auth, clerkClient } from "@clerk/nextjs/server";
import { isClerkAPIResponseError } from "@clerk/nextjs/errors";
import { NextResponse } from "next/server";

// /api/update-user: reads and updates the signed-in user through Clerk's Backend API.
// Update body: {"firstName"?: string, "lastName"?: string}.
// Signed out: 401 (an API caller gets JSON, not a sign-in redirect). Bad body: 400.
// Answers only id, firstName and lastName, never the whole Backend User object.
// Clerk's Backend API rate limited: 503; failing: 502.

export async function GET() {
  const { userId } = await auth();

  if (!userId) {
    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  }

  let user;
  try {
    const client = await clerkClient();
    user = await client.users.getUser(userId);
  } catch (error) {
    return clerkApiFailure(error);
  }

  return NextResponse.json({
    id: user.id,
    firstName: user.firstName,
    lastName: user.lastName,
  });
}

/** @param {Request} request */
export async function PATCH(request) {
  const { userId } = await auth();

  if (!userId) {
    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  }

  const update = parseNameUpdate(await request.text());
  if (typeof update === "string") {
    return NextResponse.json({ error: update }, { status: 400 });
  }

  let user;
  try {
    const client = await clerkClient();
    user = await client.users.updateUser(userId, update);
  } catch (error) {
    return clerkApiFailure(error);
  }

  return NextResponse.json({
    id: user.id,
    firstName: user.firstName,
    lastName: user.lastName,
  });
}

// Returns the validated update, or the reason the body is not one (for a 400).
/** @param {string} text */
function parseNameUpdate(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return "The body must be valid JSON";
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return "The body must be a JSON object";
  }

  /** @type {{ firstName?: string; lastName?: string }} */
  const update = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== "firstName" && key !== "lastName") {
      return `Unknown field "${key}": send firstName and/or lastName`;
    }
    if (typeof value !== "string") {
      return `${key} must be a string`;
    }
    update[key] = value;
  }
  if (Object.keys(update).length === 0) {
    return "Send firstName and/or lastName";
  }
  return update;
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
