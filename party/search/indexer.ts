/**
 * Keeps the search index in step with the ledger, incrementally (docs/PROTOCOL.md
 * Q11–Q16): each published event is indexed in its turn when the index is
 * caught up; otherwise (a wake-up, an import) the events after the persisted
 * cursor are indexed in chunks of CHUNK, one chunk per macrotask — never an
 * unbounded loop in one turn — and a search first catches up a bounded
 * number of chunks. Entries are re-read as they are now (the document for
 * tasks and notes, the projection for memories), so indexing an event twice,
 * or late, gives the same rows.
 */
import type * as Y from "yjs";
import { DEFAULT_CONVERSATION_ID } from "../../shared/conversations.ts";
import { readNote, readTask } from "../../shared/doc-schema.ts";
import type { LedgerEvent } from "../../shared/domain.ts";
import type { SearchQuery, SearchResult } from "../../shared/search-results.ts";
import type { Ledger } from "../core/ledger.ts";
import type { SqlStore } from "../core/sql.ts";
import { ARCHIVE_RETENTION_MS, PRUNED_TEXT } from "../chat/retention.ts";
import { SearchIndex } from "./index.ts";
import { boosted, dateRange, highlighted, toMatch } from "./query.ts";

/** Events indexed per step (Q15). */
export const CHUNK = 500;
/** Q16: chunks a search may index before it answers (5,000 events); a room further behind answers from what is indexed. */
export const SEARCH_CATCH_UP_CHUNKS = 10;
/** Candidates read per result wanted, so the recency boost can reorder near-ties. */
const CANDIDATES = 3;

export type SearchIndexerDeps = {
  sql: SqlStore;
  ledger: Pick<Ledger, "since" | "lastSeq" | "state">;
  doc: Y.Doc;
  now: () => number;
  /** Runs `fn` in a later macrotask (setTimeout 0 in the room; tests may step by hand). */
  later?: (fn: () => void) => void;
  log?: (event: string, detail: string) => void;
};

export class SearchIndexer {
  readonly index: SearchIndex;
  #deps: SearchIndexerDeps;
  #scheduled = false;

  constructor(deps: SearchIndexerDeps) {
    this.#deps = deps;
    this.index = new SearchIndex(deps.sql);
    // Q15: on wake, one chunk now and the rest in later turns.
    if (this.behind) this.#continue();
  }

  /** Events in the ledger not yet indexed. */
  get behind(): boolean {
    return this.index.cursor < this.#deps.ledger.lastSeq;
  }

