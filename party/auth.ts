/**
 * Authentication (docs/PROTOCOL.md A1–A6). Bearer JWTs are verified with jose,
 * algorithms pinned: HS256 with a shared secret (local development and
 * self-hosting) or a JWKS endpoint with issuer and audience (production).
 * The verified `sub` is the user id; it alone names the user's room (G4).
 */
import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { fail, ok, type Result } from "../shared/errors.ts";

export const UserIdSchema = z.string().regex(/^[A-Za-z0-9_.@|:-]{1,128}$/, "user ids are 1–128 of A-Z a-z 0-9 _ . @ | : -");

/** Development tokens live this long (seconds). */
export const DEV_TOKEN_TTL_S = 12 * 60 * 60;

export type AuthEnv = {
  ENVIRONMENT?: string;
  AUTH_SECRET?: string;
  AUTH_ISSUER?: string;
  AUTH_AUDIENCE?: string;
  AUTH_JWKS_URL?: string;
};

export type AuthConfig = {
  issuer: string;
  audience: string;
  verify: { kind: "secret"; key: Uint8Array } | { kind: "jwks"; keys: JWTVerifyGetKey };
};

const HS_ALGORITHMS = ["HS256"];
const JWKS_ALGORITHMS = ["RS256", "ES256", "EdDSA"];

const jwksCache = new Map<string, JWTVerifyGetKey>();

export const isDevelopment = (env: AuthEnv) => env.ENVIRONMENT === "development";

/** Reads the auth settings; a missing or weak setting is a configuration error, reported once per request. */
export function authConfig(env: AuthEnv): Result<AuthConfig> {
  const issuer = env.AUTH_ISSUER || "micro-cos";
  const audience = env.AUTH_AUDIENCE || "micro-cos";
  if (env.AUTH_JWKS_URL) {
    let keys = jwksCache.get(env.AUTH_JWKS_URL);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(env.AUTH_JWKS_URL));
      jwksCache.set(env.AUTH_JWKS_URL, keys);
    }
    return ok({ issuer, audience, verify: { kind: "jwks", keys } });
  }
  if (env.AUTH_SECRET && env.AUTH_SECRET.length >= 32) {
    return ok({ issuer, audience, verify: { kind: "secret", key: new TextEncoder().encode(env.AUTH_SECRET) } });
  }
  return fail("internal", "authentication is not configured: set AUTH_JWKS_URL, or AUTH_SECRET (32+ characters)");
}

/** Verifies `Authorization: Bearer <jwt>` and returns the user id. */
export async function authenticate(header: string | null, config: AuthConfig): Promise<Result<{ userId: string }>> {
  const match = header?.match(/^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/);
  if (!match) return fail("unauthorized", "missing or malformed Authorization: Bearer token");
  try {
    const options = { issuer: config.issuer, audience: config.audience, clockTolerance: 30 };
    const { payload } =
      config.verify.kind === "secret"
        ? await jwtVerify(match[1]!, config.verify.key, { ...options, algorithms: HS_ALGORITHMS })
        : await jwtVerify(match[1]!, config.verify.keys, { ...options, algorithms: JWKS_ALGORITHMS });
    const userId = UserIdSchema.safeParse(payload.sub);
    if (!userId.success) return fail("unauthorized", "token subject is not a valid user id");
    return ok({ userId: userId.data });
  } catch (error) {
    if (error instanceof errors.JWTExpired) return fail("unauthorized", "token expired");
    if (error instanceof errors.JOSEError) return fail("unauthorized", "token rejected");
    throw error;
  }
}

/** Issues a development token. Only reachable when ENVIRONMENT is "development" (A5). */
export async function signDevToken(userId: string, config: AuthConfig, now = Date.now()): Promise<string> {
  if (config.verify.kind !== "secret") throw new Error("dev login needs AUTH_SECRET; it is not available with JWKS");
  const iat = Math.floor(now / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + DEV_TOKEN_TTL_S)
    .sign(config.verify.key);
}
