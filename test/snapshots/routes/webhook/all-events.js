import { verifyWebhook } from "@clerk/nextjs/webhooks";
import { NextResponse } from "next/server";

// /api/webhooks/clerk: receives Clerk's user.created, user.updated,
// user.deleted, session.created, session.ended, session.removed,
// session.revoked, email.created, sms.created, organization.created,
// organization.updated, organization.deleted, organizationDomain.created,
// organizationDomain.updated, organizationDomain.deleted,
// organizationMembership.created, organizationMembership.updated,
// organizationMembership.deleted, organizationInvitation.created,
// organizationInvitation.revoked, organizationInvitation.accepted,
// role.created, role.updated, role.deleted, permission.created,
// permission.updated, permission.deleted, waitlistEntry.created,
// waitlistEntry.updated, paymentAttempt.created, paymentAttempt.updated,
// subscription.created, subscription.updated, subscription.active,
// subscription.pastDue, subscriptionItem.created, subscriptionItem.updated,
// subscriptionItem.active, subscriptionItem.canceled,
// subscriptionItem.upcoming, subscriptionItem.ended,
// subscriptionItem.abandoned, subscriptionItem.incomplete,
// subscriptionItem.pastDue and subscriptionItem.freeTrialEnding webhooks.
// Public on purpose: Clerk calls it without a session, so a sign-in check
// (auth() here, or a rule in the proxy, middleware before Next.js 16) would
// turn every delivery away. verifyWebhook() protects it instead: it checks the
// svix-id, svix-timestamp and svix-signature headers against
// CLERK_WEBHOOK_SIGNING_SECRET (whsec_…) and refuses deliveries more than 5
// minutes old.
// Bad or missing signature: 400. Secret unset: 500. Verified: 200
// {"received":true}; any other status makes Clerk retry the delivery.

