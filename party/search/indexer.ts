/**
 * Keeps the search index in step with the ledger, incrementally (docs/PROTOCOL.md
 * Q11–Q16): never on the acknowledgement path — a published event only
 * schedules a step; the events after the persisted cursor are indexed in
 * chunks of CHUNK, one chunk per macrotask (never an unbounded loop in one
 * turn), each event in its own savepoint (a poison event is skipped, Q18), and
 * a search first catches up a bounded number of chunks. Notes and tasks typed
 * through Yjs (one `note.updated` per 30 s, on the leading edge) are re-read
 * DEBOUNCE_MS after their last document change, before any search, and checked
 * against the document on wake (Q19). Entries are re-read as they are now (the
 * document for tasks and notes, the projection for memories), so indexing an
 * event twice, or late, gives the same rows.
 */
import * as Y from "yjs";
import { DEFAULT_CONVERSATION_ID } from "../../shared/conversations.ts";
import { notesOf, readNote, readTask, tasksOf } from "../../shared/doc-schema.ts";
import type { LedgerEvent } from "../../shared/domain.ts";
import type { SearchQuery, SearchResult } from "../../shared/search-results.ts";
import type { Ledger } from "../core/ledger.ts";
import type { SqlStore } from "../core/sql.ts";
import { PRUNED_TEXT } from "../chat/retention.ts";
import { SearchIndex } from "./index.ts";
import { boosted, dateRange, highlighted, indexable, toMatch } from "./query.ts";

/** Events indexed per step (Q15). */
export const CHUNK = 500;
/** Q16: chunks a search may index before it answers (5,000 events); a room further behind answers from what is indexed. */
export const SEARCH_CATCH_UP_CHUNKS = 10;
/** Candidates read per result wanted, so the recency boost can reorder near-ties. */
const CANDIDATES = 3;
/** Q19: a note or task typed through Yjs is re-read this long after its last change. */
export const DEBOUNCE_MS = 2_000;

export type SearchIndexerDeps = {
  sql: SqlStore;
  ledger: Pick<Ledger, "since" | "lastSeq" | "state">;
  doc: Y.Doc;
  now: () => number;
  /** Runs `fn` in a later macrotask (setTimeout 0 in the room; tests may step by hand). */
  later?: (fn: () => void) => void;
  /** Runs `fn` after `ms` (setTimeout in the room); returns a cancel. */
  after?: (ms: number, fn: () => void) => () => void;
  log?: (event: string, detail: string) => void;
};

export class SearchIndexer {
  readonly index: SearchIndex;
  #deps: SearchIndexerDeps;
  #scheduled = false;
  /** Q19: the document is checked against the index once after a wake-up. */
  #checkDocument = true;
  /** Q19: notes and tasks changed in the document since they were last read. */
  #dirty = { note: new Set<string>(), task: new Set<string>() };
  #cancelDebounce: (() => void) | null = null;
  /** Q18: seqs already reported as skipped (logged once each). */
  #skipped = new Set<number>();

