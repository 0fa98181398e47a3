/**
 * The push channel's delivery rows (N12–N14): one per notification and kind
 * (`notification`, later `cleared`), written BEFORE the request goes out, so
 * an alarm retried after a crash finds the row and does not push again. A row
 * left `sending` past STALE_SENDING_MS (the room died mid-request) is sent
 * once more: the Topic makes a resend replace, not repeat.
 */
import type { PushPayload } from "../../shared/push.ts";
import { type SqlStore, SqlTables } from "../core/sql.ts";

export type PushKind = "notification" | "cleared";
export type PushState = "sending" | "sent" | "retry" | "failed" | "cancelled";

/** A send that has not come back in this long was cut off (the request itself times out well before). */
export const STALE_SENDING_MS = 60_000;
/** Attempts per message, the first included (N14). */
export const MAX_PUSH_ATTEMPTS = 4;
/** Wait before attempt n+1 after n failures: 30 s, 2 min, 8 min — never a tight loop. */
export const backoffMs = (attempts: number) => 30_000 * 4 ** Math.max(0, attempts - 1);

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS push_delivery (
    notification_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_at INTEGER NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (notification_id, kind)
  )`,
];

type Row = { notification_id: string; kind: string; subscription_id: string; device_id: string; state: string; attempts: number; next_at: number; payload: string };

export type PushRow = { notificationId: string; kind: PushKind; subscriptionId: string; deviceId: string; state: PushState; attempts: number; nextAt: number; payload: PushPayload };

/** Rows of finished sends are kept this long (for "was it pushed?") then dropped by maintenance. */
const KEEP_MS = 8 * 24 * 60 * 60 * 1000;

export class PushLog extends SqlTables {
  #parse: (text: string) => PushPayload | null;

  constructor(sql: SqlStore, now: () => number, parse: (text: string) => PushPayload | null) {
    super(sql, SCHEMA, now);
    this.#parse = parse;
  }

  get(notificationId: string, kind: PushKind): PushRow | null {
    const row = this.sql.exec<Row>("SELECT * FROM push_delivery WHERE notification_id = ? AND kind = ?", notificationId, kind).toArray()[0];
    return row ? this.#row(row) : null;
  }

  /** Records an attempt before it is made; false when a row already exists (never twice, N12). */
  begin(notificationId: string, kind: PushKind, subscriptionId: string, deviceId: string, payload: PushPayload): boolean {
    if (this.get(notificationId, kind)) return false;
    this.sql.exec(
      "INSERT INTO push_delivery (notification_id, kind, subscription_id, device_id, state, attempts, next_at, payload) VALUES (?, ?, ?, ?, 'sending', 1, ?, ?)",
      notificationId,
      kind,
      subscriptionId,
      deviceId,
      this.now() + STALE_SENDING_MS,
      JSON.stringify(payload),
    );
    return true;
  }

  /** Claims a due retry (or a stale send) for one more attempt. */
  claim(row: PushRow): void {
    this.sql.exec(
      "UPDATE push_delivery SET state = 'sending', attempts = attempts + 1, next_at = ? WHERE notification_id = ? AND kind = ?",
      this.now() + STALE_SENDING_MS,
      row.notificationId,
      row.kind,
    );
  }

  set(notificationId: string, kind: PushKind, state: PushState, nextAt = this.now()): void {
    this.sql.exec("UPDATE push_delivery SET state = ?, next_at = ? WHERE notification_id = ? AND kind = ?", state, nextAt, notificationId, kind);
  }

  /** Forgets an attempt, so routing may choose again (the subscription was gone, N14). */
  forget(notificationId: string, kind: PushKind): void {
    this.sql.exec("DELETE FROM push_delivery WHERE notification_id = ? AND kind = ?", notificationId, kind);
  }

  /** Retries and stale sends whose time has come. */
  due(): PushRow[] {
    return this.sql
      .exec<Row>("SELECT * FROM push_delivery WHERE state IN ('retry', 'sending') AND next_at <= ? ORDER BY next_at", this.now())
      .toArray()
      .map((r) => this.#row(r));
  }

  /** When the alarm must wake for the next retry; null when none waits. */
  nextAt(): number | null {
    return this.sql.exec<{ at: number | null }>("SELECT MIN(next_at) AS at FROM push_delivery WHERE state IN ('retry', 'sending')").toArray()[0]?.at ?? null;
  }

  /** Maintenance: finished rows older than KEEP_MS. */
  prune(): void {
    this.sql.exec("DELETE FROM push_delivery WHERE state IN ('sent', 'failed', 'cancelled') AND next_at < ?", this.now() - KEEP_MS);
  }

  #row(r: Row): PushRow {
    const state: PushState = r.state === "sending" || r.state === "sent" || r.state === "retry" || r.state === "failed" ? r.state : "cancelled";
    const payload = this.#parse(r.payload) ?? { type: "cleared", id: r.notification_id };
    return { notificationId: r.notification_id, kind: r.kind === "cleared" ? "cleared" : "notification", subscriptionId: r.subscription_id, deviceId: r.device_id, state, attempts: r.attempts, nextAt: r.next_at, payload };
  }
}
