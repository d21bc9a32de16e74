// Signs a webhook delivery the way Svix (Standard Webhooks) does, for Clerk's verifyWebhook():
// HMAC-SHA256, keyed with the base64-decoded part of the secret after "whsec_", over
// "<svix-id>.<svix-timestamp>.<raw body>", sent as "svix-signature: v1,<base64 digest>".
import { createHmac, randomBytes } from "node:crypto";

/** A fresh signing secret in Clerk's format: "whsec_" + base64 of 24 random bytes. */
export function webhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

export interface WebhookDelivery {
  secret: string;
  /** The exact bytes to send as the body. */
  body: string;
  /** svix-id; a fresh msg_… id by default. */
  id?: string;
  /** svix-timestamp in Unix seconds; now by default. */
  timestamp?: number;
}

export function signature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const digest = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return `v1,${digest}`;
}

/** The three headers Clerk sends with a delivery. */
export function signWebhook(delivery: WebhookDelivery): Record<string, string> {
  const id = delivery.id ?? `msg_${randomBytes(12).toString("hex")}`;
  const timestamp = delivery.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    "svix-id": id,
    "svix-timestamp": String(timestamp),
    "svix-signature": signature(delivery.secret, id, timestamp, delivery.body),
  };
}

/** A Clerk webhook event envelope, as verifyWebhook() returns it. */
export function webhookEvent(type: string, data: Record<string, unknown>): Record<string, unknown> {
  return {
    type,
    object: "event",
    data,
    event_attributes: { http_request: { client_ip: "127.0.0.1", user_agent: "Svix-Webhooks/1.0" } },
    timestamp: Date.now(),
    instance_id: "ins_it_test",
  };
}
