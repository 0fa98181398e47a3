/**
 * The room's full-text index (docs/PROTOCOL.md Q1–Q4): a content table
 * `search_docs` (one row per message, note, task or memory, unique by kind and
 * id, so an upsert or a delete finds its row by index, never by scanning the
 * FTS table) and an external-content FTS5 table `search_fts` over its title
 * and body, kept in step by hand in the same statements. `search_cursor` is
 * the last ledger seq indexed (row 1) and the last import rebuilt for (row 2):
 * the index survives eviction and resumes there.
 */
import type { SearchKind } from "../../shared/search-results.ts";
import { type SqlStore, SqlTables, type SqlValue } from "../core/sql.ts";
import { indexable, MARK_CLOSE, MARK_OPEN } from "./query.ts";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS search_docs (
    rowid INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    conversation_id TEXT,
    at TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    heading TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, ref_id)
  )`,
  "CREATE INDEX IF NOT EXISTS search_docs_conversation ON search_docs (conversation_id) WHERE conversation_id IS NOT NULL",
  "CREATE INDEX IF NOT EXISTS search_docs_kind_at ON search_docs (kind, at)",
  // Q2: porter stems English words ("hotels" finds "hotel"); unicode61 folds case and, with 2, diacritics ("hôtel").
  `CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body, content='search_docs', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')`,
  // Q5: the same text unstemmed, for the last word typed as a prefix: porter stems "meeti" to "meeti",
  // which no stemmed "meet" starts with; here "meeti"* finds "meeting". prefix='2 3' keeps short prefixes cheap.
  `CREATE VIRTUAL TABLE IF NOT EXISTS search_fts_raw USING fts5(title, body, content='search_docs', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', prefix='2 3')`,
  "CREATE TABLE IF NOT EXISTS search_cursor (id INTEGER PRIMARY KEY CHECK (id IN (1, 2)), seq INTEGER NOT NULL)",
  // T7, Q12, Q14: a deleted or pruned row's words leave the index's segments too (FTS5 keeps them as data
  // until merged otherwise). A persistent setting of each table; setting it again is harmless.
  "INSERT INTO search_fts (search_fts, rank) VALUES ('secure-delete', 1)",
  "INSERT INTO search_fts_raw (search_fts_raw, rank) VALUES ('secure-delete', 1)",
];

/** `heading` is shown, not searched: a message's author ("You", "Assistant"); the title otherwise. */
export type SearchDoc = { kind: SearchKind; id: string; conversationId?: string; at: string; title: string; body: string; heading?: string };

/** One candidate from FTS5: its row, bm25 (lower is better) and the snippet with match markers. */
export type SearchHit = { kind: SearchKind; id: string; conversationId: string | null; at: string; title: string; marked: string; bm25: number };

export type HitFilter = { match: string; prefix?: boolean; kind?: SearchKind; from?: string; to?: string; conversationId?: string; limit: number };

/** Q3: title counts four times the body in bm25. */
const TITLE_WEIGHT = 4;
/** Tokens of context in a snippet: about 200 characters of text. */
const SNIPPET_TOKENS = 24;

const KINDS: readonly string[] = ["message", "note", "task", "memory"];
const isKind = (kind: string): kind is SearchKind => KINDS.includes(kind);

export class SearchIndex extends SqlTables {
  constructor(sql: SqlStore) {
    const rawMissing = sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE name = 'search_fts_raw'").toArray()[0]?.n === 0;
    super(sql, SCHEMA);
    // A room indexed before the unstemmed table existed: fill it once from the content table.
    if (rawMissing && this.size > 0) sql.exec("INSERT INTO search_fts_raw (search_fts_raw) VALUES ('rebuild')");
  }

  get cursor(): number {
    return this.sql.exec<{ seq: number }>("SELECT seq FROM search_cursor WHERE id = 1").toArray()[0]?.seq ?? 0;
  }

  set cursor(seq: number) {
    this.sql.exec("INSERT INTO search_cursor (id, seq) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq", seq);
  }

  /** Adds the entry or replaces its earlier version. */
  upsert(doc: SearchDoc): void {
    this.remove(doc.kind, doc.id);
    const title = indexable(doc.title);
    const body = indexable(doc.body);
    const row = this.sql
      .exec<{ rowid: number }>(
        "INSERT INTO search_docs (kind, ref_id, conversation_id, at, title, body, heading) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING rowid",
        doc.kind,
        doc.id,
        doc.conversationId ?? null,
        doc.at,
        title,
        body,
        (doc.heading ?? title).slice(0, 200),
      )
      .toArray()[0]!;
    this.sql.exec("INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)", row.rowid, title, body);
    this.sql.exec("INSERT INTO search_fts_raw (rowid, title, body) VALUES (?, ?, ?)", row.rowid, title, body);
  }

  /** The indexed title and body of every row of a kind (the wake-up check of notes and tasks, Q11). */
  texts(kind: "note" | "task"): Map<string, { title: string; body: string }> {
    const rows = this.sql.exec<{ ref_id: string; title: string; body: string }>("SELECT ref_id, title, body FROM search_docs WHERE kind = ?", kind).toArray();
    return new Map(rows.map((r) => [r.ref_id, { title: r.title, body: r.body }]));
  }

  /** The ids of the indexed memories. */
  memoryIds(): string[] {
    return this.sql.exec<{ ref_id: string }>("SELECT ref_id FROM search_docs WHERE kind = 'memory'").toArray().map((r) => r.ref_id);
  }

  remove(kind: SearchKind, id: string): void {
    this.#drop("kind = ? AND ref_id = ?", kind, id);
  }

