import { verifyWebhook, type WebhookEvent } from "@clerk/nextjs/webhooks";
import { NextResponse, type NextRequest } from "next/server";

// /api/webhooks/clerk: receives Clerk's organization.created,
// organizationMembership.created and session.created webhooks.
// Public on purpose: Clerk calls it without a session, so a sign-in check
// (auth() here, or a rule in the proxy, middleware before Next.js 16) would
// turn every delivery away. verifyWebhook() protects it instead: it checks the
// svix-id, svix-timestamp and svix-signature headers against
// CLERK_WEBHOOK_SIGNING_SECRET (whsec_…) and refuses deliveries more than 5
// minutes old.
// Bad or missing signature: 400. Secret unset: 500. Verified: 200
// {"received":true}; any other status makes Clerk retry the delivery.

export async function POST(request: NextRequest) {
  if (!process.env.CLERK_WEBHOOK_SIGNING_SECRET) {
    return NextResponse.json(
      { error: "CLERK_WEBHOOK_SIGNING_SECRET is not set" },
      { status: 500 },
    );
  }

  let evt: WebhookEvent;
  try {
    evt = await verifyWebhook(request);
  } catch {
    return NextResponse.json(
      { error: "Invalid webhook signature" },
      { status: 400 },
    );
  }

  switch (evt.type) {
    case "organization.created": {
      const { id, name, slug, created_by } = evt.data;
      // Sync your database here: insert the organization.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        name,
        slug,
        createdBy: created_by ?? null,
      });
      break;
    }
    case "organizationMembership.created": {
      const { id, role, organization, public_user_data } = evt.data;
      // Sync your database here: add the user to the organization.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        organizationId: organization.id,
        userId: public_user_data.user_id,
        role,
      });
      break;
    }
    case "session.created": {
      const { id, user_id, client_id } = evt.data;
      // Sync your database here: record the sign-in.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        userId: user_id,
        clientId: client_id,
      });
      break;
    }
    default:
      // An event this endpoint is not subscribed to: acknowledge it anyway,
      // or Clerk keeps retrying it.
      break;
  }

  return NextResponse.json({ received: true });
}
