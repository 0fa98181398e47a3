/**
 * The devices the room has met (docs/PROTOCOL.md P16): the name and kind of
 * each device's latest hello and when it was last seen, kept in the room's
 * SQLite so a device that disconnected long ago is still named in the
 * Activity view. Not ledger events: a hello is not a change of the user's
 * data, and a device reconnecting many times a day would flood the timeline.
 */
import { type Device, DeviceKindSchema, type KnownDevice } from "../../shared/domain.ts";
import { type SqlStore, SqlTables } from "./sql.ts";

/** Devices remembered per user; past it the least recently seen are forgotten (a CLI minting ids must not grow the room). */
export const KNOWN_DEVICES_MAX = 200;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS known_devices (
    device_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    platform TEXT,
    last_seen TEXT NOT NULL
  )`,
];

type Row = { device_id: string; name: string; kind: string; platform: string | null; last_seen: string };

export class KnownDevices extends SqlTables {
  constructor(sql: SqlStore, now: () => number) {
    super(sql, SCHEMA, now);
  }

  /** The connected devices as presence shows them now (after a hello or a focus change): their names, kinds, last seen. */
  seen(devices: readonly Device[]): void {
    if (devices.length === 0) return;
    this.sql.transactionSync(() => {
      for (const d of devices) {
        this.sql.exec(
          `INSERT INTO known_devices (device_id, name, kind, platform, last_seen) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(device_id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             platform = COALESCE(excluded.platform, platform), last_seen = MAX(last_seen, excluded.last_seen)`,
          d.deviceId,
          d.name,
          d.kind,
          d.platform ?? null,
          d.lastSeen,
        );
      }
      this.#trim();
    });
  }

  /** A device's socket closed: it was seen until now. */
  left(deviceId: string): void {
    this.sql.exec("UPDATE known_devices SET last_seen = MAX(last_seen, ?) WHERE device_id = ?", new Date(this.now()).toISOString(), deviceId);
  }

  /** Most recently seen first. */
  list(): KnownDevice[] {
    return this.sql
      .exec<Row>("SELECT device_id, name, kind, platform, last_seen FROM known_devices ORDER BY last_seen DESC, device_id LIMIT ?", KNOWN_DEVICES_MAX)
      .toArray()
      .map((r) => ({
        deviceId: r.device_id,
        name: r.name,
        kind: DeviceKindSchema.catch("other").parse(r.kind),
        lastSeen: r.last_seen,
        ...(r.platform ? { platform: r.platform } : {}),
      }));
  }

  #trim(): void {
    this.sql.exec(
      "DELETE FROM known_devices WHERE device_id NOT IN (SELECT device_id FROM known_devices ORDER BY last_seen DESC, device_id LIMIT ?)",
      KNOWN_DEVICES_MAX,
    );
  }
}
