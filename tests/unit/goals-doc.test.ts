/**
 * Goals and blocks in the document (docs/PROTOCOL.md B1–B4, D40–D42): a
 * device edits them through Yjs like tasks; the room validates, repairs and
 * records them like tasks; older readers ignore them.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { blocksOf, goalsOf, readBlock, readBlocks, readGoal, readGoals, readTask, readTasks, tasksOf, writeBlock, writeGoal, writeTask } from "../../shared/doc-schema.ts";
import { BrainStateReadSchema, BrainStateSchema } from "../../shared/api.ts";
import { DEFAULT_PREFERENCES, TaskSchema } from "../../shared/domain.ts";
import { parseServerFrame } from "../../shared/protocol.ts";
import { type Block, BlockSchema, type Goal } from "../../shared/goals.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";

const AT = "2027-01-04T08:00:00.000Z";
const goal: Goal = { id: "g1", title: "Half marathon", targetDate: "2027-03-15", status: "active", taskIds: [], createdAt: AT, updatedAt: AT, createdBy: "user:phone" };
const block: Block = {
  id: "b1",
  title: "Easy run",
  start: "2027-01-04T09:00:00+01:00",
  end: "2027-01-04T10:00:00+01:00",
  taskId: null,
  goalId: "g1",
  source: "user",
  createdAt: AT,
  updatedAt: AT,
  createdBy: "user:phone",
};

/** A device's copy of the room's document, and a way to send what it changes. */
function device(room: FakeRoom, id: string): { doc: Y.Doc; socket: FakeSocket; send: (edit: (doc: Y.Doc) => void) => void } {
  const socket = room.connect();
  socket.hello(id);
  room.flush();
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc));
  return {
    doc,
    socket,
    send: (edit) => {
      const before = Y.encodeStateVector(doc);
      edit(doc);
      socket.sendUpdate(Y.encodeStateAsUpdate(doc, before));
      room.flush();
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc, Y.encodeStateVector(doc)));
    },
  };
}

