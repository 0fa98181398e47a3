/**
 * Bulk proposals and their one state on every device (docs/PROTOCOL.md C14,
 * C15, G7), over the real room core with fake sockets that deliver only on
 * flush(): who sees what, and when, is written out step by step.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { PROPOSAL_TTL_MS } from "../../party/chat/store.ts";
import { type ActionCard, AcceptedSchema } from "../../shared/chat.ts";
import { BrainStateSchema } from "../../shared/api.ts";
import { readTasks } from "../../shared/doc-schema.ts";
import type { ServerFrame } from "../../shared/protocol.ts";
import { scriptedModel } from "../support/fake-models.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";

function twoDevices(): { room: FakeRoom; a: FakeSocket; b: FakeSocket } {
  const room = new FakeRoom();
  const a = room.connect();
  const b = room.connect();
  a.hello("laptop");
  b.hello("phone");
  room.flush();
  return { room, a, b };
}

function addTasks(room: FakeRoom, device: FakeSocket, tasks: { title: string; tags?: string[] }[]): void {
  for (const task of tasks) device.sendFrame({ type: "task", rid: `add-${task.title}`, command: { action: "create", task } });
  room.flush();
}

/** Sends a chat message from `device`, runs the turn, delivers everything; returns its turn and the reply's text. */
async function say(room: FakeRoom, device: FakeSocket, text: string): Promise<{ turnId: string; reply: string }> {
  const rid = `say-${text}`;
  device.sendFrame({ type: "message.send", rid, command: { text } });
  room.flush();
  await room.room.chat.idle();
  room.flush();
  const { turnId } = AcceptedSchema.parse(device.of("ack").find((f) => f.rid === rid)?.result);
  const end = device.of("llm.completed").find((f) => f.turnId === turnId);
  return { turnId, reply: end?.text ?? "" };
}

/** The action cards a device shows: each `llm.action` replaces the card with its id (as the web app folds them). */
function cards(device: FakeSocket): ActionCard[] {
  const byId = new Map<string, ActionCard>();
  for (const f of device.of("llm.action")) byId.set(f.action.id, f.action);
  return [...byId.values()];
}

const proposedCard = (device: FakeSocket) => device.of("llm.action").find((f) => f.action.status === "proposed")?.action;
const events = (room: FakeRoom, type: string) => room.room.ledger.since(0, 10_000).filter((e) => e.type === type);
const titles = (room: FakeRoom) => readTasks(room.doc).map((t) => t.title);
const outcome = (device: FakeSocket, rid: string): ServerFrame | undefined => device.received.find((f) => (f.type === "ack" || f.type === "error") && f.rid === rid);

async function state(room: FakeRoom) {
  const res = await room.room.request(new Request("http://room/api/v1/state"), "req-state");
  return BrainStateSchema.parse(await res.json());
}

const THREE = [{ title: "Buy milk" }, { title: "Call John" }, { title: "File taxes" }];

