// An RSA key pair standing in for a Clerk instance's signing key: its public half is served as
// the JWKS, its private half signs session tokens (what the browser would send) and JWT template
// tokens (what Clerk's Backend API would mint).
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from "jose";

export interface SessionClaims {
  /** User id (sub). */
  userId: string;
  /** Session id (sid). */
  sessionId: string;
  /** Seconds from now until exp; negative for an expired token. */
  expiresIn?: number;
  /** Authorized party, the origin of the app. */
  azp?: string;
  /** Any other claims (org claims, v2 claims, …). */
  extra?: JWTPayload;
}

export interface Signer {
  kid: string;
  /** The public key as Clerk's /v1/jwks answers it. */
  publicJwk: JWK;
  sessionToken(claims: SessionClaims): Promise<string>;
  sign(payload: JWTPayload, expiresInSeconds?: number): Promise<string>;
}

export async function createSigner(kid = "ins_it_test_key_1"): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = await exportJWK(publicKey);
  const publicJwk: JWK = { ...jwk, kid, alg: "RS256", use: "sig" };

  async function signWith(key: CryptoKey, payload: JWTPayload, expiresIn: number): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(payload)
      .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
      .setIssuedAt(now - 5)
      .setNotBefore(now - 5)
      .setExpirationTime(now + expiresIn)
      .sign(key);
  }

  return {
    kid,
    publicJwk,
    sessionToken: (claims) =>
      signWith(
        privateKey,
        {
          iss: "https://it-test-00.clerk.accounts.dev",
          sub: claims.userId,
          sid: claims.sessionId,
          ...(claims.azp ? { azp: claims.azp } : {}),
          ...claims.extra,
        },
        claims.expiresIn ?? 120,
      ),
    sign: (payload, expiresIn = 120) => signWith(privateKey, payload, expiresIn),
  };
}

/** What a v2 session token says about the user's billing and active organization. */
export interface AuthorizationClaims {
  /** Plans, e.g. ["u:pro", "o:team"] (u: the user's, o: the active organization's). */
  plans?: string[];
  /** Features, e.g. ["u:reports", "o:projects"]. */
  features?: string[];
  /** The active organization; without it, role and permission checks fail. */
  org?: {
    id: string;
    slug?: string;
    /** Role key without "org:", e.g. "admin" (has({ role: "org:admin" }) matches it). */
    role?: string;
    /**
     * Custom permissions per organization feature, e.g. { projects: ["read", "write"] } for
     * org:projects:read and org:projects:write. Each feature must also be in `features` as
     * "o:<feature>": Clerk's SDK only grants a permission for an org feature the token lists.
     */
    permissions?: Record<string, string[]>;
  };
}

/**
 * The claims as @clerk/shared's JWT payload parser reads them (jwtPayloadParser.mjs): `v: 2`,
 * `pla` and `fea` as comma-separated "scope:slug" lists, and `o: { id, slg, rol, per, fpm }` where
 * `per` is the comma-separated list of permission names and `fpm` holds, for each "o:" feature in
 * `fea` (same order), a decimal bit mask over `per`: bit i (least significant first) set means
 * `org:<feature>:<per[i]>`.
 */
export function authorizationClaims(claims: AuthorizationClaims): JWTPayload {
  const payload: JWTPayload = { v: 2 };
  const features = [...(claims.features ?? [])];
  if (claims.plans?.length) payload.pla = claims.plans.join(",");
  const org = claims.org;
  if (org) {
    const o: Record<string, string> = { id: org.id };
    if (org.slug) o.slg = org.slug;
    if (org.role) o.rol = org.role;
    const permissions = org.permissions ?? {};
    const names = [...new Set(Object.values(permissions).flat())];
    if (names.length > 0) {
      for (const feature of Object.keys(permissions)) {
        if (!features.includes(`o:${feature}`)) features.push(`o:${feature}`);
      }
      const orgFeatures = features.filter((entry) => entry.startsWith("o:")).map((entry) => entry.slice(2));
      const masks = orgFeatures.map((feature) => {
        let mask = 0n;
        for (const permission of permissions[feature] ?? []) mask |= 1n << BigInt(names.indexOf(permission));
        return mask.toString(10);
      });
      o.per = names.join(",");
      o.fpm = masks.join(",");
    }
    payload.o = o;
  }
  if (features.length > 0) payload.fea = features.join(",");
  return payload;
}
