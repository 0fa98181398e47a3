/**
 * The search index on node:sqlite (FTS5 is compiled in): fed by the ledger's
 * publish path, caught up from its cursor in chunks after a restart, and
 * queried with user text that never reaches FTS5 as syntax (docs/PROTOCOL.md Q).
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Command } from "../../shared/commands.ts";
import { SearchQuerySchema, type SearchResult } from "../../shared/search-results.ts";
import { type CommandDeps, executeCommand } from "../../party/core/commands.ts";
import { Ledger } from "../../party/core/ledger.ts";
import { CHUNK, SearchIndexer } from "../../party/search/indexer.ts";
import { pruneSearch } from "../../party/search/index.ts";
import { maintain } from "../../party/chat/retention.ts";
import { ChatStore } from "../../party/chat/store.ts";
import { nodeSql } from "../support/node-sql.ts";
import { seededRng } from "../support/random.ts";

const NOW = Date.parse("2026-03-20T12:00:00Z");
const DAY = 86_400_000;

function room(options: { later?: (fn: () => void) => void } = {}) {
  const sql = nodeSql();
  const doc = new Y.Doc();
  let clock = NOW;
  const now = () => clock;
  const ledger = new Ledger(sql, { now });
  const pending: (() => void)[] = [];
  const later = options.later ?? ((fn: () => void) => void pending.push(fn));
  const search = new SearchIndexer({ sql, doc, ledger, now, later });
  ledger.subscribe((event) => search.published(event));
  const deps: CommandDeps = { doc, ledger, now };
  let n = 0;
  const run = (command: Command) => {
    const result = executeCommand(deps, command, { actor: { kind: "user", deviceId: "d1" }, correlationId: `r${++n}` });
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  };
  const message = (text: string, at = clock, conversationId?: string, id = `m${++n}`) =>
    ledger.append({
      type: "message.added",
      actor: { kind: "user" },
      correlationId: id,
      payload: { message: { id, role: "user", text, channel: "chat", status: "complete", createdAt: new Date(at).toISOString(), ...(conversationId ? { conversationId } : {}) } },
    });
  const find = (q: string, extra: Record<string, unknown> = {}): SearchResult[] => {
    const results = search.search(SearchQuerySchema.parse({ q, ...extra }));
    if (results === null) throw new Error(`no words in ${q}`);
    return results;
  };
  const createdId = (result: unknown) => {
    const value = typeof result === "object" && result !== null && "id" in result ? result.id : undefined;
    if (typeof value !== "string") throw new Error("no id in result");
    return value;
  };
  return { sql, doc, ledger, search, run, message, find, createdId, pending, setClock: (ms: number) => (clock = ms), now };
}

describe("search index (Q)", () => {
  it("[Q1][Q11] a message, a note, a task and a memory are found by the next search; nothing is indexed on the publish (ack) path", () => {
    const r = room();
    r.pending.shift()!();
    r.message("Booked the Hotel Adlon in Berlin for the conference");
    r.run({ kind: "note", action: { action: "create", note: { title: "Packing list", body: "passport, charger, the blue suit for the gala dinner" } } });
    r.run({ kind: "task", action: { action: "create", task: { title: "Call the hotel about late checkout", tags: ["trip"] } } });
    r.run({ kind: "memory.pin", pin: { type: "place", key: "favourite hotel", value: "Hotel Adlon, Berlin" } });
    // Q11: appending returned before any indexing; one later step is scheduled, whatever the number of events.
    expect(r.search.index.cursor).toBe(0);
    expect(r.pending).toHaveLength(1);
    const kinds = r.find("hotel").map((h) => h.kind).sort();
    expect(kinds).toEqual(["memory", "message", "task"]);
    expect(r.find("hotel", { kind: "message" }).map((h) => h.kind)).toEqual(["message"]);
    expect(r.find("hotel")[0]!.conversationId ?? "none").not.toBe("");
    expect(r.find("hotel", { kind: "message" })[0]!.conversationId).toBe("main");
    // The heading of a message is its author; "you" is not searchable through it.
    expect(r.find("hotel", { kind: "message" })[0]!.title).toBe("You");
    expect(r.search.search(SearchQuerySchema.parse({ q: "you" }))).toEqual([]);
    expect(r.search.index.cursor).toBe(r.ledger.lastSeq);
  });

  it("[Q6] a \"quoted phrase\" matches the words in that order only", () => {
    const r = room();
    r.run({ kind: "note", action: { action: "create", note: { title: "Gala", body: "bring the blue suit and the red tie" } } });
    r.run({ kind: "note", action: { action: "create", note: { title: "Laundry", body: "the suit is blue, the tie is red" } } });
    const phrase = r.find('"blue suit"');
    expect(phrase.map((h) => h.title)).toEqual(["Gala"]);
    expect(r.find("blue suit").map((h) => h.title).sort()).toEqual(["Gala", "Laundry"]);
  });

  it("[Q5][Q2] the last word matches as a prefix; earlier words whole; diacritics and case fold", () => {
    const r = room();
    r.message("Le HÔTEL près de la gare");
    expect(r.find("hot")).toHaveLength(1);
    expect(r.find("hotel gare")).toHaveLength(1);
    expect(r.find("hot gare")).toHaveLength(0);
    expect(r.find("près")).toHaveLength(1);
    expect(r.find("pres")).toHaveLength(1);
  });

  it("[Q9] the snippet is plain text and the highlights mark exactly the matched words", () => {
    const r = room();
    r.message("We should confirm the hotel booking tomorrow, then email the hotel manager <b>now</b>");
    const [hit] = r.find("hotel");
    expect(hit!.snippet).not.toMatch(/[\uE000\uE001]/);
    expect(hit!.snippet).toContain("<b>now</b>");
    expect(hit!.highlights.length).toBe(2);
    for (const [start, end] of hit!.highlights) expect(hit!.snippet.slice(start, end).toLowerCase()).toBe("hotel");
    // A phrase is one highlight.
    const [phrase] = r.find('"hotel booking"');
    expect(phrase!.highlights.map(([s, e]) => phrase!.snippet.slice(s, e))).toEqual(["hotel booking"]);
  });

  it("[Q9] marker characters typed by the user are not taken for highlights", () => {
    const r = room();
    r.message("fake \uE000mark\uE001 around hotel");
    const [hit] = r.find("hotel");
    expect(hit!.highlights.map(([s, e]) => hit!.snippet.slice(s, e))).toEqual(["hotel"]);
  });

  it("[Q3][Q10] a title match ranks above a body match, and the newer of two equal matches ranks first", () => {
    const r = room();
    r.run({ kind: "note", action: { action: "create", note: { title: "Notes from the offsite", body: "we talked about the budget and the roadmap" } } });
    r.run({ kind: "note", action: { action: "create", note: { title: "Budget", body: "numbers for next quarter" } } });
    expect(r.find("budget").map((h) => h.title)).toEqual(["Budget", "Notes from the offsite"]);
    const scores = r.find("budget").map((h) => h.score);
    expect(scores[0]!).toBeGreaterThan(scores[1]!);
    r.message("dentist appointment moved", NOW - 200 * DAY + 120 * DAY); // 80 days old
    r.message("dentist appointment confirmed", NOW - DAY);
    expect(r.find("dentist appointment").map((h) => h.snippet)).toEqual(["dentist appointment confirmed", "dentist appointment moved"]);
  });

  it("[Q12] a deleted note, task, memory and conversation are not found", () => {
    const r = room();
    const note = r.createdId(r.run({ kind: "note", action: { action: "create", note: { title: "Secret plan", body: "zebra crossing" } } }).result);
    const task = r.createdId(r.run({ kind: "task", action: { action: "create", task: { title: "zebra feeding" } } }).result);
    r.run({ kind: "memory.pin", pin: { type: "fact", key: "pet", value: "a zebra named Stripes" } });
    r.message("the zebra in the work thread", NOW, "work");
    r.message("the zebra in main");
    expect(r.find("zebra")).toHaveLength(5);
    r.run({ kind: "note", action: { action: "delete", noteId: note } });
    r.run({ kind: "task", action: { action: "delete", taskId: task } });
    const memoryId = Object.values(r.ledger.state.memories)[0]!.id;
    r.run({ kind: "memory.unpin", memoryId });
    r.ledger.append({ type: "conversation.deleted", actor: { kind: "user" }, correlationId: "del", payload: { conversationId: "work", messages: 1 } });
    expect(r.find("zebra").map((h) => [h.kind, h.conversationId])).toEqual([["message", "main"]]);
  });

  it("[Q12] an edited note is found by its new words and not its old ones", () => {
    const r = room();
    const note = r.createdId(r.run({ kind: "note", action: { action: "create", note: { title: "Trip", body: "flight to Lisbon" } } }).result);
    r.run({ kind: "note", action: { action: "update", noteId: note, patch: { body: "flight to Porto" } } });
    expect(r.find("lisbon")).toHaveLength(0);
    expect(r.find("porto")).toHaveLength(1);
  });

  it("[Q8] from/to are local dates in the preference zone; conversationId narrows to one conversation", () => {
    const r = room();
    r.run({ kind: "preferences.update", patch: { timezone: "America/New_York" } });
    // 2026-03-10 23:30 in New York is 2026-03-11 03:30 UTC (EDT from 03-08).
    r.message("hotel in new york", Date.parse("2026-03-11T03:30:00Z"));
    r.message("hotel next day", Date.parse("2026-03-11T15:00:00Z"), "trip");
    expect(r.find("hotel", { from: "2026-03-10", to: "2026-03-10" }).map((h) => h.snippet)).toEqual(["hotel in new york"]);
    expect(r.find("hotel", { from: "2026-03-11" }).map((h) => h.snippet)).toEqual(["hotel next day"]);
    expect(r.find("hotel", { conversationId: "trip" }).map((h) => h.snippet)).toEqual(["hotel next day"]);
  });

  it("[Q15][Q16] a restart part-way through 2,000 events resumes at the persisted cursor, chunk by chunk, and finds everything", () => {
    const sql = nodeSql();
    const doc = new Y.Doc();
    const now = () => NOW;
    const ledger = new Ledger(sql, { now });
    for (let i = 0; i < 2_000; i++) {
      const id = `m${i}`;
      ledger.append({
        type: "message.added",
        actor: { kind: "user" },
        correlationId: id,
        payload: { message: { id, role: "user", text: `word${i} shared${i % 7}`, channel: "chat", status: "complete", createdAt: new Date(NOW - i * 1000).toISOString() } },
      });
    }
    const pending: (() => void)[] = [];
    const first = new SearchIndexer({ sql, doc, ledger, now, later: (fn) => pending.push(fn) });
    // Woken with 2,000 events behind: one chunk is waiting, none ran in the constructor's turn.
    expect(first.index.cursor).toBe(0);
    expect(pending).toHaveLength(1);
    pending.shift()!();
    expect(first.index.cursor).toBe(CHUNK);
    pending.shift()!();
    expect(first.index.cursor).toBe(2 * CHUNK);
    // Evicted here: a new indexer on the same storage starts where the last one stopped.
    const again = new Ledger(sql, { now });
    const woken: (() => void)[] = [];
    const second = new SearchIndexer({ sql, doc, ledger: again, now, later: (fn) => woken.push(fn) });
    expect(second.index.cursor).toBe(2 * CHUNK);
    let steps = 0;
    // Bounded: a cursor that does not move would reschedule forever.
    while (woken.length > 0 && steps < 10) (woken.shift()!(), steps++);
    expect(steps).toBe(2);
    expect(second.index.cursor).toBe(2_000);
    expect(second.index.size).toBe(2_000);
    for (const i of [0, 999, 1_000, 1_999]) expect(second.search(SearchQuerySchema.parse({ q: `word${i}` }))!.map((h) => h.id)).toEqual([`m${i}`]);
  });

  it("[Q16] a search first catches up what is behind, whatever the scheduled steps have done", () => {
    const r = room();
    for (let i = 0; i < 1_200; i++) r.message(`entry ${i}`);
    // Published one by one: the scheduled steps index them, a chunk at a time.
    for (let i = 0; r.pending.length > 0 && i < 10; i++) r.pending.shift()!();
    expect(r.search.index.cursor).toBe(r.ledger.lastSeq);
    r.search.index.cursor = 0;
    r.search.index.clear();
    expect(r.find("entry", { limit: 50 })).toHaveLength(50);
    expect(r.search.index.size).toBe(1_200);
  });

  it("[Q13] account.imported rebuilds the index from seq 0, once", () => {
    const r = room();
    r.message("imported hotel message");
    expect(r.find("hotel")).toHaveLength(1);
    r.search.index.remove("message", "m1");
    expect(r.find("hotel")).toHaveLength(0);
    r.ledger.append({ type: "account.imported", actor: { kind: "system" }, correlationId: "imp", payload: { exportedAt: new Date(NOW).toISOString(), events: 1 } });
    r.pending.shift()!();
    // The step that met the import cleared the index and went back to seq 0.
    expect(r.search.index.cursor).toBe(0);
    for (let i = 0; r.pending.length > 0 && i < 10; i++) r.pending.shift()!();
    expect(r.search.index.cursor).toBe(r.ledger.lastSeq);
    expect(r.find("hotel")).toHaveLength(1);
    r.message("after the import, another hotel");
    expect(r.find("hotel")).toHaveLength(2);
    expect(r.search.index.cursor).toBe(r.ledger.lastSeq);
  });

  it("[Q14] messages older than 90 days leave the index with the archive's prune, and are not indexed again", () => {
    const r = room();
    r.message("old hotel", NOW - 30 * DAY);
    r.message("new hotel", NOW);
    expect(r.find("hotel")).toHaveLength(2);
    // 70 days later, past the hot 100: the alarm's maintenance archives and prunes (cutoff = 20 days before NOW).
    const later = NOW + 70 * DAY;
    r.setClock(later);
    for (let i = 0; i < 120; i++) r.message(`filler ${i}`, later);
    maintain({ sql: r.sql, ledger: r.ledger, store: new ChatStore(r.sql), now: later });
    expect(r.find("hotel").map((h) => h.snippet)).toEqual(["new hotel"]);
    // A rebuild from the ledger does not bring it back (its text was redacted; it is past the cutoff anyway).
    r.search.index.clear();
    expect(r.find("hotel").map((h) => h.snippet)).toEqual(["new hotel"]);
    expect(pruneSearch(r.sql, new Date(later + 1).toISOString(), r.ledger.lastSeq + 1)).toBe(121);
  });

  it("[Q14] a message older than 90 days that is still hot (shown in the chat) stays found; only what the redaction removed leaves", () => {
    const r = room();
    const old = NOW - 100 * DAY;
    for (let i = 0; i < 120; i++) r.message(`ancient voyage ${i}`, old + i * 1000);
    expect(r.find("voyage", { limit: 50 })).toHaveLength(50);
    maintain({ sql: r.sql, ledger: r.ledger, store: new ChatStore(r.sql), now: NOW });
    // The 20 before the hot 100 were redacted from the ledger and left the index; the hot 100 stay, however old.
    const count = () => r.sql.exec<{ n: number }>("SELECT count(*) AS n FROM search_docs WHERE kind = 'message'").toArray()[0]!.n;
    expect(count()).toBe(100);
    expect(r.find("voyage 119").map((h) => h.snippet)).toEqual(["ancient voyage 119"]);
    expect(r.find('"voyage 5"')).toHaveLength(0);
    // A rebuild from the ledger indexes the hot ones again (their text was kept), not the redacted ones.
    r.search.index.clear();
    r.find("voyage");
    expect(count()).toBe(100);
  });

  it("[Q7] FTS5 syntax and hostile text in q never error and never match more than the words", () => {
    const r = room();
    r.message("plain words about lunch");
    r.message("NEAR OR AND NOT are words here");
    const rng = seededRng("search hostile q");
    const pieces = ['"', "*", "NEAR(", ")", "-", "OR", "AND", "NOT", "^", ":", "lunch", "{", "}", "+", "'", "\\", "é", "日本", "🏨", "\u0000", "col:", "title:"];
    for (let i = 0; i < 300; i++) {
      const q = Array.from({ length: 1 + rng.int(6) }, () => rng.pick(pieces)).join(rng.pick([" ", ""]));
      const parsed = SearchQuerySchema.safeParse({ q });
      if (!parsed.success) continue;
      const results = r.search.search(parsed.data);
      if (results === null) continue;
      for (const hit of results) expect(hit.kind).toBe("message");
    }
    expect(r.search.search(SearchQuerySchema.parse({ q: '" * - ^ (' }))).toBeNull();
    expect(r.find("NEAR(").map((h) => h.snippet)).toEqual(["NEAR OR AND NOT are words here"]);
    expect(r.find("lunch OR zzz")).toHaveLength(0);
    expect(r.find("title:lunch")).toHaveLength(0);
  });

  it("[Q5] search-as-you-type: a word cut mid-way finds the stemmed word (meeti → meeting, reserva → reservation, runnin → running)", () => {
    const r = room();
    r.message("Booked the hotels for the meeting, running late, reservation confirmed");
    for (const q of ["meeti", "meetin", "meeting", "reserva", "reservati", "runnin", "hote", "hotels", "booked the hote", "late reserva"]) {
      expect(r.find(q).map((h) => h.id), q).toEqual(["m1"]);
    }
    // Earlier words stay whole (stemmed) words; only the last one is a prefix; it is highlighted like any other match.
    expect(r.find("meeti late")).toHaveLength(0);
    expect(r.find("hotel meet reserva")).toHaveLength(1);
    expect(r.find("hotel lunch reserva")).toHaveLength(0);
    const hit = r.find("reserva")[0]!;
    expect(hit.highlights.map(([a, b]) => hit.snippet.slice(a, b))).toEqual(["reservation"]);
  });

  it("[Q18] an event whose indexing always throws is skipped (logged once, typed); the events around it are indexed and search answers", () => {
    const sql = nodeSql();
    const doc = new Y.Doc();
    const now = () => NOW;
    const ledger = new Ledger(sql, { now });
    const logs: [string, string][] = [];
    const pending: (() => void)[] = [];
    const search = new SearchIndexer({ sql, doc, ledger, now, later: (fn) => pending.push(fn), log: (event, detail) => logs.push([event, detail]) });
    ledger.subscribe((event) => search.published(event));
    const add = (id: string, text: string) =>
      ledger.append({ type: "message.added", actor: { kind: "user" }, correlationId: id, payload: { message: { id, role: "user", text, channel: "chat", status: "complete", createdAt: new Date(NOW).toISOString() } } });
    add("a", "before the poison apple");
    add("bad", "poison itself");
    add("c", "after the poison pear");
    // The poison: inserting its row always fails (a trigger stands in for any bug in indexing one event).
    sql.exec("CREATE TRIGGER poison BEFORE INSERT ON search_docs WHEN NEW.ref_id = 'bad' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END");
    for (let i = 0; pending.length > 0 && i < 10; i++) pending.shift()!();
    expect(search.index.cursor).toBe(ledger.lastSeq);
    expect(search.search(SearchQuerySchema.parse({ q: "poison" }))!.map((h) => h.id).sort()).toEqual(["a", "c"]);
    expect(logs.filter(([e]) => e === "search.event_skipped")).toHaveLength(1);
    expect(logs[0]![1]).toMatch(/^2 message\.added: Error: poisoned row/);
    expect(logs[0]![1]).not.toMatch(/\n\s+at /);
    // A catch-up that throws (storage failing) leaves the search answering from what is indexed.
    add("d", "poison again later");
    sql.exec("CREATE TRIGGER broken BEFORE UPDATE ON search_cursor BEGIN SELECT RAISE(ABORT, 'disk trouble'); END");
    expect(search.search(SearchQuerySchema.parse({ q: "apple" }))!.map((h) => h.id)).toEqual(["a"]);
    expect(logs.some(([e, d]) => e === "search.index_failed" && d.includes("disk trouble"))).toBe(true);
  });

  it("[Q12] a memory event writes only the memory it names; a re-pinned slot and an unpin remove the old row", () => {
    const r = room();
    for (let i = 0; i < 30; i++) r.run({ kind: "memory.pin", pin: { type: "fact", key: `fact ${i}`, value: `value number ${i}` } });
    expect(r.find("value", { limit: 50 })).toHaveLength(30);
    // Count the rows written from here on: one pin → one insert, not 31.
    r.sql.exec("CREATE TABLE inserted (n INTEGER)");
    r.sql.exec("CREATE TRIGGER counted AFTER INSERT ON search_docs BEGIN INSERT INTO inserted VALUES (1); END");
    r.run({ kind: "memory.pin", pin: { type: "fact", key: "fact 3", value: "replaced zebra" } });
    r.find("zebra");
    expect(r.sql.exec<{ n: number }>("SELECT count(*) AS n FROM inserted").toArray()[0]!.n).toBe(1);
    expect(r.find("value", { limit: 50 })).toHaveLength(29);
    expect(r.find("zebra")).toHaveLength(1);
    const id = Object.values(r.ledger.state.memories).find((m) => m.key === "fact 7")!.id;
    r.run({ kind: "memory.unpin", memoryId: id });
    expect(r.find("value", { limit: 50 })).toHaveLength(28);
    expect(r.sql.exec<{ n: number }>("SELECT count(*) AS n FROM inserted").toArray()[0]!.n).toBe(1);
  });

  it("[Q2][Q5] a room indexed before the unstemmed table existed fills it once on wake: prefixes work there too", () => {
    const r = room();
    r.message("the reservation is confirmed");
    expect(r.find("reserva")).toHaveLength(1);
    // The index as an older build left it: no unstemmed table.
    r.sql.exec("DROP TABLE search_fts_raw");
    const woken = new SearchIndexer({ sql: r.sql, doc: r.doc, ledger: r.ledger, now: r.now, later: () => {} });
    expect(woken.search(SearchQuerySchema.parse({ q: "reserva" }))!.map((h) => h.id)).toEqual(["m1"]);
  });
});