describe("goals and blocks in the document (B1–B4)", () => {
  it("[B3][D41] a device's goal and block become goal.created and block.created with the device as actor; a drag is block.updated", () => {
    const room = new FakeRoom();
    const phone = device(room, "phone");
    phone.send((doc) => {
      writeGoal(doc, goal);
      writeBlock(doc, block);
    });
    expect(readGoals(room.doc)).toEqual([goal]);
    expect(readBlocks(room.doc)).toEqual([block]);
    phone.send((doc) => {
      const entry = blocksOf(doc).get("b1")!;
      entry.set("start", "2027-01-04T11:00:00+01:00");
      entry.set("end", "2027-01-04T12:00:00+01:00");
    });
    const events = room.room.ledger.since(0, 1000);
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ["goal.created", { kind: "user", deviceId: "phone" }],
      ["block.created", { kind: "user", deviceId: "phone" }],
      ["block.updated", { kind: "user", deviceId: "phone" }],
    ]);
    expect(events[2]!.payload).toMatchObject({ blockId: "b1", fields: ["start", "end"], changes: { start: "2027-01-04T11:00:00+01:00", end: "2027-01-04T12:00:00+01:00" } });
  });

  it("[B2][B3] a block ending before it starts, or longer than a day, is refused: a new one removed, an edit reverted; the device is told", () => {
    const room = new FakeRoom();
    const phone = device(room, "phone");
    phone.send((doc) => writeBlock(doc, { ...block, id: "bad", end: "2027-01-04T08:00:00+01:00" }));
    expect(readBlocks(room.doc)).toEqual([]);
    expect(blocksOf(room.doc).has("bad")).toBe(false);
    phone.send((doc) => writeBlock(doc, block));
    phone.send((doc) => blocksOf(doc).get("b1")!.set("end", "2027-01-06T10:00:00+01:00"));
    expect(readBlocks(room.doc)).toEqual([block]);
    phone.send((doc) => blocksOf(doc).get("b1")!.set("source", "robot"));
    expect(readBlocks(room.doc)).toEqual([block]);
    expect(phone.socket.of("error").map((e) => e.message)).toEqual([
      expect.stringContaining("block bad removed"),
      expect.stringContaining("block b1 reverted"),
      expect.stringContaining("block b1 reverted"),
    ]);
    // As for tasks, a reverted edit is recorded with the values the entry holds again (never the refused ones).
    const updates = room.room.ledger.ofTypes(["block.updated"]).map((e) => e.type === "block.updated" && e.payload.changes);
    expect(updates).toEqual([{ end: block.end }, { source: "user" }]);
  });

  it("[B1][B3] a goal with an unknown status or a bad target date is repaired like a task", () => {
    const room = new FakeRoom();
    const phone = device(room, "phone");
    phone.send((doc) => writeGoal(doc, goal));
    phone.send((doc) => goalsOf(doc).get("g1")!.set("status", "paused"));
    phone.send((doc) => goalsOf(doc).get("g1")!.set("targetDate", "2027-02-30"));
    expect(readGoals(room.doc)).toEqual([goal]);
    phone.send((doc) => goalsOf(doc).get("g1")!.set("status", "done"));
    expect(readGoals(room.doc)[0]!.status).toBe("done");
    const updates = room.room.ledger.ofTypes(["goal.updated"]).map((e) => e.type === "goal.updated" && e.payload.changes);
    expect(updates).toEqual([{ status: "active" }, { targetDate: "2027-03-15" }, { status: "done" }]);
  });

  it("[B4][D41][D42] a task may name its goal; a task without goalId (schema 1) still reads; schema-1 readers skip the new maps", () => {
    const doc = new Y.Doc();
    const task = { id: "t1", title: "Easy run", status: "open" as const, due: null, tags: [], order: 1, createdAt: AT, updatedAt: AT, createdBy: "user:phone" };
    writeTask(doc, task);
    writeTask(doc, { ...task, id: "t2", goalId: "g1" });
    expect(readTasks(doc).map((t) => t.goalId)).toEqual([undefined, "g1"]);
    expect(TaskSchema.safeParse({ ...task, goalId: "" }).success).toBe(false);
    // A reader of schema 1 only opens `tasks` and `notes`: the goal and block maps are invisible to it.
    writeGoal(doc, goal);
    writeBlock(doc, block);
    expect([...doc.share.keys()].sort()).toEqual(["blocks", "goals", "tasks"]);
    expect(BlockSchema.safeParse({ ...block, start: "2027-01-04T09:00:00" }).success).toBe(false);
  });

  it("[D40] readers ignore fields they do not know: a task, goal or block carrying a future field is still read; writers stay strict", () => {
    const doc = new Y.Doc();
    const task = { id: "t1", title: "Easy run", status: "open" as const, due: null, tags: [], order: 1, createdAt: AT, updatedAt: AT, createdBy: "user:phone" };
    writeTask(doc, task);
    writeGoal(doc, goal);
    writeBlock(doc, block);
    // A later version's client adds a field this version does not know.
    doc.transact(() => {
      tasksOf(doc).get("t1")!.set("energy", "high");
      goalsOf(doc).get("g1")!.set("colour", "#f80");
      blocksOf(doc).get("b1")!.set("recurrence", "weekly");
    });
    expect(readTask(doc, "t1")).toEqual(task);
    expect(readTasks(doc)).toEqual([task]);
    expect(readGoal(doc, "g1")).toEqual(goal);
    expect(readBlock(doc, "b1")).toEqual(block);
    expect(readBlocks(doc)).toEqual([block]);
    // What is still refused: a known field that is wrong, and an unknown field on the way in.
    blocksOf(doc).get("b1")!.set("end", "2027-01-04T08:00:00+01:00");
    expect(readBlock(doc, "b1")).toBeNull();
    expect(TaskSchema.safeParse({ ...task, energy: "high" }).success).toBe(false);
  });

  it("[D40] the web reads a state, a card and a card frame from a later server: unknown fields dropped, nothing refused", () => {
    const task = { id: "t1", title: "Easy run", status: "open" as const, due: null, tags: [], order: 1, createdAt: AT, updatedAt: AT, createdBy: "user:phone", goalId: "g1", energy: "high" };
    const card = { id: "c1", tool: "architect", status: "proposed", summary: "Plan", proposalId: "p1", entries: [{ id: "goal", kind: "goal", title: "Half marathon", colour: "#f80" }], pinned: true };
    const state = {
      ...BrainStateSchema.parse({
        userId: "u1",
        tasks: [],
        notes: [],
        memories: [],
        preferences: DEFAULT_PREFERENCES,
        recentMessages: [],
        devices: [],
        reminders: [],
        notifications: [],
        proposals: [],
        plan: null,
        usage: { day: "2027-01-04", tokens: 0, tokenBudget: 100, tools: {} },
        lastEventSeq: 0,
        undoneTurns: [],
      }),
      tasks: [task],
      recentMessages: [{ id: "m1", role: "assistant", text: "Here", channel: "chat", status: "complete", createdAt: AT, actions: [card], mood: "ok" }],
      proposals: [{ id: "p1", turnId: "turn-1", tool: "architect", summary: "Plan", expiresAt: AT, entries: card.entries, priority: 1 }],
      timeline: { days: 7 },
    };
    expect(BrainStateSchema.safeParse(state).success).toBe(false);
    const read = BrainStateReadSchema.parse(state);
    const { energy: _unknown, ...known } = task;
    expect(read.tasks).toEqual([known]);
    expect(read.proposals[0]!.entries).toEqual([{ id: "goal", kind: "goal", title: "Half marathon" }]);
    expect(read.recentMessages[0]!.actions![0]).toEqual({ id: "c1", tool: "architect", status: "proposed", summary: "Plan", proposalId: "p1", entries: [{ id: "goal", kind: "goal", title: "Half marathon" }] });
    expect("timeline" in read).toBe(false);
    const frame = parseServerFrame(JSON.stringify({ type: "llm.action", turnId: "turn-1", action: card }));
    expect(frame).toEqual({ type: "llm.action", turnId: "turn-1", action: read.recentMessages[0]!.actions![0] });
  });
});