describe("Brain — bulk proposals (C14)", () => {
  it("[C14][G7] “delete all my tasks” with 3 tasks: one proposal lists all 3; nothing is deleted before confirming, all after, once", async () => {
    const { room, a, b } = twoDevices();
    addTasks(room, a, THREE);
    const { reply } = await say(room, a, "delete all my tasks");
    const card = proposedCard(a);
    expect(card, `reply: ${reply}`).toBeDefined();
    const proposalId = card!.proposalId!;
    // The list is the proposal: on the card of both devices, in the stored proposal, its event and the state.
    expect(card!.items).toEqual(["Buy milk", "Call John", "File taxes"]);
    expect(proposedCard(b)).toEqual(card);
    expect(room.room.chat.store.proposalItems(proposalId)).toEqual(card!.items);
    expect(events(room, "proposal.created")).toMatchObject([{ payload: { proposalId, tool: "bulk_tasks", items: card!.items } }]);
    expect((await state(room)).proposals).toMatchObject([{ id: proposalId, items: card!.items }]);
    expect(card!.summary).toBe("Delete 3 tasks?");
    for (const title of ["Buy milk", "Call John", "File taxes"]) expect(reply).toContain(title);
    // G7: nothing changed yet.
    expect(titles(room)).toEqual(["Buy milk", "Call John", "File taxes"]);
    expect(events(room, "task.deleted")).toEqual([]);

    b.sendFrame({ type: "proposal.confirm", rid: "yes", proposalId });
    room.flush();
    expect(outcome(b, "yes")?.type).toBe("ack");
    expect(titles(room)).toEqual([]);
    expect(events(room, "task.deleted")).toHaveLength(3);
    expect(events(room, "proposal.confirmed")).toHaveLength(1);
    expect((await state(room)).proposals).toEqual([]);
    // Again from the other device: nothing more happens.
    a.sendFrame({ type: "proposal.confirm", rid: "again", proposalId });
    room.flush();
    expect(events(room, "task.deleted")).toHaveLength(3);
  });

  it("[C14] a long selection: the card lists every entry; the reply, and the model, get the count and the first few", async () => {
    const { room, a } = twoDevices();
    const many = Array.from({ length: 30 }, (_, i) => ({ title: `Chore ${i + 1}`, tags: ["home"] }));
    addTasks(room, a, [...many, { title: "Board meeting", tags: ["work"] }]);
    const { reply } = await say(room, a, "delete all tasks tagged #home");
    expect(proposedCard(a)).toMatchObject({ summary: "Delete 30 tasks tagged #home?", items: many.map((t) => t.title) });
    expect(reply).toBe("That would delete 30 tasks: “Chore 1”, “Chore 2”, “Chore 3”, “Chore 4”, “Chore 5” and 25 more. Nothing changes until you confirm on your device.");
    expect(titles(room)).toHaveLength(31);
  });

  it("[C14] an empty selection proposes nothing and says so plainly", async () => {
    const { room, a } = twoDevices();
    addTasks(room, a, [{ title: "Still open" }]);
    const { reply } = await say(room, a, "clear done tasks");
    expect(reply).toBe("You have no done tasks to clear.");
    expect(a.of("llm.action")).toEqual([]);
    expect(events(room, "proposal.created")).toEqual([]);
    expect((await state(room)).proposals).toEqual([]);
    expect((await say(room, a, "forget everything about Anna")).reply).toBe("I have no memories about Anna to forget.");
  });

  it("[C14] a bulk change is all-or-nothing: one entry that cannot apply and none is applied; without it, all are, in one document update", () => {
    const { room, a } = twoDevices();
    addTasks(room, a, THREE);
    const [milk, john, taxes] = readTasks(room.doc);
    const del = (taskId: string) => ({ kind: "task" as const, action: { action: "delete" as const, taskId } });
    const ctx = { actor: { kind: "user" as const }, correlationId: "req-batch" };
    const seq = room.room.ledger.lastSeq;
    const before = Y.encodeStateVector(room.doc);
    const refused = room.room.execute({ kind: "batch", commands: [del(milk!.id), del("no-such-task"), del(taxes!.id)] }, ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(room.room.ledger.lastSeq).toBe(seq);
    expect(Y.encodeStateVector(room.doc)).toEqual(before);
    expect(titles(room)).toEqual(["Buy milk", "Call John", "File taxes"]);
    // The same entry twice is refused too: the second would be checked against a state the first has not made.
    expect(room.room.execute({ kind: "batch", commands: [del(milk!.id), del(milk!.id)] }, ctx)).toMatchObject({ ok: false, error: { code: "invalid_request" } });

    let updates = 0;
    room.doc.on("update", () => updates++);
    const applied = room.room.execute({ kind: "batch", commands: [del(milk!.id), { kind: "task", action: { action: "complete", taskId: john!.id } }, del(taxes!.id)] }, ctx);
    expect(applied.ok).toBe(true);
    expect(updates).toBe(1);
    expect(readTasks(room.doc)).toMatchObject([{ title: "Call John", status: "done" }]);
    expect(room.room.ledger.since(seq, 100).map((e) => e.type)).toEqual(["task.deleted", "task.completed", "task.deleted"]);
  });

  it("[C14][C15] a task deleted after the proposal: confirming changes nothing, and every device shows it failed", async () => {
    const { room, a, b } = twoDevices();
    addTasks(room, a, THREE);
    await say(room, a, "delete all my tasks");
    const proposalId = proposedCard(a)!.proposalId!;
    b.sendFrame({ type: "task", rid: "gone", command: { action: "delete", taskId: readTasks(room.doc)[1]!.id } });
    room.flush();
    a.sendFrame({ type: "proposal.confirm", rid: "yes", proposalId });
    room.flush();
    expect(outcome(a, "yes")).toMatchObject({ type: "error", code: "conflict", message: "This could not be done, and nothing was changed — ask again" });
    expect(titles(room)).toEqual(["Buy milk", "File taxes"]);
    for (const device of [a, b]) expect(cards(device)).toMatchObject([{ id: proposalId, status: "failed" }]);
  });

  it("[C14][G7] “forget everything about Anna” lists those memories and forgets only them, on confirmation", async () => {
    const { room, a } = twoDevices();
    for (const [key, value] of [["sister", "Anna"], ["Anna's birthday", "May 3"], ["favorite airport", "JFK"]] as const) {
      a.sendFrame({ type: "memory.pin", rid: `pin-${key}`, command: { type: "fact", key, value } });
    }
    room.flush();
    await say(room, a, "forget everything about Anna");
    const card = proposedCard(a)!;
    expect(card).toMatchObject({ tool: "forget_memories", summary: "Forget 2 memories about Anna?", items: ["sister: Anna", "Anna's birthday: May 3"] });
    expect(Object.values(room.room.ledger.state.memories)).toHaveLength(3);
    a.sendFrame({ type: "proposal.confirm", rid: "yes", proposalId: card.proposalId! });
    room.flush();
    expect(Object.values(room.room.ledger.state.memories).map((m) => m.key)).toEqual(["favorite airport"]);
  });

  it("[C14][C10] a real model gets the bulk tool, and its selector runs through the same proposal", async () => {
    const { room, a } = twoDevices();
    addTasks(room, a, [{ title: "Draft memo", tags: ["work"] }, { title: "Water plants", tags: ["home"] }, { title: "Send deck", tags: ["work"] }]);
    const calls: Parameters<typeof scriptedModel>[1] = [];
    room.room.chat.useModel(() =>
      scriptedModel([{ toolCalls: [{ name: "bulk_tasks", input: { action: "complete", select: { tag: "work" } } }] }, { text: ["Proposed."] }], calls),
    );
    await say(room, a, "finish up everything for work");
    const offered = (calls[0]?.tools ?? []).map((t) => t.name);
    expect(offered).toEqual(expect.arrayContaining(["bulk_tasks", "forget_memories"]));
    expect(proposedCard(a)).toMatchObject({ tool: "bulk_tasks", summary: "Complete 2 tasks tagged #work?", items: ["Draft memo", "Send deck"] });
    expect(readTasks(room.doc).every((t) => t.status === "open")).toBe(true);
    // The model is told what it proposed: how many, and which.
    expect(JSON.stringify(calls[1]?.prompt)).toContain('"count":2,"items":["Draft memo","Send deck"]');
  });
});

describe("Brain — one proposal state on every device (C15)", () => {
  // The same rules for a proposal of one task and a bulk one.
  const REQUESTS = [
    { text: "delete call john", deleted: 1 },
    { text: "delete all my tasks", deleted: 3 },
  ];

  async function proposed(text: string) {
    const { room, a, b } = twoDevices();
    addTasks(room, a, THREE);
    await say(room, a, text);
    const card = proposedCard(a);
    if (!card?.proposalId) throw new Error(`“${text}” proposed nothing`);
    return { room, a, b, proposalId: card.proposalId, card };
  }

  for (const { text, deleted } of REQUESTS) {
    it(`[C15][G7] “${text}” confirmed on device A, a late confirm on device B is told “Already done on another device”; both show the one card, confirmed`, async () => {
      const { room, a, b, proposalId, card } = await proposed(text);
      a.sendFrame({ type: "proposal.confirm", rid: "a-yes", proposalId });
      a.flushOut();
      // B clicks before the update reached it: its frame crosses A's confirmation.
      b.sendFrame({ type: "proposal.confirm", rid: "b-yes", proposalId });
      room.flush();
      expect(outcome(a, "a-yes")?.type).toBe("ack");
      const late = outcome(b, "b-yes");
      expect(late).toMatchObject({ type: "error", code: "conflict", message: "Already done on another device" });
      expect(JSON.stringify(late)).not.toContain(proposalId);
      expect(events(room, "task.deleted")).toHaveLength(deleted);
      // One card per proposal on each device, in the same state: no stale Confirm, no duplicate.
      const settled = { id: proposalId, proposalId, status: "confirmed", summary: card.summary, ...(card.items ? { items: card.items } : {}) };
      for (const device of [a, b]) expect(cards(device)).toEqual([expect.objectContaining(settled)]);
      expect(cards(b)).toEqual(cards(a));
    });

    it(`[C15] “${text}”: a device that was away when it was confirmed is shown the card's state again when it clicks`, async () => {
      const { room, a, b, proposalId } = await proposed(text);
      b.close(1000, "gone into a tunnel");
      a.sendFrame({ type: "proposal.confirm", rid: "a-yes", proposalId });
      room.flush();
      // Back with a new socket: the stale card it still shows gets a click.
      const back = room.connect();
      back.hello("phone");
      back.sendFrame({ type: "proposal.confirm", rid: "stale", proposalId });
      room.flush();
      expect(outcome(back, "stale")).toMatchObject({ type: "error", message: "Already done on another device" });
      expect(cards(back)).toMatchObject([{ id: proposalId, status: "confirmed" }]);
      expect(events(room, "task.deleted")).toHaveLength(deleted);
    });

    it(`[C15] “${text}” cancelled on one device: cancelled on every device, never confirmed; a late confirm is told “You cancelled this”`, async () => {
      const { room, a, b, proposalId } = await proposed(text);
      b.sendFrame({ type: "proposal.reject", rid: "no", proposalId });
      room.flush();
      expect(outcome(b, "no")?.type).toBe("ack");
      for (const device of [a, b]) expect(cards(device)).toMatchObject([{ id: proposalId, status: "rejected" }]);
      expect(events(room, "proposal.settled")).toMatchObject([{ actor: { kind: "user" }, payload: { proposalId, status: "rejected" } }]);
      expect((await state(room)).proposals).toEqual([]);
      a.sendFrame({ type: "proposal.confirm", rid: "late", proposalId });
      room.flush();
      expect(outcome(a, "late")).toMatchObject({ type: "error", code: "conflict", message: "You cancelled this" });
      expect(titles(room)).toHaveLength(3);
      for (const device of [a, b]) expect(cards(device)).toMatchObject([{ id: proposalId, status: "rejected" }]);
    });

    it(`[C15] “${text}” past its time expires: “This expired — ask again”, expired on every device, nothing deleted`, async () => {
      const { room, a, b, proposalId } = await proposed(text);
      room.clock += PROPOSAL_TTL_MS + 1;
      b.sendFrame({ type: "proposal.confirm", rid: "late", proposalId });
      room.flush();
      expect(outcome(b, "late")).toMatchObject({ type: "error", code: "conflict", message: "This expired — ask again" });
      for (const device of [a, b]) expect(cards(device)).toMatchObject([{ id: proposalId, status: "expired" }]);
      expect(titles(room)).toHaveLength(3);
      a.sendFrame({ type: "proposal.reject", rid: "cancel-late", proposalId });
      room.flush();
      expect(outcome(a, "cancel-late")).toMatchObject({ type: "error", message: "This expired — ask again" });
    });
  }
});
