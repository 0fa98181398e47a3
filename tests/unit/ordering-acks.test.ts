import { describe, expect, it, vi } from "vitest";
import { CommandSchema } from "../../shared/commands.ts";
import * as Y from "yjs";
import { executeCommand } from "../../party/core/commands.ts";
import { Ledger } from "../../party/core/ledger.ts";
import { FakeRoom } from "../support/fake-room.ts";
import { nodeSql } from "../support/node-sql.ts";

const pin = (i: number, key = `k${i}`) => ({ type: "memory.pin" as const, rid: `r${i}`, command: { type: "fact" as const, key, value: `v${i}`, clientActionId: `acks-item-${String(i).padStart(4, "0")}` } });

/** A ledger on node:sqlite that counts the savepoints opened. */
function countingRoom() {
  const sql = nodeSql();
  let savepoints = 0;
  const transactionSync = sql.transactionSync.bind(sql);
  sql.transactionSync = <T>(fn: () => T): T => {
    savepoints++;
    return transactionSync(fn);
  };
  const ledger = new Ledger(sql);
  const published: number[] = [];
  ledger.subscribe((event) => published.push(event.seq));
  const deps = { doc: new Y.Doc(), ledger, now: () => Date.parse("2026-03-01T09:00:00Z") };
  const actor = { kind: "user" as const, deviceId: "phone" };
  const pinCommand = (value: string) => ({ kind: "memory.pin" as const, pin: { type: "fact" as const, key: "coffee", value } });
  return { sql, ledger, deps, actor, published, pinCommand, savepoints: () => savepoints };
}

describe("Acked commands — the per-command path (R18, R19)", () => {
  it("[R18][L3] a lone event without a document change opens no savepoint, and is still applied exactly once by its clientActionId", () => {
    const r = countingRoom();
    const ctx = { actor: r.actor, correlationId: "req-1", clientActionId: "acks-once-0001" };
    const first = executeCommand(r.deps, r.pinCommand("black"), ctx);
    expect(first.ok && first.value.duplicate).toBe(false);
    expect(r.savepoints()).toBe(0);
    const again = executeCommand(r.deps, r.pinCommand("black"), { ...ctx, correlationId: "req-2" });
    expect(again.ok && again.value).toMatchObject({ duplicate: true, seq: first.ok ? first.value.seq : -1 });
    expect(r.published).toEqual([1]);
    const stored = r.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM ledger_events").toArray()[0]!.n;
    expect(stored).toBe(1);
    // L4: the same key for another request is still a conflict.
    const other = executeCommand(r.deps, r.pinCommand("oat"), { ...ctx, correlationId: "req-3" });
    expect(!other.ok && other.error.code).toBe("conflict");
  });

  it("[R18][L1] a command that changes the document still writes both in one transaction", () => {
    const r = countingRoom();
    const created = executeCommand(r.deps, { kind: "task", action: { action: "create", task: { title: "Call the bank" } } }, { actor: r.actor, correlationId: "req-1" });
    expect(created.ok).toBe(true);
    expect(r.savepoints()).toBe(1);
    expect(r.deps.doc.getMap("tasks").size).toBe(1);
  });

  it("[R18][D15] a socket frame's command is parsed once, at the edge; a command built elsewhere (a tool) and an invalid frame are still checked", () => {
    const room = new FakeRoom();
    const phone = room.connect();
    phone.hello("phone");
    const parse = vi.spyOn(CommandSchema, "safeParse");
    try {
      phone.sendFrame(pin(1));
      room.flush();
      expect(phone.of("ack").at(-1)).toMatchObject({ rid: "r1", duplicate: false });
      expect(parse).not.toHaveBeenCalled();
      // The assistant's tools and proposals build commands from model output: checked in the executor.
      const r = countingRoom();
      expect(executeCommand(r.deps, r.pinCommand("x".repeat(100_000)), { actor: r.actor, correlationId: "req-1" })).toMatchObject({ ok: false, error: { code: "invalid_request" } });
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
    // A frame whose body no schema allows never reaches the executor: refused whole at the edge, nothing recorded.
    const before = room.room.ledger.lastSeq;
    phone.sendFrame({ ...pin(2), command: { ...pin(2).command, value: "x".repeat(100_000) } });
    room.flush();
    expect(phone.received.at(-1)).toMatchObject({ type: "error" });
    expect(room.room.ledger.lastSeq).toBe(before);
  });

  it("[R19][R11] a batch of one item answers with its usual event frame; a refused item's neighbours' events still go out together, before the answer", () => {
    const room = new FakeRoom();
    const [phone, laptop] = [room.connect(), room.connect()];
    phone.hello("phone");
    laptop.hello("laptop");
    phone.sendFrame({ type: "batch", rid: "one", frames: [pin(1)] });
    room.flush();
    expect(laptop.of("event").at(-1)?.event.type).toBe("memory.pinned");
    expect(laptop.of("events")).toEqual([]);
    // Item 2 reuses item 1's key for another request: a conflict in its place, nothing applied for it (R12).
    phone.sendFrame({ type: "batch", rid: "three", frames: [pin(2), { ...pin(3), command: { ...pin(3).command, clientActionId: pin(1).command.clientActionId } }, pin(4)] });
    room.flush();
    const order = phone.received.map((f) => f.type).filter((t) => t === "event" || t === "events" || t === "batch.result");
    expect(order.slice(-2)).toEqual(["events", "batch.result"]);
    expect(phone.of("batch.result").at(-1)?.results.map((x) => x.type)).toEqual(["ack", "error", "ack"]);
    expect(laptop.of("events").at(-1)?.events.map((e) => (e.payload as { memory: { key: string } }).memory.key)).toEqual(["k2", "k4"]);
    // After the batch nothing is held any more: a single frame's event goes out at once, as `event`.
    phone.sendFrame(pin(5));
    room.flush();
    expect(laptop.of("event").at(-1)?.event.seq).toBe(room.room.ledger.lastSeq);
    expect(phone.received.at(-1)?.type).toBe("ack");
  });

  it("[R18][R12][L3] a batch's keys are looked up in one query, and a key repeated inside the batch or used before it is still a duplicate or a conflict", () => {
    const room = new FakeRoom();
    const phone = room.connect();
    phone.hello("phone");
    phone.sendFrame(pin(1));
    room.flush();
    const seqBefore = room.room.ledger.lastSeq;
    const reused = { ...pin(3), command: { ...pin(3).command, clientActionId: pin(1).command.clientActionId } };
    phone.sendFrame({ type: "batch", rid: "b", frames: [pin(1), pin(2), pin(2), reused, pin(4)] });
    room.flush();
    const results = phone.of("batch.result").at(-1)!.results;
    expect(results.map((r) => (r.type === "ack" ? `ack${r.duplicate ? "-dup" : ""}` : r.code))).toEqual(["ack-dup", "ack", "ack-dup", "conflict", "ack"]);
    expect(room.room.ledger.lastSeq).toBe(seqBefore + 2);
    // The same batch again: every item already applied, answered as before.
    phone.sendFrame({ type: "batch", rid: "again", frames: [pin(2), pin(4)] });
    room.flush();
    expect(phone.of("batch.result").at(-1)!.results.map((r) => r.type === "ack" && r.duplicate)).toEqual([true, true]);
    expect(room.room.ledger.lastSeq).toBe(seqBefore + 2);
  });
});