  /** The ledger's publish path: an event just appended. Indexed now when it is the next one, else by the catch-up. */
  published(event: LedgerEvent): void {
    if (event.seq !== this.index.cursor + 1) return this.#continue();
    try {
      const restarted = this.#deps.sql.transactionSync(() => {
        const restart = this.#apply(event);
        if (!restart) this.index.cursor = event.seq;
        return restart;
      });
      if (restarted) this.#continue();
    } catch (error) {
      // The event is stored whatever the index does: its cursor stays, and a later step indexes it again.
      this.#deps.log?.("search.index_failed", error instanceof Error ? error.message.slice(0, 200) : "unknown");
    }
  }

  /** Indexes up to CHUNK events after the cursor, in one transaction; true when more remain. */
  step(): boolean {
    const from = this.index.cursor;
    const events = this.#deps.ledger.since(from, CHUNK);
    this.#deps.sql.transactionSync(() => {
      for (const event of events) if (this.#apply(event)) return;
      // Rows this build cannot read are skipped by `since`: the cursor still passes them.
      const last = events.at(-1)?.seq ?? Math.min(this.#deps.ledger.lastSeq, from + CHUNK);
      if (last > this.index.cursor) this.index.cursor = last;
    });
    return this.behind;
  }

  /** Q16: the results for a query, best first; null when nothing searchable is left of `q`. */
  search(query: SearchQuery): SearchResult[] | null {
    const match = toMatch(query.q);
    if (match === null) return null;
    for (let i = 0; i < SEARCH_CATCH_UP_CHUNKS && this.behind; i++) this.step();
    if (this.behind) this.#continue();
    const now = this.#deps.now();
    const range = dateRange(this.#deps.ledger.state.preferences.timezone, query.from, query.to);
    const hits = this.index.hits({
      match,
      limit: query.limit * CANDIDATES,
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.conversationId ? { conversationId: query.conversationId } : {}),
      ...range,
    });
    return hits
      .map((hit): SearchResult => {
        const { snippet, highlights } = highlighted(hit.marked);
        return {
          kind: hit.kind,
          id: hit.id,
          ...(hit.conversationId !== null ? { conversationId: hit.conversationId } : {}),
          snippet,
          highlights,
          score: Number(boosted(hit.bm25, hit.at, now).toPrecision(6)),
          ...(hit.title ? { title: hit.title.slice(0, 200) } : {}),
          at: hit.at,
        };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, query.limit);
  }

  #continue(): void {
    if (this.#scheduled) return;
    const later = this.#deps.later ?? ((fn: () => void) => void setTimeout(fn, 0));
    this.#scheduled = true;
    later(() => {
      this.#scheduled = false;
      try {
        if (this.step()) this.#continue();
      } catch (error) {
        // The next event or search tries again from the same cursor.
        this.#deps.log?.("search.index_failed", error instanceof Error ? error.message : "unknown");
      }
    });
  }

  /** Indexes one event; true when it restarted the index from seq 0 (an import). */
  #apply(event: LedgerEvent): boolean {
    if (event.type === "account.imported") {
      // Q13: the ledger before this event is the archive's: index it all again from seq 0, chunk by chunk,
      // once per import (met again during that rebuild, the same event is passed over).
      if (this.index.rebuiltFor >= event.seq) return false;
      this.index.clear();
      this.index.rebuiltFor = event.seq;
      return true;
    }
    this.#index(event);
    return false;
  }

  #index(event: LedgerEvent): void {
    const index = this.index;
    switch (event.type) {
      case "message.added": {
        const m = event.payload.message;
        const cutoff = new Date(this.#deps.now() - ARCHIVE_RETENTION_MS).toISOString();
        if (m.text === PRUNED_TEXT || m.createdAt < cutoff || m.text.trim() === "") return;
        index.upsert({ kind: "message", id: m.id, conversationId: m.conversationId ?? DEFAULT_CONVERSATION_ID, at: m.createdAt, title: "", body: m.text, heading: m.role === "user" ? "You" : "Assistant" });
        return;
      }
      case "conversation.deleted":
        return index.removeConversation(event.payload.conversationId);
      case "task.created":
        return this.#task(event.payload.task.id);
      case "task.updated":
      case "task.completed":
      case "task.deleted":
        return this.#task(event.payload.taskId);
      case "note.created":
        return this.#note(event.payload.note.id);
      case "note.updated":
      case "note.deleted":
        return this.#note(event.payload.noteId);
      case "memory.pinned":
      case "memory.unpinned":
        return this.#memories();
      case "turn.undone":
        // D18: an undo restores or removes tasks, notes and memories without their own events.
        for (const r of event.payload.reverted ?? []) {
          if (r.kind === "task.removed" || r.kind === "task.reverted") this.#task(r.taskId);
          if (r.kind === "task.restored") this.#task(r.task.id);
          if (r.kind === "note.removed" || r.kind === "note.reverted") this.#note(r.noteId);
          if (r.kind === "note.restored") this.#note(r.note.id);
          if (r.kind === "memory.restored") this.#memories();
        }
        return;
      default:
        return;
    }
  }

  #task(id: string): void {
    const task = readTask(this.#deps.doc, id);
    if (!task) return this.index.remove("task", id);
    this.index.upsert({ kind: "task", id, at: task.updatedAt, title: task.title, body: task.tags.join(" ") });
  }

  #note(id: string): void {
    const note = readNote(this.#deps.doc, id);
    if (!note) return this.index.remove("note", id);
    this.index.upsert({ kind: "note", id, at: note.updatedAt, title: note.title, body: note.body });
  }

  /** Memories are few (a projection keyed by slot): re-read them whole. */
  #memories(): void {
    this.index.removeKind("memory");
    for (const m of Object.values(this.#deps.ledger.state.memories)) {
      this.index.upsert({ kind: "memory", id: m.id, at: m.updatedAt, title: m.key, body: m.value });
    }
  }
}
