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
import { type SqlStore, SqlTables } from "../core/sql.ts";
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
  "CREATE TABLE IF NOT EXISTS search_cursor (id INTEGER PRIMARY KEY CHECK (id IN (1, 2)), seq INTEGER NOT NULL)",
];

/** `heading` is shown, not searched: a message's author ("You", "Assistant"); the title otherwise. */
export type SearchDoc = { kind: SearchKind; id: string; conversationId?: string; at: string; title: string; body: string; heading?: string };

/** One candidate from FTS5: its row, bm25 (lower is better) and the snippet with match markers. */
export type SearchHit = { kind: SearchKind; id: string; conversationId: string | null; at: string; title: string; marked: string; bm25: number };

export type HitFilter = { match: string; kind?: SearchKind; from?: string; to?: string; conversationId?: string; limit: number };

/** Q3: title counts four times the body in bm25. */
const TITLE_WEIGHT = 4;
/** Tokens of context in a snippet: about 200 characters of text. */
const SNIPPET_TOKENS = 24;

const KINDS: readonly string[] = ["message", "note", "task", "memory"];
const isKind = (kind: string): kind is SearchKind => KINDS.includes(kind);

export class SearchIndex extends SqlTables {
  constructor(sql: SqlStore) {
    super(sql, SCHEMA);
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
  }

  remove(kind: SearchKind, id: string): void {
    this.#drop("kind = ? AND ref_id = ?", kind, id);
  }

  /** Q12: a deleted conversation's messages. */
  removeConversation(conversationId: string): void {
    this.#drop("kind = 'message' AND conversation_id = ?", conversationId);
  }

  /** Every row of a kind (memories are re-read whole: a handful). */
  removeKind(kind: SearchKind): void {
    this.#drop("kind = ?", kind);
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
    this.cursor = 0;
  }

  get size(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM search_docs").toArray()[0]?.n ?? 0;
  }

  /** The best `limit` candidates by weighted bm25, with their snippets. */
  hits(filter: HitFilter): SearchHit[] {
    const where = ["search_fts MATCH ?"];
    const args: (string | number)[] = [filter.match];
    if (filter.kind) (where.push("d.kind = ?"), args.push(filter.kind));
    if (filter.from) (where.push("d.at >= ?"), args.push(filter.from));
    if (filter.to) (where.push("d.at < ?"), args.push(filter.to));
    if (filter.conversationId) (where.push("d.conversation_id = ?"), args.push(filter.conversationId));
    const rows = this.sql
      .exec<{ kind: string; ref_id: string; conversation_id: string | null; at: string; title: string; marked: string; rank: number }>(
        `SELECT d.kind, d.ref_id, d.conversation_id, d.at, d.heading AS title,
                snippet(search_fts, -1, '${MARK_OPEN}', '${MARK_CLOSE}', '…', ${SNIPPET_TOKENS}) AS marked,
                bm25(search_fts, ${TITLE_WEIGHT}, 1) AS rank
         FROM search_fts JOIN search_docs d ON d.rowid = search_fts.rowid
         WHERE ${where.join(" AND ")}
         ORDER BY rank LIMIT ?`,
        ...args,
        filter.limit,
      )
      .toArray();
    return rows.flatMap((r) =>
      isKind(r.kind) ? [{ kind: r.kind, id: r.ref_id, conversationId: r.conversation_id, at: r.at, title: r.title, marked: r.marked, bm25: r.rank }] : [],
    );
  }

  #drop(where: string, ...args: string[]): void {
    // External content: FTS5 forgets a row only when told its old text.
    this.sql.exec(`INSERT INTO search_fts (search_fts, rowid, title, body) SELECT 'delete', rowid, title, body FROM search_docs WHERE ${where}`, ...args);
    this.sql.exec(`DELETE FROM search_docs WHERE ${where}`, ...args);
  }
}

/** Q14: messages older than the 90-day archive leave the index with it (called by chat retention). */
export function pruneSearch(sql: SqlStore, cutoff: string): number {
  const exists = sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE name = 'search_docs'").toArray()[0]?.n ?? 0;
  if (exists === 0) return 0;
  const where = "kind = 'message' AND at < ?";
  sql.exec(`INSERT INTO search_fts (search_fts, rowid, title, body) SELECT 'delete', rowid, title, body FROM search_docs WHERE ${where}`, cutoff);
  return sql.exec<{ rowid: number }>(`DELETE FROM search_docs WHERE ${where} RETURNING rowid`, cutoff).toArray().length;
}
