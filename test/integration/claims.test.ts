// The v2 session claims support/jwt.ts mints (pla, fea, o.rol, o.per, o.fpm), read by the same
// functions Clerk's SDK uses to build auth().has(): no server needed, so this runs in seconds.
import { createCheckAuthorization } from "@clerk/shared/authorization";
import { __experimental_JWTPayloadToAuthObjectProperties as toAuthProperties } from "@clerk/shared/jwtPayloadParser";
import { describe, expect, it } from "vitest";
import { authorizationClaims, type AuthorizationClaims } from "./support/jwt.js";

function hasFor(claims: AuthorizationClaims) {
  const payload = { sub: "user_it_1", sid: "sess_it_1", ...authorizationClaims(claims) } as unknown as Parameters<
    typeof toAuthProperties
  >[0];
  const properties = toAuthProperties(payload);
  return {
    properties,
    has: createCheckAuthorization({
      userId: properties.userId ?? null,
      orgId: properties.orgId ?? null,
      orgRole: properties.orgRole ?? null,
      orgPermissions: properties.orgPermissions ?? null,
      factorVerificationAge: null,
      features: (payload as { fea?: string }).fea ?? "",
      plans: (payload as { pla?: string }).pla ?? "",
    }),
  };
}

describe("authorizationClaims() as Clerk's SDK reads them", () => {
  it("encodes per/fpm so each org feature grants exactly its permissions", () => {
    const claims = authorizationClaims({
      features: ["u:reports"],
      org: {
        id: "org_1",
        slug: "acme",
        role: "admin",
        permissions: { projects: ["read", "write"], billing: ["read"] },
      },
    });
    expect(claims).toEqual({
      v: 2,
      fea: "u:reports,o:projects,o:billing",
      o: { id: "org_1", slg: "acme", rol: "admin", per: "read,write", fpm: "3,1" },
    });
    const { properties, has } = hasFor({
      features: ["u:reports"],
      org: {
        id: "org_1",
        slug: "acme",
        role: "admin",
        permissions: { projects: ["read", "write"], billing: ["read"] },
      },
    });
    expect(properties.orgRole).toBe("org:admin");
    expect(properties.orgPermissions).toEqual(["org:projects:read", "org:projects:write", "org:billing:read"]);
    expect(has({ permission: "org:projects:write" })).toBe(true);
    expect(has({ permission: "org:billing:write" })).toBe(false);
    expect(has({ role: "org:admin" })).toBe(true);
    expect(has({ feature: "reports" })).toBe(true);
    expect(has({ feature: "user:reports" })).toBe(true);
    expect(has({ feature: "org:reports" })).toBe(false);
    expect(has({ feature: "org:projects" })).toBe(true);
  });

  it("plans: a bare slug matches the user's or the organization's plan, a scoped one only its own", () => {
    const user = hasFor({ plans: ["u:pro"] }).has;
    expect(user({ plan: "pro" })).toBe(true);
    expect(user({ plan: "user:pro" })).toBe(true);
    expect(user({ plan: "org:pro" })).toBe(false);
    const org = hasFor({ plans: ["o:team"], org: { id: "org_1" } }).has;
    expect(org({ plan: "team" })).toBe(true);
    expect(org({ plan: "user:team" })).toBe(false);
  });

  it("without the claims every check fails; a role needs an active organization", () => {
    const { has } = hasFor({});
    expect(has({ plan: "pro" })).toBe(false);
    expect(has({ feature: "reports" })).toBe(false);
    expect(has({ role: "org:admin" })).toBe(false);
    expect(has({ permission: "org:projects:read" })).toBe(false);
  });
});
