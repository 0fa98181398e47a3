/**
 * Authentication (docs/PROTOCOL.md A1–A10). Bearer JWTs are verified with jose,
 * algorithms pinned: HS256 with a shared secret (local development and
 * self-hosting) or a JWKS endpoint with issuer and audience (production).
 * `exp`, `iat` and `sub` are required and a token lives at most
 * AUTH_MAX_TOKEN_AGE_S (A9). The verified `sub` is the user id; it alone
 * names the user's room (G4). Socket tickets are signed with a key derived
 * from TICKET_SECRET, or from AUTH_SECRET when that is not set (A7).
 */
import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { fail, ok, type Result } from "../shared/errors.ts";

export const UserIdSchema = z.string().regex(/^[A-Za-z0-9_.@|:-]{1,128}$/, "user ids are 1–128 of A-Z a-z 0-9 _ . @ | : -");

/** Development tokens live this long (seconds), or the maximum token age if that is shorter. */
export const DEV_TOKEN_TTL_S = 12 * 60 * 60;
/** Oldest token accepted by default, counted from its `iat` (seconds) (A9). */
export const DEFAULT_MAX_TOKEN_AGE_S = 24 * 60 * 60;
/** Clock difference tolerated on `exp`, `nbf` and `iat` (seconds). */
const CLOCK_TOLERANCE_S = 30;
/** Shortest server secret accepted (characters). */
const MIN_SECRET_CHARS = 32;

const MaxTokenAgeSchema = z.coerce.number().int().min(60).max(30 * 24 * 60 * 60);

export type AuthEnv = {
  ENVIRONMENT?: string;
  AUTH_SECRET?: string;
  AUTH_ISSUER?: string;
  AUTH_AUDIENCE?: string;
  AUTH_JWKS_URL?: string;
  /** Signs socket tickets (A7); required with AUTH_JWKS_URL, optional beside AUTH_SECRET. */
  TICKET_SECRET?: string;
  /** Oldest token accepted, in seconds from its `iat` (A9); 60 s to 30 days, default 24 h. */
  AUTH_MAX_TOKEN_AGE_S?: string;
};

export type AuthConfig = {
  issuer: string;
  audience: string;
  verify: { kind: "secret"; key: Uint8Array } | { kind: "jwks"; keys: JWTVerifyGetKey };
  /** The secret socket tickets' key is derived from (party/core/tickets.ts). */
  ticketSecret: string;
  /** A token older than this (from `iat`), or issued to live longer, is refused (seconds). */
  maxTokenAgeS: number;
};

const HS_ALGORITHMS = ["HS256"];
const JWKS_ALGORITHMS = ["RS256", "ES256", "EdDSA"];

const jwksCache = new Map<string, JWTVerifyGetKey>();

export const isDevelopment = (env: AuthEnv) => env.ENVIRONMENT === "development";

/** Reads the auth settings; a missing or weak setting is a configuration error, reported once per request. */
export function authConfig(env: AuthEnv): Result<AuthConfig> {
  const issuer = env.AUTH_ISSUER || "micro-cos";
  const audience = env.AUTH_AUDIENCE || "micro-cos";
  const maxAge = MaxTokenAgeSchema.safeParse(env.AUTH_MAX_TOKEN_AGE_S || DEFAULT_MAX_TOKEN_AGE_S);
  if (!maxAge.success) return fail("internal", "authentication is misconfigured: AUTH_MAX_TOKEN_AGE_S must be whole seconds from 60 to 2592000");
  if (env.TICKET_SECRET && env.TICKET_SECRET.length < MIN_SECRET_CHARS) {
    return fail("internal", `authentication is misconfigured: TICKET_SECRET must be ${MIN_SECRET_CHARS}+ characters`);
  }
  const common = { issuer, audience, maxTokenAgeS: maxAge.data };
  if (env.AUTH_JWKS_URL) {
    // With JWKS there is no server secret to derive a ticket key from: sockets would be unverifiable.
    if (!env.TICKET_SECRET) {
      return fail("internal", `authentication is not configured: with AUTH_JWKS_URL, set the TICKET_SECRET secret (${MIN_SECRET_CHARS}+ characters) to sign socket tickets`);
    }
    let keys = jwksCache.get(env.AUTH_JWKS_URL);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(env.AUTH_JWKS_URL));
      jwksCache.set(env.AUTH_JWKS_URL, keys);
    }
    return ok({ ...common, verify: { kind: "jwks", keys }, ticketSecret: env.TICKET_SECRET });
  }
  if (env.AUTH_SECRET && env.AUTH_SECRET.length >= MIN_SECRET_CHARS) {
    const key = new TextEncoder().encode(env.AUTH_SECRET);
    return ok({ ...common, verify: { kind: "secret", key }, ticketSecret: env.TICKET_SECRET || env.AUTH_SECRET });
  }
  return fail("internal", `authentication is not configured: set AUTH_JWKS_URL and TICKET_SECRET, or AUTH_SECRET (${MIN_SECRET_CHARS}+ characters)`);
}

/** Verifies `Authorization: Bearer <jwt>` and returns the user id. */
export async function authenticate(header: string | null, config: AuthConfig): Promise<Result<{ userId: string }>> {
  const match = header?.match(/^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/);
  if (!match) return fail("unauthorized", "missing or malformed Authorization: Bearer token");
  try {
    // A9: jose requires the claims, and with maxTokenAge refuses an `iat` too old or in the future (beyond the tolerance).
    const options = {
      issuer: config.issuer,
      audience: config.audience,
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ["exp", "iat", "sub"],
      maxTokenAge: config.maxTokenAgeS,
    };
    const { payload } =
      config.verify.kind === "secret"
        ? await jwtVerify(match[1]!, config.verify.key, { ...options, algorithms: HS_ALGORITHMS })
        : await jwtVerify(match[1]!, config.verify.keys, { ...options, algorithms: JWKS_ALGORITHMS });
    // jose does not bound `exp`: a token issued now to expire in 1e20 s would otherwise pass every check until maxTokenAge.
    const { exp, iat } = payload;
    if (exp === undefined || iat === undefined || exp - iat > config.maxTokenAgeS) {
      return fail("unauthorized", "token lifetime exceeds the maximum token age");
    }
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
    .setExpirationTime(iat + Math.min(DEV_TOKEN_TTL_S, config.maxTokenAgeS))
    .sign(config.verify.key);
}
