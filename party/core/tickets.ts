/**
 * Socket tickets (docs/PROTOCOL.md A3, A4, A7, A8): a browser cannot put an
 * Authorization header on a WebSocket, and a long-lived token in a URL leaks
 * into logs and history. So a client trades its bearer token for a ticket —
 * single-use, valid for TICKET_TTL_MS — and connects with `?ticket=`.
 *
 * Format: `<base64url(userId)>.<expiresAt, ms>.<nonce>.<mac>`, where the mac
 * is HMAC-SHA256 over the first three parts under a key derived (HKDF) from a
 * server secret. The worker checks the mac and the expiry before any room is
 * touched, so a forged ticket creates, wakes and writes nothing (G8, A7); the
 * room checks single use by recording the nonce until the ticket expires (A4).
 * WebCrypto does the cryptography; jose does the base64url.
 */
import { base64url } from "jose";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { SqlTables, type SqlStore } from "./sql.ts";
import { derivedHmacKey } from "./derived-key.ts";

export const TICKET_TTL_MS = 60_000;
/** How far a ticket's expiry may lie beyond a fresh ticket's, for clocks of two machines that disagree a little. */
const CLOCK_SKEW_MS = 30_000;
const NONCE_BYTES = 16;
/** Binds the mac to this use and format: a key used elsewhere, or a v2 ticket, cannot pass for a v1 ticket. */
const MAC_CONTEXT = "micro-cos socket ticket v1.";
const FORMAT = /^([A-Za-z0-9_-]{1,200})\.(\d{13,15})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** What a verified ticket says. */
export type TicketClaims = { userId: string; expiresAt: number; nonce: string };

export type IssuedTicket = { ticket: string; expiresAt: string };

const utf8 = new TextEncoder();

/**
 * The ticket key for a server secret: HKDF-SHA256 with its own `info`, so it
 * differs from the secret even when the secret also signs JWTs (AUTH_SECRET).
 * Derived once per isolate and secret.
 */
export const ticketKey = (secret: string): Promise<CryptoKey> => derivedHmacKey(secret, "socket tickets v1");

/** A fresh ticket for `userId`, valid for TICKET_TTL_MS from `now`. Nothing is stored: the mac is the proof. */
export async function issueTicket(key: CryptoKey, userId: string, now: number): Promise<IssuedTicket> {
  const expiresAt = now + TICKET_TTL_MS;
  const nonce = base64url.encode(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
  const body = `${base64url.encode(userId)}.${expiresAt}.${nonce}`;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8.encode(MAC_CONTEXT + body)));
  return { ticket: `${body}.${base64url.encode(mac)}`, expiresAt: new Date(expiresAt).toISOString() };
}

/**
 * Checks a ticket's form, mac and expiry (A7). Nothing of a ticket is decoded
 * before its mac is verified (in constant time, by WebCrypto).
 */
export async function verifyTicket(key: CryptoKey, ticket: string, now: number): Promise<Result<TicketClaims>> {
  const match = FORMAT.exec(ticket);
  if (!match) return fail("unauthorized", "socket ticket missing or malformed");
  const [, user = "", expiry = "", nonce = "", mac = ""] = match;
  // Copied into its own ArrayBuffer, the form WebCrypto's types ask for.
  const valid = await crypto.subtle.verify("HMAC", key, new Uint8Array(base64url.decode(mac)), utf8.encode(`${MAC_CONTEXT}${user}.${expiry}.${nonce}`));
  if (!valid) return fail("unauthorized", "socket ticket is not valid");
  const expiresAt = Number(expiry);
  if (expiresAt <= now) return fail("unauthorized", "socket ticket expired");
  if (expiresAt > now + TICKET_TTL_MS + CLOCK_SKEW_MS) return fail("unauthorized", "socket ticket is not valid");
  try {
    const userId = new TextDecoder("utf-8", { fatal: true }).decode(base64url.decode(user));
    return ok({ userId, expiresAt, nonce });
  } catch {
    return fail("unauthorized", "socket ticket missing or malformed");
  }
}

const SCHEMA = [
  // The store of the first ticket format (issued tickets, by secret); superseded by the mac.
  "DROP TABLE IF EXISTS socket_tickets",
  `CREATE TABLE IF NOT EXISTS socket_tickets_used (
    nonce TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  )`,
];

/**
 * The nonces of redeemed tickets, kept until the tickets expire (A4). The host
 * constructs it on the first verified upgrade, so a room that never saw one
 * has no such table (G8).
 */
export class UsedTickets extends SqlTables {
  constructor(sql: SqlStore, now: () => number = Date.now) {
    super(sql, SCHEMA, now);
  }

  /** Consumes a verified ticket: true the first time, false ever after. */
  redeem(claims: TicketClaims): boolean {
    const now = this.now();
    if (claims.expiresAt <= now) return false;
    this.sql.exec("DELETE FROM socket_tickets_used WHERE expires_at <= ?", now);
    const rows = this.sql
      .exec<{ nonce: string }>(
        "INSERT INTO socket_tickets_used (nonce, expires_at) VALUES (?, ?) ON CONFLICT(nonce) DO NOTHING RETURNING nonce",
        claims.nonce,
        claims.expiresAt,
      )
      .toArray();
    return rows.length === 1;
  }
}
