/**
 * R30–R34: the work a turn does before its first token does not grow with the
 * room's history. Counted, not timed: rows SQLite hands back, the query plans
 * of the statements run, and document entries validated — the same in a room
 * with a short history as in one with 20k events and 5k tasks.
 */
import { describe, expect, it, vi } from "vitest";
import { TaskReadSchema } from "../../shared/domain.ts";
import { asSchema } from "ai";
import { BUILT_IN_TOOLS } from "../../party/chat/tools.ts";
import * as Y from "yjs";
import { readContextItems, CONTEXT_OPEN_TASKS } from "../../party/chat/context-items.ts";
import { readTasks, tasksOf } from "../../shared/doc-schema.ts";
import { FakeRoom } from "../support/fake-room.ts";
import type { SqlValue } from "../../party/core/sql.ts";
import { SNAPSHOT_EVERY } from "../../party/core/ledger.ts";
import { nodeSql } from "../support/node-sql.ts";
import { seededRng } from "../support/random.ts";
import { seedRoom, seedTask, type SeedSize } from "../support/seed-history.ts";

/** node:sqlite that counts the rows each statement returns and remembers the statements run. */
function countingSql(sql = nodeSql()) {
  const counted = { rows: 0, queries: new Set<string>() };
  const exec: typeof sql.exec = <T extends Record<string, SqlValue>>(query: string, ...bindings: SqlValue[]) => {
    const rows = sql.exec<T>(query, ...bindings).toArray();
    counted.rows += rows.length;
    counted.queries.add(query.trim());
    return { toArray: () => rows };
  };
  return { sql: { ...sql, exec }, counted };
}

/** A room of `size`, one device, and the work its next message costs up to the end of the turn. */
/** The query plans of `queries`, as SQLite would run them (every binding 0). */
function plansOf(sql: ReturnType<typeof nodeSql>, queries: Iterable<string>) {
  return [...queries].map((q) => {
    const bindings = (q.match(/\?/g) ?? []).map(() => 0);
    return { q, plan: sql.db.prepare(`EXPLAIN QUERY PLAN ${q}`).all(...bindings).map((r) => String((r as { detail: string }).detail)) };
  });
}

/** A SCAN reads every row (or every index entry) of a table; these tables grow with history. */
const GROWING = /^SCAN (ledger_events|ledger_snapshots|chat_archive|chat_tokens|chat_turns|chat_turn_meta|chat_proposals|chat_proposal_items)\b/;
/** The last row by primary key plans as a SCAN, but reads one row: SQLite walks the rowid b-tree from its end. */
const LAST_BY_KEY = /ORDER BY (seq|rowid) DESC LIMIT 1$/;
const scansOf = (plans: ReturnType<typeof plansOf>) =>
  plans.filter((p) => !LAST_BY_KEY.test(p.q) && p.plan.some((line) => GROWING.test(line))).map((s) => `${s.q} → ${s.plan.join("; ")}`);

async function turnWork(size: SeedSize) {
  const { sql, counted } = countingSql();
  const room = new FakeRoom({ sql, now: Date.parse("2026-11-25T10:00:00.000Z"), env: { MESSAGES_PER_MINUTE: "1000", LLM_DAILY_TOKEN_BUDGET: "100000000" } });
  seedRoom({ ledger: room.room.ledger, doc: room.doc, store: room.room.chat.store, now: room.clock, setClock: (ms) => (room.clock = ms) }, size);
  const device = room.connect();
  device.hello("phone", { focused: true });
  // One message first, so both rooms have the same last minute (and prepared statements).
  device.sendFrame({ type: "message.send", command: { text: "add a task: water the plants", channel: "chat" } });
  room.flush();
  await room.room.chat.idle();
  room.flush();
  counted.rows = 0;
  counted.queries.clear();
  const validated = vi.spyOn(TaskReadSchema, "safeParse");
  device.sendFrame({ type: "message.send", command: { text: "how are you today", channel: "chat" } });
  room.flush();
  await room.room.chat.idle();
  room.flush();
  const tasksValidated = validated.mock.calls.length;
  validated.mockRestore();
  expect(device.of("llm.completed")).toHaveLength(2);
  return { rows: counted.rows, plans: plansOf(sql, counted.queries), tasksValidated };
}