  constructor(deps: SearchIndexerDeps) {
    this.#deps = deps;
    this.index = new SearchIndex(deps.sql);
    // Q19: a note's body is typed (its `note.updated` comes once per 30 s, on the first keystroke), so notes are
    // read again after the typing stops. A task's every change is its own `task.*` event: no timer for tasks,
    // which would otherwise hold the room awake DEBOUNCE_MS after each edit.
    notesOf(deps.doc).observeDeep((events) => this.#touched("note", events));
    // Q15: on wake, nothing now: the document check and the first chunk in a later turn.
    this.#continue();
  }

  /** Events in the ledger not yet indexed. */
  get behind(): boolean {
    return this.index.cursor < this.#deps.ledger.lastSeq;
  }

  /** The ledger's publish path: an event just appended. Q11: never indexed here — a later step does it, off the ack path. */
  published(_event: LedgerEvent): void {
    this.#continue();
  }

  /** Indexes up to CHUNK events after the cursor, each in its own savepoint; true when more remain. */
  step(): boolean {
    const from = this.index.cursor;
    const events = this.#deps.ledger.since(from, CHUNK);
    this.#deps.sql.transactionSync(() => {
      for (const event of events) {
        try {
          if (this.#deps.sql.transactionSync(() => this.#apply(event))) return;
        } catch (error) {
          // Q18: a poison event is passed over (its own savepoint rolled back), reported once, never retried forever.
          if (!this.#skipped.has(event.seq)) {
            this.#skipped.add(event.seq);
            this.#deps.log?.("search.event_skipped", `${event.seq} ${event.type}: ${describe(error)}`);
          }
        }
      }
      // Rows this build cannot read are skipped by `since`: the cursor still passes them.
      const last = events.at(-1)?.seq ?? Math.min(this.#deps.ledger.lastSeq, from + CHUNK);
      if (last > this.index.cursor) this.index.cursor = last;
    });
    return this.behind;
  }

  /** Q19: re-reads the notes and tasks changed in the document since they were last read. */
  flushDocument(): void {
    this.#cancelDebounce?.();
    this.#cancelDebounce = null;
    const notes = [...this.#dirty.note];
    const tasks = [...this.#dirty.task];
    this.#dirty.note.clear();
    this.#dirty.task.clear();
    if (notes.length + tasks.length === 0) return;
    this.#deps.sql.transactionSync(() => {
      for (const id of notes) this.#note(id);
      for (const id of tasks) this.#task(id);
    });
  }

  /** Q19: on wake, every note and task whose indexed text differs from the document is read again; rows of gone entries removed. */
  checkDocument(): number {
    let changed = 0;
    this.#deps.sql.transactionSync(() => {
      for (const [kind, root] of [["note", notesOf(this.#deps.doc)], ["task", tasksOf(this.#deps.doc)]] as const) {
        const indexed = this.index.texts(kind);
        for (const id of root.keys()) {
          const entry = kind === "note" ? readNote(this.#deps.doc, id) : readTask(this.#deps.doc, id);
          const row = indexed.get(id);
          indexed.delete(id);
          if (!entry) continue;
          const body = "body" in entry ? entry.body : entry.tags.join(" ");
          if (row && row.title === indexable(entry.title) && row.body === indexable(body)) continue;
          changed++;
          if (kind === "note") this.#note(id);
          else this.#task(id);
        }
        for (const id of indexed.keys()) (this.index.remove(kind, id), changed++);
      }
    });
    return changed;
  }

  /** Q16: the results for a query, best first; null when nothing searchable is left of `q`. */
  search(query: SearchQuery): SearchResult[] | null {
    const match = toMatch(query.q);
    if (match === null) return null;
    try {
      this.#wakeCheck();
      for (let i = 0; i < SEARCH_CATCH_UP_CHUNKS && this.behind; i++) this.step();
      this.flushDocument();
    } catch (error) {
      // Q18: a catch-up that fails leaves the search answering from what is indexed.
      this.#deps.log?.("search.index_failed", describe(error));
    }
    if (this.behind) this.#continue();
    const now = this.#deps.now();
    const range = dateRange(this.#deps.ledger.state.preferences.timezone, query.from, query.to);
    const hits = this.index.hits({
      match,
      prefix: match.endsWith("*"),
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
        this.#wakeCheck();
        if (this.step()) this.#continue();
      } catch (error) {
        // The next event or search tries again from the same cursor.
        this.#deps.log?.("search.index_failed", describe(error));
      }
    });
  }

  #wakeCheck(): void {
    if (!this.#checkDocument) return;
    this.checkDocument();
    this.#checkDocument = false;
  }

  /** Q19: an entry changed in the document (any origin); read again DEBOUNCE_MS after the last change. */
  #touched(kind: "note" | "task", events: Y.YEvent<Y.AbstractType<unknown>>[]): void {
    for (const e of events) {
      const id = e.path[0];
      if (typeof id === "string") this.#dirty[kind].add(id);
      else if (e instanceof Y.YMapEvent) for (const key of e.keysChanged) if (typeof key === "string") this.#dirty[kind].add(key);
    }
    this.#cancelDebounce?.();
    const after =
      this.#deps.after ??
      ((ms: number, fn: () => void) => {
        const timer = setTimeout(fn, ms);
        return () => clearTimeout(timer);
      });
    this.#cancelDebounce = after(DEBOUNCE_MS, () => {
      this.#cancelDebounce = null;
      try {
        this.flushDocument();
      } catch (error) {
        this.#deps.log?.("search.index_failed", describe(error));
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
        // Q14: what retention redacted is gone; an old message still hot (its text kept) stays searchable.
        if (m.text === PRUNED_TEXT || m.text.trim() === "") return;
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
        return this.#memory(event.payload.memory.id);
      case "memory.unpinned":
        return index.remove("memory", event.payload.memoryId);
      case "turn.undone":
        // D18: an undo restores or removes tasks, notes and memories without their own events.
        for (const r of event.payload.reverted ?? []) {
          if (r.kind === "task.removed" || r.kind === "task.reverted") this.#task(r.taskId);
          if (r.kind === "task.restored") this.#task(r.task.id);
          if (r.kind === "note.removed" || r.kind === "note.reverted") this.#note(r.noteId);
          if (r.kind === "note.restored") this.#note(r.note.id);
          if (r.kind === "memory.restored") this.#memory(r.memory?.id);
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

  /**
   * Q12: the memory an event names, as the projection holds it now; a memory its slot no longer
   * holds (replaced by a later pin, or unpinned) leaves the index. Reads only ids, writes one row.
   */
  #memory(id: string | undefined): void {
    const current = new Map(Object.values(this.#deps.ledger.state.memories).map((m) => [m.id, m]));
    for (const indexed of this.index.memoryIds()) if (!current.has(indexed)) this.index.remove("memory", indexed);
    const m = id === undefined ? undefined : current.get(id);
    if (m) this.index.upsert({ kind: "memory", id: m.id, at: m.updatedAt, title: m.key, body: m.value });
  }
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : "unknown").slice(0, 200);
