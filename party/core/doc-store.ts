/**
 * Durable storage of the Yjs document (DESIGN.md §3, docs/PROTOCOL.md D5, D7).
 *
 * Every update is written as a row in the same turn it is applied, instead of
 * relying only on the library's debounced `onSave`, which can lose seconds of
 * edits on eviction. Each row keeps the label of the actor whose transaction
 * produced it (D8). Undo reads the ledger, not these rows (D18), so compaction
 * never limits it.
 *
 * Write ordering (docs/PROTOCOL.md R1–R5): an update the room makes (a command,
 * a repair) is written the moment it happens, so the relay of it that follows
 * waits behind the output gate like the ack. A device's Yjs frame is applied
 * inside `relayFirst`: its rows are written right after the sync protocol has
 * relayed it to the other devices, still in the same turn, all in one
 * statement batch — the relay leaves without waiting for the commit; nothing
 * the room acknowledges does.
 *
 * Compaction folds old rows into a base state stored in chunks far below
 * SQLite's 2 MB row limit; loading reads the base and then only the rows
 * written since, so load time grows with recent edits, not with history.
 */
import * as Y from "yjs";
import { SqlTables, type SqlStore, type SqlValue } from "./sql.ts";

/** Compact once this many update rows sit beyond the recent ones. */
export const COMPACT_AFTER_ROWS = 500;
/** Rows newer than this stay uncompacted, each with its actor's label (D7, D8); undo does not depend on them (D18). */
export const KEEP_FOR_UNDO_MS = 24 * 60 * 60 * 1000;
/** Size of one chunk of the compacted base state. */
export const CHUNK_BYTES = 256 * 1024;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS doc_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    data BLOB NOT NULL,
    origin TEXT NOT NULL,
    ts INTEGER NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS doc_base (
    chunk INTEGER PRIMARY KEY,
    data BLOB NOT NULL
  )`,
];

const toBytes = (value: SqlValue): Uint8Array =>
  value instanceof Uint8Array ? value : value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array();

/** ArrayBuffer is what Durable Object SQLite binds as a BLOB. */
const toBlob = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer;

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/**
 * Applies updates in order inside one transaction. Much faster than
 * `Y.mergeUpdates` on many small updates (≈30 ms vs ≈1 s for 10k edits here).
 */
function applyAll(doc: Y.Doc, updates: Uint8Array[], origin: unknown): void {
  if (updates.length === 0) return;
  doc.transact(() => {
    for (const update of updates) Y.applyUpdate(doc, update, origin);
  }, origin);
}

type Row = { data: Uint8Array; origin: unknown; ts: number };

export class DocStore extends SqlTables {
  /** Bytes stored, kept current as rows are written so the size cap (D14) costs no query per update; null until first read. */
  #bytes: number | null = null;
  /** Rows of the device frame being applied (R2), written when `relayFirst` returns; null outside it. */
  #deferred: Row[] | null = null;
  #label: (origin: unknown) => string = () => "system";

  constructor(sql: SqlStore, now: () => number = Date.now) {
    super(sql, SCHEMA, now);
  }

  /** Loads base and rows into `doc`, then persists each later update as it happens. */
  attach(doc: Y.Doc, labelOrigin: (origin: unknown) => string): void {
    this.load(doc);
    this.#label = labelOrigin;
    doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === DocStore.LOAD_ORIGIN) return;
      // A deferred row is labelled when written, after the relay: finding the origin's socket costs a scan of the sockets.
      const row = { data: update, origin, ts: this.now() };
      if (this.#deferred) this.#deferred.push(row);
      else this.#write([row]);
    });
  }

  /**
   * R2: runs `apply` (the sync protocol applying a device's frame and relaying
   * it), holding back the rows of the updates it makes; writes them when it
   * returns — or throws: what was applied in memory is written either way —
   * in one transaction. Sends made inside `apply` precede the write and so are
   * not held by the output gate; everything sent after it is.
   */
  relayFirst(apply: () => void): void {
    if (this.#deferred) return apply();
    const rows: Row[] = [];
    this.#deferred = rows;
    try {
      apply();
    } finally {
      this.#deferred = null;
      this.#write(rows);
    }
  }

  #write(rows: Row[]): void {
    if (rows.length === 0) return;
    const insert = () => {
      for (const row of rows) {
        if (this.#bytes !== null) this.#bytes += row.data.byteLength;
        this.sql.exec("INSERT INTO doc_updates (data, origin, ts) VALUES (?, ?, ?)", toBlob(row.data), this.#label(row.origin), row.ts);
      }
    };
    // R3: several updates of one frame (a sync step 2 after being offline) are one transaction.
    if (rows.length === 1) insert();
    else this.sql.transactionSync(insert);
  }

  /** Applies the stored state to `doc`: the base, then every row since. */
  load(doc: Y.Doc): void {
    const base = this.#base();
    const rows = this.sql.exec<{ data: SqlValue }>("SELECT data FROM doc_updates ORDER BY id").toArray();
    applyAll(doc, [...(base ? [base] : []), ...rows.map((r) => toBytes(r.data))], DocStore.LOAD_ORIGIN);
  }

  get rowCount(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM doc_updates").toArray()[0]?.n ?? 0;
  }

  /** Bytes stored for the document: base chunks and update rows. Summed once, then kept current. */
  get storedBytes(): number {
    if (this.#bytes === null) {
      const q = (table: string) =>
        this.sql.exec<{ n: number | null }>(`SELECT SUM(LENGTH(data)) AS n FROM ${table}`).toArray()[0]?.n ?? 0;
      this.#bytes = q("doc_base") + q("doc_updates");
    }
    return this.#bytes;
  }

  /** Whether compaction has enough to fold (D7). */
  shouldCompact(): boolean {
    const cutoff = this.now() - KEEP_FOR_UNDO_MS;
    const [row] = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM doc_updates WHERE ts < ?", cutoff).toArray();
    return (row?.n ?? 0) > COMPACT_AFTER_ROWS;
  }

  /**
   * Folds the base and every row older than KEEP_FOR_UNDO_MS (or all rows,
   * with `everything`) into a new base, chunked. One transaction: a crash
   * leaves the old layout. Idempotent.
   */
  compact(options: { everything?: boolean } = {}): { folded: number } {
    const cutoff = options.everything ? Number.POSITIVE_INFINITY : this.now() - KEEP_FOR_UNDO_MS;
    this.#bytes = null;
    return this.sql.transactionSync(() => {
      const rows = this.sql
        .exec<{ id: number; data: SqlValue; ts: number }>("SELECT id, data, ts FROM doc_updates ORDER BY id")
        .toArray();
      // Fold a prefix only: later rows may depend on earlier ones, never the reverse.
      const fold: typeof rows = [];
      for (const row of rows) {
        if (row.ts >= cutoff) break;
        fold.push(row);
      }
      if (fold.length === 0) return { folded: 0 };
      const base = this.#base();
      const scratch = new Y.Doc({ gc: true });
      applyAll(scratch, [...(base ? [base] : []), ...fold.map((r) => toBytes(r.data))], null);
      const state = Y.encodeStateAsUpdate(scratch);
      this.sql.exec("DELETE FROM doc_base");
      for (let i = 0, chunk = 0; i < state.byteLength; i += CHUNK_BYTES, chunk++) {
        this.sql.exec("INSERT INTO doc_base (chunk, data) VALUES (?, ?)", chunk, toBlob(state.subarray(i, i + CHUNK_BYTES)));
      }
      this.sql.exec("DELETE FROM doc_updates WHERE id <= ?", fold[fold.length - 1]!.id);
      return { folded: fold.length };
    });
  }

  #base(): Uint8Array | null {
    const chunks = this.sql.exec<{ data: SqlValue }>("SELECT data FROM doc_base ORDER BY chunk").toArray();
    return chunks.length === 0 ? null : concat(chunks.map((c) => toBytes(c.data)));
  }

  static readonly LOAD_ORIGIN = Symbol("doc-store-load");
}
