/**
 * When each device last had focus and was last seen (N5–N7), kept in the
 * room's SQLite: the room hibernates between frames, so "focused within the
 * last two minutes" and "most recently active" cannot live in memory.
 */
import type { Device } from "../../shared/domain.ts";
import type { DeviceActivity } from "../../shared/presence.ts";
import { type SqlStore, SqlTables } from "../core/sql.ts";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS device_activity (
    device_id TEXT PRIMARY KEY,
    focused INTEGER NOT NULL DEFAULT 0,
    focused_at INTEGER,
    seen_at INTEGER NOT NULL
  )`,
];

/** Rows kept; the least recently seen go first (as known devices, P16). */
const MAX_ROWS = 200;

export class DeviceActivityLog extends SqlTables {
  constructor(sql: SqlStore, now: () => number) {
    super(sql, SCHEMA, now);
  }

  /**
   * Presence changed (hello, focus, close): a focused device has focus now; one
   * that was focused when last recorded and is not any more lost it now.
   */
  observe(connected: readonly Device[]): void {
    const now = this.now();
    this.sql.transactionSync(() => {
      for (const d of connected) {
        const seen = Math.max(now, Date.parse(d.lastSeen) || 0);
        this.sql.exec(
          `INSERT INTO device_activity (device_id, focused, focused_at, seen_at) VALUES (?, ?, ?, ?)
           ON CONFLICT(device_id) DO UPDATE SET
             focused_at = CASE WHEN excluded.focused = 1 OR device_activity.focused = 1 THEN ? ELSE device_activity.focused_at END,
             focused = excluded.focused, seen_at = MAX(device_activity.seen_at, excluded.seen_at)`,
          d.deviceId,
          d.focused ? 1 : 0,
          d.focused ? now : null,
          seen,
          now,
        );
      }
      this.sql.exec(
        "DELETE FROM device_activity WHERE device_id NOT IN (SELECT device_id FROM device_activity ORDER BY seen_at DESC LIMIT ?)",
        MAX_ROWS,
      );
    });
  }

  /** A device's last socket closed: seen until now, and focused until now if it still had focus. */
  left(deviceId: string, wasFocused: boolean): void {
    const now = this.now();
    this.sql.exec(
      "UPDATE device_activity SET seen_at = MAX(seen_at, ?), focused_at = CASE WHEN ? = 1 OR focused = 1 THEN ? ELSE focused_at END, focused = 0 WHERE device_id = ?",
      now,
      wasFocused ? 1 : 0,
      now,
      deviceId,
    );
  }

  /** Every device routing may consider: the connected ones (as presence shows them) and every one recorded. */
  activity(connected: readonly Device[]): DeviceActivity[] {
    const rows = this.sql.exec<{ device_id: string; focused_at: number | null; seen_at: number }>("SELECT device_id, focused_at, seen_at FROM device_activity").toArray();
    const byId = new Map<string, DeviceActivity>();
    for (const r of rows) byId.set(r.device_id, { deviceId: r.device_id, connected: false, focused: false, lastFocusedAt: r.focused_at, lastSeenAt: r.seen_at });
    for (const d of connected) {
      const known = byId.get(d.deviceId);
      const seen = Date.parse(d.lastSeen) || 0;
      byId.set(d.deviceId, {
        deviceId: d.deviceId,
        connected: true,
        focused: d.focused,
        lastFocusedAt: d.focused ? this.now() : (known?.lastFocusedAt ?? null),
        lastSeenAt: Math.max(seen, known?.lastSeenAt ?? 0),
      });
    }
    return [...byId.values()];
  }
}
