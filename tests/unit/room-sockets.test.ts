import { describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { BACKFILL_MAX_EVENTS } from "../../party/core/sockets.ts";
import { TASKS } from "../../shared/doc-schema.ts";
import { gatedModel } from "../support/fake-models.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";
import { seededRng } from "../support/random.ts";

const createTask = (title: string, clientActionId?: string) =>
  ({ type: "task", rid: `r-${title}`, command: { action: "create", task: { title }, ...(clientActionId ? { clientActionId } : {}) } }) as const;

function twoDevices(room = new FakeRoom()): { room: FakeRoom; a: FakeSocket; b: FakeSocket } {
  const a = room.connect();
  const b = room.connect();
  a.hello("laptop");
  b.hello("phone");
  room.flush();
  return { room, a, b };
}

describe("Room core — frames over fake sockets (Node)", () => {
  it("[P3] nothing app-level reaches a socket before its hello; [P5] the ack echoes the rid", () => {
    const room = new FakeRoom();
    const a = room.connect();
    const silent = room.connect();
    a.hello("laptop");
    a.sendFrame(createTask("Buy milk"));
    expect(a.flushIn()).toEqual([]); // queued, not yet delivered to the room
    a.flushOut();
    room.flush();
    expect(a.of("ack")).toMatchObject([{ rid: "r-Buy milk", duplicate: false }]);
    expect(a.of("event").map((f) => f.event.type)).toContain("task.created");
    expect(silent.received).toEqual([]);
  });

  it("[P5] frames are delivered only on flush: the other device sees the event after, not before", () => {
    const { room, a, b } = twoDevices();
    const before = b.received.length;
    a.sendFrame(createTask("Call John"));
    a.flushOut();
    expect(b.received.length).toBe(before);
    room.flush();
    expect(b.of("event").at(-1)?.event.type).toBe("task.created");
  });

  it("[G5] a malformed frame gets a typed error with a request id and the socket stays up", () => {
    const { room, a } = twoDevices();
    a.sendRaw("{not json");
    a.sendRaw(JSON.stringify({ type: "task", rid: "bad-1", command: { action: "create", task: { title: "" } } }));
    a.sendFrame({ type: "ping", rid: "p1" });
    room.flush();
    const errors = a.of("error");
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => e.code === "invalid_request" && e.requestId.length > 0)).toBe(true);
    expect(errors[1]?.rid).toBe("bad-1");
    expect(a.of("pong")).toMatchObject([{ rid: "p1" }]);
    expect(a.closed).toBeNull();
  });

  it("[P8] a device a few events behind gets the events; one far behind gets a snapshot; backfill pages", () => {
    const room = new FakeRoom();
    const writer = room.connect();
    writer.hello("laptop");
    for (let i = 0; i < 3; i++) writer.sendFrame({ type: "memory.pin", command: { type: "fact", key: `k${i}`, value: `v${i}` } });
    room.flush();
    const near = room.connect();
    near.hello("phone", { lastEventSeq: 1 });
    expect(near.of("events")[0]?.events.map((e) => e.seq)).toEqual([2, 3]);

    for (let i = 0; i < BACKFILL_MAX_EVENTS + 5; i++) room.room.ledger.append({ type: "memory.pinned", actor: { kind: "system" }, correlationId: "bulk", payload: { memory: { id: `m${i}`, type: "fact", key: `bulk ${i}`, value: "x", pinnedAt: "2026-11-25T10:00:00.000Z", updatedAt: "2026-11-25T10:00:00.000Z" } } });
    room.flush();
    const far = room.connect();
    far.hello("tablet", { lastEventSeq: 1 });
    expect(far.of("snapshot")).toHaveLength(1);
    expect(far.of("events")).toEqual([]);
    far.sendFrame({ type: "events.backfill", rid: "bf", since: 0, limit: 10 });
    room.flush();
    expect(far.of("events").at(-1)).toMatchObject({ rid: "bf", hasMore: true });
    expect(far.of("events").at(-1)?.events).toHaveLength(10);
  });

  it("[D6] an invalid device edit is repaired in the room and the sender is told", () => {
    const { room, a, b } = twoDevices();
    const device = new Y.Doc();
    Y.applyUpdate(device, Y.encodeStateAsUpdate(room.doc));
    const entry = new Y.Map<unknown>();
    const before = Y.encodeStateVector(device);
    device.getMap(TASKS).set("bogus", entry);
    entry.set("id", "bogus");
    entry.set("title", "");
    entry.set("status", "maybe");
    a.sendUpdate(Y.encodeStateAsUpdate(device, before));
    room.flush();
    expect(a.of("error").at(-1)).toMatchObject({ code: "invalid_request" });
    expect(b.of("error")).toEqual([]);
    expect(room.doc.getMap(TASKS).has("bogus")).toBe(false);
  });

  it("[C1][C3] a message's reply streams to every device and completes with the same text", async () => {
    const { room, a, b } = twoDevices();
    a.sendFrame({ type: "message.send", rid: "m1", command: { text: "remind me to call John tomorrow at 3pm" } });
    room.flush();
    const accepted = a.of("ack").at(-1);
    expect(accepted?.rid).toBe("m1");
    await room.room.chat.idle();
    room.flush();
    for (const device of [a, b]) {
      const completed = device.of("llm.completed");
      expect(completed).toHaveLength(1);
      expect(device.of("llm.token").map((t) => t.token).join("")).toBe(completed[0]?.text);
    }
    expect(a.of("llm.completed")[0]?.text).toMatch(/Call John/);
  });

  it("[C5][C7] a device joining mid-stream catches up, then stops the turn: both see it end interrupted with the text so far", async () => {
    const room = new FakeRoom();
    const gate = gatedModel();
    room.room.chat.useModel(() => gate.model);
    const a = room.connect();
    a.hello("laptop");
    a.sendFrame({ type: "message.send", rid: "m1", command: { text: "tell me a story" } });
    room.flush();
    await gate.ready;
    gate.push("Once", " upon");
    await vi.waitFor(() => expect(room.room.chat.active?.tokens).toHaveLength(2));
    room.flush();
    const b = room.connect();
    b.hello("phone");
    expect(b.of("llm.token").map((t) => [t.seq, t.token])).toEqual([[0, "Once"], [1, " upon"]]);
    const turnId = a.of("llm.token")[0]!.turnId;
    b.sendFrame({ type: "turn.stop", rid: "stop", turnId });
    room.flush();
    await room.room.chat.idle();
    room.flush();
    for (const device of [a, b]) expect(device.of("llm.interrupted")).toMatchObject([{ turnId, text: "Once upon", reason: "stopped" }]);
    expect(b.of("ack").find((f) => f.rid === "stop")).toBeTruthy();
    expect(room.room.ledger.state.recentMessages.at(-1)).toMatchObject({ role: "assistant", status: "interrupted", text: "Once upon" });
  });

  it("[C8][G7] two devices confirm one proposal at the same time: it runs once, the second is told it is settled", async () => {
    const { room, a, b } = twoDevices();
    a.sendFrame(createTask("Old report"));
    a.sendFrame({ type: "message.send", command: { text: "delete old report" } });
    room.flush();
    await room.room.chat.idle();
    room.flush();
    const proposal = a.of("llm.action").find((f) => f.action.status === "proposed");
    expect(proposal?.action.proposalId).toBeTruthy();
    const proposalId = proposal!.action.proposalId!;
    a.sendFrame({ type: "proposal.confirm", rid: "ca", proposalId });
    b.sendFrame({ type: "proposal.confirm", rid: "cb", proposalId });
    room.flush();
    const outcomes = [...a.received, ...b.received].filter((f) => (f.type === "ack" || f.type === "error") && (f.rid === "ca" || f.rid === "cb"));
    expect(outcomes.map((f) => f.type).sort()).toEqual(["ack", "error"]);
    expect(outcomes.find((f) => f.type === "error")).toMatchObject({ code: "conflict" });
    const deleted = room.room.ledger.since(0, 1000).filter((e) => e.type === "task.deleted");
    expect(deleted).toHaveLength(1);
  });

  it("[G2][G3] seeded: duplicated actions from three devices, delivered in random order, apply once and every device sees the same events", () => {
    const rng = seededRng("room-core duplicate actions");
    const room = new FakeRoom();
    const devices = ["laptop", "phone", "tablet"].map((name) => {
      const s = room.connect();
      s.hello(name);
      return s;
    });
    room.flush();
    const actions = Array.from({ length: 12 }, (_, i) => ({ id: `action-${rng.seed}-${i}`, title: `Task ${i}` }));
    for (let step = 0; step < 60; step++) {
      const device = rng.pick(devices);
      const action = rng.pick(actions);
      device.sendFrame(createTask(action.title, action.id));
      if (rng.int(3) === 0) device.flushOut();
      if (rng.int(4) === 0) rng.pick(devices).flushIn();
    }
    room.flush();
    const created = room.room.ledger.since(0, 10_000).filter((e) => e.type === "task.created");
    const sent = new Set(devices.flatMap((d) => d.of("ack").map((a) => a.seq)));
    expect(created.length).toBe(new Set(created.map((e) => e.clientActionId)).size);
    expect(sent.size).toBeGreaterThan(0);
    const seen = devices.map((d) => d.of("event").map((f) => f.event.seq));
    expect(seen[0]).toEqual(room.room.ledger.since(0, 10_000).map((e) => e.seq));
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
    expect(room.doc.getMap(TASKS).size).toBe(created.length);
  });
});
