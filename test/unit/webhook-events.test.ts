import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { expect, it } from "vitest";
import { WEBHOOK_EVENTS } from "../../src/styles/webhook.js";

// --events is validated against a list in src/styles/webhook.ts; it must name exactly the event
// types of the installed @clerk/backend's WebhookEvent union (read from its type declarations).

it("the webhook style knows exactly @clerk/backend's WebhookEvent types", () => {
  const require = createRequire(import.meta.url);
  const backend = path.dirname(
    require.resolve("@clerk/backend/package.json", { paths: [require.resolve("@clerk/nextjs")] }),
  );
  const declarations = readFileSync(path.join(backend, "dist", "api", "resources", "Webhooks.d.ts"), "utf8");
  const union = /export type WebhookEvent = ([^;]+);/.exec(declarations)?.[1] ?? "";
  const members = union.split("|").map((name) => name.trim());
  expect(members.length).toBeGreaterThan(10);
  const types = members.flatMap((member) => {
    const body = new RegExp(`export type ${member} = ([^;]+);`).exec(declarations)?.[1] ?? "";
    return [...body.matchAll(/Webhook<([^,]+),/g)].flatMap((m) => [...m[1]!.matchAll(/'([^']+)'/g)].map((t) => t[1]!));
  });
  expect([...WEBHOOK_EVENTS.keys()].sort()).toEqual([...new Set(types)].sort());
});