describe("Brain — a turn's start costs the same whatever the history (R30–R34)", () => {
  it("[R32] [R33] a message and its turn read as many rows, and scan no growing table, with 20k events as with 100", { timeout: 120_000 }, async () => {
    const small = await turnWork({ events: 100, tasks: 20, notes: 5, archivedDays: 2 });
    const large = await turnWork({ events: 20_000, tasks: 5_000, notes: 500, archivedDays: 60 });
    expect(large.rows).toBe(small.rows);
    expect(small.tasksValidated).toBeGreaterThan(0);
    expect(large.tasksValidated).toBeLessThanOrEqual(CONTEXT_OPEN_TASKS);
    expect(scansOf(large.plans)).toEqual([]);
  });

  it("[R31] a room woken over 20k events reads the snapshot and its tail and the document, never the ledger or the archive", () => {
    const now = Date.parse("2026-11-25T10:00:00.000Z");
    const sql = nodeSql();
    const first = new FakeRoom({ sql, now });
    seedRoom({ ledger: first.room.ledger, doc: first.doc, store: first.room.chat.store, now, setClock: (ms) => (first.clock = ms) }, { events: 20_500, tasks: 2_000, notes: 100, archivedDays: 30 });
    const docRows = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM doc_updates").toArray()[0]!.n + 1;
    const { sql: counting, counted } = countingSql(sql);
    const woken = new FakeRoom({ sql: counting, now });
    const device = woken.connect();
    device.hello("phone", { lastEventSeq: 0 });
    woken.flush();
    expect(device.of("snapshot")).toHaveLength(1);
    expect(woken.room.ledger.lastSeq).toBe(20_500);
    expect(counted.rows).toBeLessThanOrEqual(SNAPSHOT_EVERY + docRows + 100);
    expect(scansOf(plansOf(sql, counted.queries))).toEqual([]);
  });

  it("[R32] the per-minute message limit reads the last minute through an index", () => {
    const room = new FakeRoom();
    const plan = room.sql.db
      .prepare("EXPLAIN QUERY PLAN SELECT ts FROM ledger_events WHERE type = 'message.added' AND ts > ? AND json_extract(actor, '$.kind') = 'user' ORDER BY ts")
      .all(0)
      .map((r) => String((r as { detail: string }).detail));
    expect(plan.join("; ")).toMatch(/SEARCH ledger_events USING INDEX ledger_messages_by_ts/);
  });

  it("[R34] every turn's tools share one input schema per tool, so its JSON Schema is built once per process", () => {
    const turn = () => ({ ctx: {} as never, perform: () => ({ ok: false as const, error: "unused" }), outward: {} as never });
    for (const entry of BUILT_IN_TOOLS) {
      const first = entry.bind(turn()).inputSchema;
      const second = entry.bind(turn()).inputSchema;
      expect(second, entry.name).toBe(first);
      // The SDK's schema keeps its JSON Schema once read: the second read is the same object.
      const schema = asSchema(first);
      expect(schema.jsonSchema).toBe(schema.jsonSchema);
    }
  });

  it(`[R33] the context validates at most ${CONTEXT_OPEN_TASKS} tasks plus the pointed ids, with 10 tasks or 10,000`, () => {
    for (const count of [10, 10_000]) {
      const doc = new Y.Doc();
      doc.transact(() => {
        for (let i = 0; i < count; i++) {
          const entry = new Y.Map<unknown>();
          for (const [k, v] of Object.entries(seedTask(i, "2026-11-20T09:00:00.000Z"))) entry.set(k, v);
          tasksOf(doc).set(`seed-task-${i}`, entry);
        }
      });
      const items = readContextItems(doc, ["seed-task-1", "nothing-here"]);
      expect(items.parsed).toBeLessThanOrEqual(CONTEXT_OPEN_TASKS + 2);
      expect(items.scanned).toBe(count);
      // The next turn, nothing changed: no task is read again to find the open ones.
      expect(readContextItems(doc, []).scanned).toBe(0);
      tasksOf(doc).get("seed-task-3")!.set("title", "renamed");
      expect(readContextItems(doc, []).scanned).toBe(count);
      expect(items.open).toHaveLength(Math.min(CONTEXT_OPEN_TASKS, readTasks(doc).filter((t) => t.status === "open").length));
      expect(items.pointed.map((x) => x.id)).toEqual(["seed-task-1"]);
    }
  });

  it("[R33] the context's open tasks are the first open ones of the full list, invalid entries skipped (seeded)", () => {
    const rng = seededRng("context open tasks");
    for (let round = 0; round < 30; round++) {
      const doc = new Y.Doc();
      const count = 1 + rng.int(150);
      doc.transact(() => {
        for (let i = 0; i < count; i++) {
          const task = { ...seedTask(i, `2026-11-${String(10 + rng.int(9)).padStart(2, "0")}T09:00:00.000Z`), order: rng.int(40), status: rng.pick(["open", "done"] as const) };
          const entry = new Y.Map<unknown>();
          for (const [k, v] of Object.entries(task)) entry.set(k, v);
          // Some entries break the schema: the room repairs them, but the context must skip one it meets.
          if (rng.int(10) === 0) entry.set("title", 42);
          tasksOf(doc).set(task.id, entry);
        }
      });
      const limit = 1 + rng.int(60);
      const expected = readTasks(doc).filter((t) => t.status === "open").slice(0, limit);
      expect(readContextItems(doc, [], limit).open).toEqual(expected);
      // Then an edit: a task's status or order changes, or a task goes; the next read sees it.
      const ids = [...tasksOf(doc).keys()];
      const id = rng.pick(ids);
      const edit = rng.int(3);
      if (edit === 0) tasksOf(doc).get(id)!.set("status", rng.pick(["open", "done"]));
      else if (edit === 1) tasksOf(doc).get(id)!.set("order", rng.int(40));
      else tasksOf(doc).delete(id);
      expect(readContextItems(doc, [], limit).open).toEqual(readTasks(doc).filter((t) => t.status === "open").slice(0, limit));
    }
  });
});
