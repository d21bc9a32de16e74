import { verifyWebhook, type WebhookEvent } from "@clerk/nextjs/webhooks";
import { NextResponse, type NextRequest } from "next/server";

// /api/webhooks/clerk: receives Clerk's user.created, user.updated and
// user.deleted webhooks.
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
    case "user.created": {
      const { id, first_name, last_name } = evt.data;
      const email = primaryEmail(evt.data);
      // Sync your database here: insert the user.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        hasEmail: email !== null,
        hasName: Boolean(first_name || last_name),
      });
      break;
    }
    case "user.updated": {
      const { id, first_name, last_name } = evt.data;
      const email = primaryEmail(evt.data);
      // Sync your database here: update the user.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        hasEmail: email !== null,
        hasName: Boolean(first_name || last_name),
      });
      break;
    }
    case "user.deleted": {
      // A deleted user carries only its ID (and external_id, if set).
      const { id } = evt.data;
      // Sync your database here: delete or anonymise the user.
      console.log(`Clerk webhook ${evt.type}: ${id}`);
      break;
    }
    default:
      // An event this endpoint is not subscribed to: acknowledge it anyway,
      // or Clerk keeps retrying it.
      break;
  }

  return NextResponse.json({ received: true });
}

// The user's primary email address, or null.
function primaryEmail(user: {
  email_addresses: { id: string; email_address: string }[];
  primary_email_address_id: string | null;
}) {
  const primary = user.email_addresses.find(
    (address) => address.id === user.primary_email_address_id,
  );
  return primary?.email_address ?? null;
}
