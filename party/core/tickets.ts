/**
 * Socket tickets (docs/PROTOCOL.md A3–A4): a browser cannot put an
 * Authorization header on a WebSocket, and a long-lived token in a URL leaks
 * into logs and history. So a client trades its bearer token for a ticket —
 * single-use, valid for TICKET_TTL_MS — and connects with `?ticket=`.
 *
 * Format: `<base64url(userId)>.<32 random bytes, base64url>`. The worker reads
 * the user id only to find the room; the room itself accepts the ticket only
 * if it issued it, so a forged user id reaches a room that refuses it.
 */
import { SqlTables, type SqlStore } from "./sql.ts";

export const TICKET_TTL_MS = 60_000;

const SCHEMA = `CREATE TABLE IF NOT EXISTS socket_tickets (
  secret TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
)`;

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

export const encodeUserId = (userId: string) => b64url(new TextEncoder().encode(userId));

/** The user id a ticket claims, or null when the ticket is not well-formed. */
export function ticketUserId(ticket: string): string | null {
  const match = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
  if (!match) return null;
  try {
    const binary = atob(match[1]!.replace(/-/g, "+").replace(/_/g, "/"));
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

export class TicketStore extends SqlTables {
  constructor(sql: SqlStore, now: () => number = Date.now) {
    super(sql, [SCHEMA], now);
  }

  issue(userId: string): { ticket: string; expiresAt: string } {
    const secret = b64url(crypto.getRandomValues(new Uint8Array(32)));
    const expiresAt = this.now() + TICKET_TTL_MS;
    this.sql.exec("DELETE FROM socket_tickets WHERE expires_at < ?", this.now());
    this.sql.exec("INSERT INTO socket_tickets (secret, expires_at) VALUES (?, ?)", secret, expiresAt);
    return { ticket: `${encodeUserId(userId)}.${secret}`, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** Consumes a ticket: true once for a live ticket this room issued, false ever after (A4). */
  redeem(ticket: string): boolean {
    const secret = ticket.split(".")[1] ?? "";
    const rows = this.sql
      .exec<{ expires_at: number }>("DELETE FROM socket_tickets WHERE secret = ? RETURNING expires_at", secret)
      .toArray();
    return rows.length === 1 && rows[0]!.expires_at >= this.now();
  }
}