/** @param {import("next/server").NextRequest} request */
export async function POST(request) {
  if (!process.env.CLERK_WEBHOOK_SIGNING_SECRET) {
    return NextResponse.json(
      { error: "CLERK_WEBHOOK_SIGNING_SECRET is not set" },
      { status: 500 },
    );
  }

  let evt;
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
    case "session.created": {
      const { id, user_id, client_id } = evt.data;
      // Sync your database here: record the sign-in.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        userId: user_id,
        clientId: client_id,
      });
      break;
    }
    case "session.ended": {
      const { id, user_id, client_id } = evt.data;
      // Sync your database here: record the sign-out.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        userId: user_id,
        clientId: client_id,
      });
      break;
    }
    case "session.removed": {
      const { id, user_id, client_id } = evt.data;
      // Sync your database here: record the removed session.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        userId: user_id,
        clientId: client_id,
      });
      break;
    }
    case "session.revoked": {
      const { id, user_id, client_id } = evt.data;
      // Sync your database here: record the revoked session.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        userId: user_id,
        clientId: client_id,
      });
      break;
    }
    case "email.created": {
      const { id, user_id, delivered_by_clerk } = evt.data;
      // Sync your database here: send the email yourself when delivered_by_clerk is false.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        userId: user_id ?? null,
        deliveredByClerk: delivered_by_clerk,
      });
      break;
    }
    case "sms.created": {
      const { id, user_id, delivered_by_clerk } = evt.data;
      // Sync your database here: send the SMS yourself when delivered_by_clerk is false.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        userId: user_id ?? null,
        deliveredByClerk: delivered_by_clerk,
      });
      break;
    }
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
    case "organization.updated": {
      const { id, name, slug, created_by } = evt.data;
      // Sync your database here: update the organization.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        name,
        slug,
        createdBy: created_by ?? null,
      });
      break;
    }
    case "organization.deleted": {
      // A deleted object carries only its ID.
      const { id } = evt.data;
      // Sync your database here: delete the organization.
      console.log(`Clerk webhook ${evt.type}: ${id}`);
      break;
    }
    case "organizationDomain.created": {
      const { id, name, organization_id } = evt.data;
      // Sync your database here: insert the domain.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        domain: name,
        organizationId: organization_id,
      });
      break;
    }
    case "organizationDomain.updated": {
      const { id, name, organization_id } = evt.data;
      // Sync your database here: update the domain.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        domain: name,
        organizationId: organization_id,
      });
      break;
    }
    case "organizationDomain.deleted": {
      // A deleted object carries only its ID.
      const { id } = evt.data;
      // Sync your database here: delete the domain.
      console.log(`Clerk webhook ${evt.type}: ${id}`);
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
    case "organizationMembership.updated": {
      const { id, role, organization, public_user_data } = evt.data;
      // Sync your database here: update the member's role.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        organizationId: organization.id,
        userId: public_user_data.user_id,
        role,
      });
      break;
    }
    case "organizationMembership.deleted": {
      const { id, role, organization, public_user_data } = evt.data;
      // Sync your database here: remove the user from the organization.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        organizationId: organization.id,
        userId: public_user_data.user_id,
        role,
      });
      break;
    }
    case "organizationInvitation.created": {
      const { id, organization_id, role, status } = evt.data;
      // Sync your database here: record the invitation.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        organizationId: organization_id,
        role,
        status: status ?? null,
      });
      break;
    }
    case "organizationInvitation.revoked": {
      const { id, organization_id, role, status } = evt.data;
      // Sync your database here: mark the invitation revoked.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        organizationId: organization_id,
        role,
        status: status ?? null,
      });
      break;
    }
    case "organizationInvitation.accepted": {
      const { id, organization_id, user_id, role } = evt.data;
      // Sync your database here: mark the invitation accepted.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        organizationId: organization_id,
        userId: user_id,
        role,
      });
      break;
    }
    case "role.created": {
      const { id, key } = evt.data;
      // Sync your database here: insert the role.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        key,
      });
      break;
    }
    case "role.updated": {
      const { id, key } = evt.data;
      // Sync your database here: update the role.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        key,
      });
      break;
    }
    case "role.deleted": {
      const { id, key } = evt.data;
      // Sync your database here: delete the role.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        key,
      });
      break;
    }
    case "permission.created": {
      const { id, key } = evt.data;
      // Sync your database here: insert the permission.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        key,
      });
      break;
    }
    case "permission.updated": {
      const { id, key } = evt.data;
      // Sync your database here: update the permission.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        key,
      });
      break;
    }
    case "permission.deleted": {
      const { id, key } = evt.data;
      // Sync your database here: delete the permission.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        key,
      });
      break;
    }
    case "waitlistEntry.created": {
      const { id, status } = evt.data;
      // Sync your database here: insert the waitlist entry.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
      });
      break;
    }
    case "waitlistEntry.updated": {
      const { id, status } = evt.data;
      // Sync your database here: update the waitlist entry.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
      });
      break;
    }
    case "paymentAttempt.created": {
      const { id, status, payment_id } = evt.data;
      // Sync your database here: record the payment attempt.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        paymentId: payment_id,
      });
      break;
    }
    case "paymentAttempt.updated": {
      const { id, status, payment_id } = evt.data;
      // Sync your database here: update the payment attempt.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        paymentId: payment_id,
      });
      break;
    }
    case "subscription.created": {
      const { id, status, payer_id } = evt.data;
      // Sync your database here: insert the subscription.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        payerId: payer_id,
      });
      break;
    }
    case "subscription.updated": {
      const { id, status, payer_id } = evt.data;
      // Sync your database here: update the subscription.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        payerId: payer_id,
      });
      break;
    }
    case "subscription.active": {
      const { id, status, payer_id } = evt.data;
      // Sync your database here: mark the subscription active.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        payerId: payer_id,
      });
      break;
    }
    case "subscription.pastDue": {
      const { id, status, payer_id } = evt.data;
      // Sync your database here: mark the subscription past due.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        payerId: payer_id,
      });
      break;
    }
    case "subscriptionItem.created": {
      const { id, status, plan_period } = evt.data;
      // Sync your database here: insert the subscription item.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        planPeriod: plan_period,
      });
      break;
    }
    case "subscriptionItem.updated": {
      const { id, status, plan_period } = evt.data;
      // Sync your database here: update the subscription item.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        planPeriod: plan_period,
      });
      break;
    }
    case "subscriptionItem.active": {
      const { id, status, plan_period } = evt.data;
      // Sync your database here: mark the subscription item active.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        planPeriod: plan_period,
      });
      break;
    }
    case "subscriptionItem.canceled": {
      const { id, status, plan_period } = evt.data;
      // Sync your database here: mark the subscription item canceled.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        planPeriod: plan_period,
      });
      break;
    }
    case "subscriptionItem.upcoming": {
      const { id, status, plan_period } = evt.data;
      // Sync your database here: mark the subscription item upcoming.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        planPeriod: plan_period,
      });
      break;
    }
    case "subscriptionItem.ended": {
      const { id, status, plan_period } = evt.data;
      // Sync your database here: mark the subscription item ended.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        planPeriod: plan_period,
      });
      break;
    }
    case "subscriptionItem.abandoned": {
      const { id, status, plan_period } = evt.data;
      // Sync your database here: mark the subscription item abandoned.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        planPeriod: plan_period,
      });
      break;
    }
    case "subscriptionItem.incomplete": {
      const { id, status, plan_period } = evt.data;
      // Sync your database here: mark the subscription item incomplete.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        planPeriod: plan_period,
      });
      break;
    }
    case "subscriptionItem.pastDue": {
      const { id, status, plan_period } = evt.data;
      // Sync your database here: mark the subscription item past due.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        planPeriod: plan_period,
      });
      break;
    }
    case "subscriptionItem.freeTrialEnding": {
      const { id, status, plan_period } = evt.data;
      // Sync your database here: warn the payer that the free trial ends.
      console.log(`Clerk webhook ${evt.type}: ${id}`, {
        status,
        planPeriod: plan_period,
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

// The user's primary email address, or null.
/**
 * @param {{
 *   email_addresses: { id: string; email_address: string }[];
 *   primary_email_address_id: string | null;
 * }} user
 */
function primaryEmail(user) {
  const primary = user.email_addresses.find(
    (address) => address.id === user.primary_email_address_id,
  );
  return primary?.email_address ?? null;
}
