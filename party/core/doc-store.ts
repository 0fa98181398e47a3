/**
 * Durable storage of the Yjs document (DESIGN.md §3, docs/PROTOCOL.md D5).
 *
 * Every update is written as a row in the same turn it is applied — before
 * y-partyserver broadcasts it — instead of relying only on the library's
 * debounced `onSave`, which can lose seconds of edits on eviction. Loading
 * replays the rows; compaction folds them into one state row later.
 */
import * as Y from "yjs";
import type { SqlStore, SqlValue } from "./sql.ts";

/** Compact when this many update rows have piled up since the last compaction. */
export const COMPACT_AFTER_ROWS = 500;
/** A compacted state larger than this stays as separate rows (SQLite rows max out at 2 MB). */
export const MAX_ROW_BYTES = 512 * 1024;

const SCHEMA = `CREATE TABLE IF NOT EXISTS doc_updates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  data BLOB NOT NULL,
  origin TEXT NOT NULL,
  ts INTEGER NOT NULL
)`;

const toBytes = (value: SqlValue): Uint8Array =>
  value instanceof Uint8Array ? value : value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array();

/** ArrayBuffer is what Durable Object SQLite binds as a BLOB. */
const toBlob = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer;

export class DocStore {
  #sql: SqlStore;
  #now: () => number;

  constructor(sql: SqlStore, now: () => number = Date.now) {
    this.#sql = sql;
    this.#now = now;
    sql.exec(SCHEMA);
  }

  /** Applies every stored update to `doc`, then persists each later update as it happens. */
  attach(doc: Y.Doc, labelOrigin: (origin: unknown) => string): void {
    const rows = this.#sql.exec<{ data: SqlValue }>("SELECT data FROM doc_updates ORDER BY id").toArray();
    if (rows.length > 0) {
      Y.applyUpdate(doc, Y.mergeUpdates(rows.map((r) => toBytes(r.data))), DocStore.LOAD_ORIGIN);
    }
    doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === DocStore.LOAD_ORIGIN) return;
      this.#sql.exec(
        "INSERT INTO doc_updates (data, origin, ts) VALUES (?, ?, ?)",
        toBlob(update),
        labelOrigin(origin),
        this.#now(),
      );
    });
  }

  get rowCount(): number {
    return this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM doc_updates").toArray()[0]?.n ?? 0;
  }

  /**
   * Replaces all rows with one row holding the document's full state, when it
   * fits in a row. Idempotent; safe to run at any time in the room's turn.
   */
  compact(doc: Y.Doc): boolean {
    const state = Y.encodeStateAsUpdate(doc);
    if (state.byteLength > MAX_ROW_BYTES) return false;
    this.#sql.transactionSync(() => {
      const [last] = this.#sql.exec<{ id: number }>("SELECT MAX(id) AS id FROM doc_updates").toArray();
      if (!last || last.id === null) return;
      this.#sql.exec("DELETE FROM doc_updates WHERE id <= ?", last.id);
      this.#sql.exec("INSERT INTO doc_updates (data, origin, ts) VALUES (?, 'compaction', ?)", toBlob(state), this.#now());
    });
    return true;
  }

  static readonly LOAD_ORIGIN = Symbol("doc-store-load");
}
