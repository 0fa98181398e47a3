import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Command } from "../../shared/commands.ts";
import type { Memory } from "../../shared/domain.ts";
import { EventEnvelopeSchema, type LedgerEvent, parseLedgerEvent } from "../../shared/events.ts";
import { type CommandDeps, executeCommand } from "../../party/core/commands.ts";
import { readTasks } from "../../shared/doc-schema.ts";
import { DocStore } from "../../party/core/doc-store.ts";
import { Ledger } from "../../party/core/ledger.ts";
import { nodeSql } from "../support/node-sql.ts";
import { seededRng } from "../support/random.ts";

function room(options: { snapshotEvery?: number; path?: string } = {}) {
  const sql = nodeSql(options.path);
  let clock = Date.UTC(2026, 10, 21, 9);
  const now = () => (clock += 1000);
  const ledger = new Ledger(sql, { now, snapshotEvery: options.snapshotEvery });
  const doc = new Y.Doc();
  const docs = new DocStore(sql, now);
  docs.attach(doc, (o) => (o && typeof o === "object" && "actorLabel" in o ? String(o.actorLabel) : "system"));
  const announced: LedgerEvent[] = [];
  ledger.subscribe((e) => announced.push(e));
  const deps: CommandDeps = { doc, ledger, now };
  const run = (command: Command, clientActionId?: string) =>
    executeCommand(deps, command, { actor: { kind: "user", deviceId: "d1" }, correlationId: "req-1", clientActionId });
  return { sql, ledger, doc, deps, announced, run };
}

const create = (title: string): Command => ({ kind: "task", action: { action: "create", task: { title } } });

