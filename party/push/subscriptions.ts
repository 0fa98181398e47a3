/**
 * The room's Web Push subscriptions (N2–N3): one row per device, with the
 * endpoint and keys that only the sender reads. They live here and nowhere
 * else — not in the ledger, the state, logs or any answer but the subscribe
 * call's own — because an endpoint with its keys lets anyone wake the device.
 */
import type { PushSubscriptionBody, PushSubscriptionInfo } from "../../shared/push.ts";
import { type SqlStore, SqlTables } from "../core/sql.ts";

/** Devices that may receive push per user: a client minting device ids must not grow the room without bound. */
export const MAX_PUSH_SUBSCRIPTIONS = 20;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS push_subscriptions (
    id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    endpoint TEXT NOT NULL UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    origin TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at INTEGER
  )`,
];

type Row = { id: string; device_id: string; endpoint: string; p256dh: string; auth: string; origin: string; created_at: string; expires_at: number | null };

/** What the sender needs: the endpoint and the device's keys. */
export type StoredSubscription = PushSubscriptionInfo & {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** The browser's `expirationTime` (ms), when it gave one: past it, the push service drops the subscription (N2). */
  expiresAt: number | null;
};

const fromRow = (r: Row): StoredSubscription => ({
  id: r.id,
  deviceId: r.device_id,
  origin: r.origin,
  createdAt: r.created_at,
  endpoint: r.endpoint,
  keys: { p256dh: r.p256dh, auth: r.auth },
  expiresAt: r.expires_at,
});

export const infoOf = ({ id, deviceId, origin, createdAt }: StoredSubscription): PushSubscriptionInfo => ({ id, deviceId, origin, createdAt });

export class PushSubscriptions extends SqlTables {
  constructor(sql: SqlStore, now: () => number) {
    super(sql, SCHEMA, now);
  }

  get(id: string): StoredSubscription | null {
    const row = this.sql.exec<Row>("SELECT * FROM push_subscriptions WHERE id = ?", id).toArray()[0];
    return row ? fromRow(row) : null;
  }

  byEndpoint(endpoint: string): StoredSubscription | null {
    const row = this.sql.exec<Row>("SELECT * FROM push_subscriptions WHERE endpoint = ?", endpoint).toArray()[0];
    return row ? fromRow(row) : null;
  }

  /** Oldest first. */
  all(): StoredSubscription[] {
    return this.sql.exec<Row>("SELECT * FROM push_subscriptions ORDER BY created_at, id").toArray().map(fromRow);
  }

  byDevice(deviceId: string): StoredSubscription[] {
    return this.all().filter((s) => s.deviceId === deviceId);
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM push_subscriptions").toArray()[0]?.n ?? 0;
  }

  /** Stores or updates (same endpoint: same id, new device and keys). */
  put(id: string, deviceId: string, body: PushSubscriptionBody, origin: string, createdAt: string): StoredSubscription {
    this.sql.exec(
      `INSERT INTO push_subscriptions (id, device_id, endpoint, p256dh, auth, origin, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(endpoint) DO UPDATE SET device_id = excluded.device_id, p256dh = excluded.p256dh, auth = excluded.auth, expires_at = excluded.expires_at`,
      id,
      deviceId,
      body.endpoint,
      body.keys.p256dh,
      body.keys.auth,
      origin,
      createdAt,
      body.expirationTime ?? null,
    );
    const stored = this.byEndpoint(body.endpoint);
    if (!stored) throw new Error("push subscription vanished right after it was written");
    return stored;
  }

  remove(id: string): boolean {
    const had = this.get(id) !== null;
    this.sql.exec("DELETE FROM push_subscriptions WHERE id = ?", id);
    return had;
  }
}
