/**
 * The room's epoch (docs/PROTOCOL.md U17): a random id stored the first time
 * a device asks for it (a socket ticket, the state). An erase deletes it with
 * everything else, so the emptied room gets a new one; an import keeps it (the
 * room is the same, only filled). A device keeps the epoch its local copy
 * (IndexedDB document, outbox, cached state) belongs to: a socket naming
 * another epoch is closed 4410, and the web client discards local data of
 * another epoch before it opens its socket — an old device never syncs an
 * erased account back.
 */
import type { SqlStore } from "../core/sql.ts";

const TABLE = "CREATE TABLE IF NOT EXISTS room_epoch (id INTEGER PRIMARY KEY CHECK (id = 1), epoch TEXT NOT NULL)";

/** The room's epoch, made now if it has none. */
export function roomEpoch(sql: SqlStore, newId: () => string = () => crypto.randomUUID()): string {
  sql.exec(TABLE);
  const known = sql.exec<{ epoch: string }>("SELECT epoch FROM room_epoch WHERE id = 1").toArray()[0];
  if (known) return known.epoch;
  const epoch = newId();
  sql.exec("INSERT INTO room_epoch (id, epoch) VALUES (1, ?)", epoch);
  return epoch;
}

/** The room's epoch if it has one; reads only (the host asks before the room is built, G8). */
export function storedEpoch(sql: SqlStore): string | null {
  const table = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'room_epoch'").toArray();
  if (table.length === 0) return null;
  return sql.exec<{ epoch: string }>("SELECT epoch FROM room_epoch WHERE id = 1").toArray()[0]?.epoch ?? null;
}