describe("Brain — ledger", () => {
  it("[L1] appends events with consecutive seqs and announces each after it is stored", () => {
    const r = room();
    r.run(create("a"));
    r.run({ kind: "memory.pin", pin: { type: "place", key: "airport", value: "JFK" } });
    expect(r.ledger.since(0, 10).map((e) => [e.seq, e.type])).toEqual([
      [1, "task.created"],
      [2, "memory.pinned"],
    ]);
    expect(r.announced.map((e) => e.seq)).toEqual([1, 2]);
    expect(r.announced[0]).toMatchObject({ actor: { kind: "user", deviceId: "d1" }, correlationId: "req-1" });
    expect(r.announced[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
  });

  it("[L2] an event id already stored is applied once and returned as duplicate", () => {
    const r = room();
    const memory: Memory = { id: "m", type: "fact", key: "k", value: "v", pinnedAt: "2026-11-21T09:00:00.000Z", updatedAt: "2026-11-21T09:00:00.000Z" };
    const first = r.ledger.append({ id: "01890000-0000-7000-8000-000000000001", type: "memory.pinned", actor: { kind: "system" }, correlationId: "c", payload: { memory } });
    const again = r.ledger.append({ id: "01890000-0000-7000-8000-000000000001", type: "memory.pinned", actor: { kind: "system" }, correlationId: "c2", payload: { memory: { ...memory, value: "other" } } });
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect(again.event).toEqual(first.event);
    expect(r.ledger.lastSeq).toBe(1);
  });

  it("[L3] a repeated clientActionId gets the original result, marked duplicate, and no new event", () => {
    const r = room();
    const first = r.run(create("Call John"), "action-0001");
    const again = r.run(create("Call John"), "action-0001");
    expect(first.ok && again.ok).toBe(true);
    if (!first.ok || !again.ok) return;
    expect(again.value).toEqual({ result: first.value.result, duplicate: true, seq: first.value.seq });
    expect(readTasks(r.doc)).toHaveLength(1);
    expect(r.ledger.lastSeq).toBe(1);
    expect(r.announced).toHaveLength(1);
  });

  it("[L4] the same clientActionId with another payload is a conflict and changes nothing", () => {
    const r = room();
    r.run(create("Call John"), "action-0002");
    const other = r.run(create("Call Jane"), "action-0002");
    expect(other).toEqual({ ok: false, error: { code: "conflict", message: expect.stringContaining("action-0002") } });
    expect(readTasks(r.doc).map((t) => t.title)).toEqual(["Call John"]);
    expect(r.ledger.lastSeq).toBe(1);
  });

  it("[H4] a rejected command leaves no event and no document change", () => {
    const r = room();
    const before = Y.encodeStateAsUpdate(r.doc);
    const missing = r.run({ kind: "task", action: { action: "complete", taskId: "nope" } });
    expect(missing).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(r.ledger.lastSeq).toBe(0);
    expect(Y.encodeStateAsUpdate(r.doc)).toEqual(before);
  });

  it("[L5][L6] replay from zero, hydrate from snapshot and live state agree over a random history", () => {
    const rng = seededRng("ledger replay");
    const r = room({ snapshotEvery: 37 });
    const keys = ["airport", "coffee", "gym", "doctor"];
    const zones = ["UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo"];
    for (let i = 0; i < 400; i++) {
      const tasks = readTasks(r.doc);
      const roll = rng.int(6);
      const task = tasks.length > 0 ? rng.pick(tasks) : null;
      const id = rng.int(4) === 0 ? `act-${rng.int(50).toString().padStart(4, "0")}` : undefined;
      if (roll === 0 || !task) r.run(create(`task ${i}`), id);
      else if (roll === 1) r.run({ kind: "task", action: { action: "complete", taskId: task.id } }, id);
      else if (roll === 2) r.run({ kind: "task", action: { action: "update", taskId: task.id, patch: { title: `renamed ${i}` } } }, id);
      else if (roll === 3) r.run({ kind: "memory.pin", pin: { type: "place", key: rng.pick(keys), value: `v${i}` } }, id);
      else if (roll === 4) r.run({ kind: "preferences.update", patch: { timezone: rng.pick(zones), workHours: { start: `0${rng.int(9)}:00` } } }, id);
      else r.run({ kind: "task", action: { action: "delete", taskId: task.id } }, id);
    }
    expect(r.ledger.lastSeq).toBeGreaterThan(200);
    expect(r.ledger.replayFromZero()).toEqual(r.ledger.state);
    expect(r.ledger.hydrate()).toEqual(r.ledger.state);
    const snapshots = r.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM ledger_snapshots").toArray()[0]!.n;
    expect(snapshots).toBeGreaterThan(0);
  });

  it("[L8][D5] a fresh room on the same database sees every acknowledged event and task", () => {
    const path = `/tmp/ledger-${process.pid}-${Date.now()}.sqlite`;
    const a = room({ path });
    a.run(create("Survive restart"));
    a.run({ kind: "memory.pin", pin: { type: "fact", key: "dog", value: "Rex" } });
    a.sql.db.close();
    const b = room({ path });
    expect(b.ledger.lastSeq).toBe(2);
    expect(readTasks(b.doc).map((t) => t.title)).toEqual(["Survive restart"]);
    expect(Object.values(b.ledger.state.memories).map((m) => m.value)).toEqual(["Rex"]);
  });

  it("[L9] each new event is published once, after its transaction commits; duplicates are not", () => {
    const r = room();
    const seen: number[] = [];
    r.ledger.transaction(() => {
      r.ledger.append({ type: "task.completed", actor: { kind: "system" }, correlationId: "c", payload: { taskId: "a" } });
      r.ledger.append({ type: "task.completed", actor: { kind: "system" }, correlationId: "c", payload: { taskId: "b" } });
      seen.push(r.announced.length);
    });
    expect(seen).toEqual([0]);
    expect(r.announced.map((e) => e.seq)).toEqual([1, 2]);
    const id = r.announced[0]!.id;
    expect(r.ledger.append({ id, type: "task.completed", actor: { kind: "system" }, correlationId: "c", payload: { taskId: "a" } }).duplicate).toBe(true);
    r.ledger.append({ type: "task.completed", actor: { kind: "system" }, correlationId: "c", payload: { taskId: "c" } });
    expect(r.announced.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it("[L9][E4] a transaction that throws publishes nothing and leaves the projections as stored", () => {
    const r = room();
    r.run({ kind: "memory.pin", pin: { type: "fact", key: "dog", value: "Rex" } });
    const before = r.ledger.state;
    expect(() =>
      r.ledger.transaction(() => {
        r.ledger.append({ type: "preferences.updated", actor: { kind: "system" }, correlationId: "c", payload: { patch: { timezone: "Asia/Tokyo" } } });
        throw new Error("invariant broken mid-write");
      }),
    ).toThrow("invariant broken");
    expect(r.announced).toHaveLength(1);
    expect(r.ledger.state).toEqual(before);
    expect(r.ledger.since(0, 10)).toHaveLength(1);
  });

  it("[L9] an event a follow-up appends while the subscriber runs waits its turn: publication stays in seq order", () => {
    const sql = nodeSql();
    const ledger = new Ledger(sql);
    const published: number[] = [];
    ledger.subscribe((event) => {
      published.push(event.seq);
      if (event.seq === 1) ledger.append({ type: "task.completed", actor: { kind: "system" }, correlationId: "follow-up", payload: { taskId: "f" } });
    });
    ledger.transaction(() => {
      ledger.append({ type: "task.completed", actor: { kind: "system" }, correlationId: "c", payload: { taskId: "a" } });
      ledger.append({ type: "task.completed", actor: { kind: "system" }, correlationId: "c", payload: { taskId: "b" } });
    });
    expect(published).toEqual([1, 2, 3]);
  });

  // Above the ~100k arguments a spread could take (it overflowed the stack in the replay bench); a generous timeout: the machine may be loaded.
  it("[L9] a transaction of 150k events publishes every one (no argument spread, no quadratic queue)", { timeout: 60_000 }, () => {
    const ledger = new Ledger(nodeSql(), { snapshotEvery: 1_000_000 });
    let published = 0;
    ledger.subscribe(() => published++);
    ledger.transaction(() => {
      for (let i = 0; i < 150_000; i++) ledger.append({ type: "task.completed", actor: { kind: "system" }, correlationId: "bulk", payload: { taskId: "t" } });
    });
    expect(published).toBe(150_000);
  });

  it("[L9] the ledger has one subscriber; registering a second is a wiring bug", () => {
    const r = room();
    expect(() => r.ledger.subscribe(() => {})).toThrow(/subscriber/);
  });

  it("[L1] an event whose payload breaks its schema is refused before it is written", () => {
    const r = room();
    const memory: Memory = { id: "m", type: "fact", key: "k", value: "v", pinnedAt: "yesterday", updatedAt: "2026-11-21T09:00:00.000Z" };
    expect(() => r.ledger.append({ type: "memory.pinned", actor: { kind: "system" }, correlationId: "c", payload: { memory } })).toThrow(/invalid memory.pinned/);
    expect(r.ledger.lastSeq).toBe(0);
    expect(r.announced).toHaveLength(0);
  });

  it("[L10] a stored event of a type this build does not know is skipped by readers but still counts", () => {
    const r = room();
    r.run(create("before"));
    r.sql.exec(
      "INSERT INTO ledger_events (id, type, ts, actor, correlation_id, payload) VALUES (?, ?, ?, ?, ?, ?)",
      "01890000-0000-7000-8000-0000000000ff",
      "calendar.linked",
      Date.UTC(2026, 10, 21, 10),
      JSON.stringify({ kind: "system" }),
      "future",
      JSON.stringify({ calendarId: "c1" }),
    );
    r.run(create("after"));
    expect(r.ledger.since(0, 10).map((e) => [e.seq, e.type])).toEqual([
      [1, "task.created"],
      [3, "task.created"],
    ]);
    expect(r.ledger.replayFromZero().lastEventSeq).toBe(3);
    expect(r.ledger.hydrate()).toEqual(r.ledger.state);
    // On the wire: the envelope parses, the typed event does not — a client skips it and keeps its cursor moving.
    const raw = { id: "x", seq: 2, type: "calendar.linked", ts: "2026-11-21T10:00:00.000Z", actor: { kind: "system" }, correlationId: "future", payload: { calendarId: "c1" } };
    expect(EventEnvelopeSchema.safeParse(raw).success).toBe(true);
    expect(parseLedgerEvent(raw)).toBeNull();
  });
});
