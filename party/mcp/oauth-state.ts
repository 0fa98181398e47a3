/**
 * The OAuth `state` parameter of an MCP server's authorization (docs/PROTOCOL.md
 * M13). The callback comes from the user's browser, redirected by the
 * authorization server: it carries no bearer token. So the state names the room
 * itself — `<base64url(userId)>.<serverId>.<expiresAt>.<nonce>.<mac>`, HMAC-SHA256
 * under a key derived (HKDF, its own `info`) from the server's ticket secret.
 * The worker checks the mac and expiry before any room is touched (G8), then
 * forwards to the room the state names; the room accepts the nonce once (it
 * stored it when it started the authorization) and finishes the flow.
 */
import { base64url } from "jose";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { derivedHmacKey } from "../core/derived-key.ts";

/** How long the user has to approve at the authorization server. */
export const STATE_TTL_MS = 15 * 60_000;
const MAC_CONTEXT = "micro-cos mcp oauth state v1.";
const FORMAT = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9-]{1,64})\.(\d{13,15})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export type StateClaims = { userId: string; serverId: string; expiresAt: number; nonce: string };

const utf8 = new TextEncoder();

export const stateKey = (secret: string): Promise<CryptoKey> => derivedHmacKey(secret, "mcp oauth state v1");

export async function signState(key: CryptoKey, userId: string, serverId: string, now: number): Promise<{ state: string; nonce: string }> {
  const nonce = base64url.encode(crypto.getRandomValues(new Uint8Array(16)));
  const body = `${base64url.encode(userId)}.${serverId}.${now + STATE_TTL_MS}.${nonce}`;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8.encode(MAC_CONTEXT + body)));
  return { state: `${body}.${base64url.encode(mac)}`, nonce };
}

export async function verifyState(key: CryptoKey, state: string, now: number): Promise<Result<StateClaims>> {
  const match = FORMAT.exec(state);
  if (!match) return fail("unauthorized", "OAuth state missing or malformed");
  const [, user = "", serverId = "", expiry = "", nonce = "", mac = ""] = match;
  const valid = await crypto.subtle.verify("HMAC", key, new Uint8Array(base64url.decode(mac)), utf8.encode(`${MAC_CONTEXT}${user}.${serverId}.${expiry}.${nonce}`));
  if (!valid) return fail("unauthorized", "OAuth state is not valid");
  const expiresAt = Number(expiry);
  if (expiresAt <= now || expiresAt > now + STATE_TTL_MS + 30_000) return fail("unauthorized", "OAuth state expired; add the server again");
  try {
    const userId = new TextDecoder("utf-8", { fatal: true }).decode(base64url.decode(user));
    return ok({ userId, serverId, expiresAt, nonce });
  } catch {
    return fail("unauthorized", "OAuth state missing or malformed");
  }
}