  /** Q12: a deleted conversation's messages. */
  removeConversation(conversationId: string): void {
    removeConversationRows(this.sql, conversationId);
  }

  /** The seq of the last `account.imported` the index was rebuilt for (Q13). */
  get rebuiltFor(): number {
    return this.sql.exec<{ seq: number }>("SELECT seq FROM search_cursor WHERE id = 2").toArray()[0]?.seq ?? 0;
  }

  set rebuiltFor(seq: number) {
    this.sql.exec("INSERT INTO search_cursor (id, seq) VALUES (2, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq", seq);
  }

  /** Q13: everything, and the cursor back to 0 (an import rebuilds from the first event). */
  clear(): void {
    this.sql.exec("DELETE FROM search_docs");
    this.sql.exec("INSERT INTO search_fts (search_fts) VALUES ('delete-all')");
    this.sql.exec("INSERT INTO search_fts_raw (search_fts_raw) VALUES ('delete-all')");
    this.cursor = 0;
  }

  get size(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM search_docs").toArray()[0]?.n ?? 0;
  }

  /**
   * The best `limit` candidates by weighted bm25, with their snippets. Q5: when the last word is a
   * prefix, the unstemmed table is asked too and the two lists merged by row (the better rank kept).
   */
  hits(filter: HitFilter): SearchHit[] {
    const stemmed = this.#hits("search_fts", filter);
    const last = filter.prefix ? /^(.*?) ?("[^"]*"\*)$/.exec(filter.match) : null;
    if (!last) return stemmed;
    // The earlier words, stemmed, narrow the rows; the prefix is matched unstemmed (and is what the snippet marks there).
    const earlier = last[1] ? { sql: "d.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)", arg: last[1] } : undefined;
    const byRow = new Map(stemmed.map((h) => [h.rowid, h]));
    for (const h of this.#hits("search_fts_raw", { ...filter, match: last[2]! }, earlier)) {
      const seen = byRow.get(h.rowid);
      if (!seen || h.bm25 < seen.bm25) byRow.set(h.rowid, h);
    }
    return [...byRow.values()].sort((a, b) => a.bm25 - b.bm25).slice(0, filter.limit);
  }

  #hits(table: "search_fts" | "search_fts_raw", filter: HitFilter, also?: { sql: string; arg: string }): (SearchHit & { rowid: number })[] {
    const where = [`${table} MATCH ?`];
    const args: (string | number)[] = [filter.match];
    if (also) (where.push(also.sql), args.push(also.arg));
    if (filter.kind) (where.push("d.kind = ?"), args.push(filter.kind));
    if (filter.from) (where.push("d.at >= ?"), args.push(filter.from));
    if (filter.to) (where.push("d.at < ?"), args.push(filter.to));
    if (filter.conversationId) (where.push("d.conversation_id = ?"), args.push(filter.conversationId));
    const rows = this.sql
      .exec<{ rowid: number; kind: string; ref_id: string; conversation_id: string | null; at: string; title: string; marked: string; rank: number }>(
        `SELECT d.rowid AS rowid, d.kind, d.ref_id, d.conversation_id, d.at, d.heading AS title,
                snippet(${table}, -1, '${MARK_OPEN}', '${MARK_CLOSE}', '…', ${SNIPPET_TOKENS}) AS marked,
                bm25(${table}, ${TITLE_WEIGHT}, 1) AS rank
         FROM ${table} JOIN search_docs d ON d.rowid = ${table}.rowid
         WHERE ${where.join(" AND ")}
         ORDER BY rank LIMIT ?`,
        ...args,
        filter.limit,
      )
      .toArray();
    return rows.flatMap((r) =>
      isKind(r.kind) ? [{ rowid: r.rowid, kind: r.kind, id: r.ref_id, conversationId: r.conversation_id, at: r.at, title: r.title, marked: r.marked, bm25: r.rank }] : [],
    );
  }

  #drop(where: string, ...args: string[]): void {
    dropRows(this.sql, where, ...args);
  }
}

/** Deletes content rows and their FTS entries; the number of rows gone. */
function dropRows(sql: SqlStore, where: string, ...args: SqlValue[]): number {
  // External content: FTS5 forgets a row only when told its old text.
  for (const table of ["search_fts", "search_fts_raw"]) {
    sql.exec(`INSERT INTO ${table} (${table}, rowid, title, body) SELECT 'delete', rowid, title, body FROM search_docs WHERE ${where}`, ...args);
  }
  return sql.exec<{ rowid: number }>(`DELETE FROM search_docs WHERE ${where} RETURNING rowid`, ...args).toArray().length;
}

const indexExists = (sql: SqlStore): boolean =>
  (sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE name = 'search_docs'").toArray()[0]?.n ?? 0) > 0;

/** Q12: a deleted conversation's messages leave the index (also called by the conversation purge). */
export function removeConversationRows(sql: SqlStore, conversationId: string): number {
  if (!indexExists(sql)) return 0;
  return dropRows(sql, "kind = 'message' AND conversation_id = ?", conversationId);
}

/**
 * Q14: the rows of the messages whose text the retention redacted from the ledger — before the hot
 * window (seq < `hotSeq`, the oldest hot message) AND older than `cutoff` — leave the index. A hot
 * message stays searchable however old: the chat still shows it.
 */
export function pruneSearch(sql: SqlStore, cutoff: string, hotSeq: number): number {
  if (!indexExists(sql)) return 0;
  return dropRows(
    sql,
    `kind = 'message' AND at < ? AND ref_id NOT IN
       (SELECT json_extract(payload, '$.message.id') FROM ledger_events WHERE type = 'message.added' AND seq >= ?)`,
    cutoff,
    hotSeq,
  );
}
