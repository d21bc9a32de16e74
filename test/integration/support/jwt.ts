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
