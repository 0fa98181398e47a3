/**
 * The architect's hand-off and its review (docs/PROTOCOL.md B10–B16, B20):
 * one proposal per run, partial confirm with edits over HTTP, why on every
 * change, undo keeping what the user moved since.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { BrainStateSchema } from "../../shared/api.ts";
import { blocksOf, readBlocks, readGoals, readTasks } from "../../shared/doc-schema.ts";
import type { ArchitectEntry } from "../../shared/goals.ts";
import { FakeRoom } from "../support/fake-room.ts";

const hash = createHash("sha256").update("prompt+output").digest("hex");

const ENTRIES: ArchitectEntry[] = [
  { id: "m1", kind: "milestone", title: "Run 10 km without stopping", due: "2027-02-01" },
  { id: "t1", kind: "task", title: "Easy run 5 km" },
  { id: "t2", kind: "task", title: "Long run 12 km", after: ["t1"] },
  { id: "b1", kind: "block", title: "Easy run 5 km", taskId: "t1", start: "2027-01-04T09:00:00+01:00", end: "2027-01-04T10:00:00+01:00" },
  { id: "b2", kind: "block", title: "Long run 12 km", taskId: "t2", start: "2027-01-06T09:00:00+01:00", end: "2027-01-06T11:00:00+01:00" },
];

const handOff = (runId = "run-1") => ({
  runId,
  goal: { title: "Half marathon", targetDate: "2027-03-15" },
  entries: ENTRIES.map((e) => ({ ...e })),
  rationale: "Build up from 5 km to 12 km before the race.",
  hash,
  tokens: 420,
});

const post = (room: FakeRoom, path: string, body?: unknown) =>
  room.room.request(
    new Request(`http://room${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-device-id": "phone" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
    `req-${path}`,
  );

const state = async (room: FakeRoom) => BrainStateSchema.parse(await (await room.room.request(new Request("http://room/api/v1/state"), "s")).json());

describe("architect proposals (B10–B16)", () => {
  it("[B12] one pending proposal per run, with structured entries in the state; the same runId again makes none", async () => {
    const room = new FakeRoom({ now: Date.parse("2027-01-02T08:00:00Z") });
    const first = room.room.architect.propose(handOff());
    const again = room.room.architect.propose(handOff());
    expect(first).toMatchObject({ ok: true, value: { created: true } });
    expect(again).toEqual({ ok: true, value: { proposalId: first.ok && first.value.proposalId, created: false } });
    const proposals = (await state(room)).proposals;
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({ tool: "architect" });
    expect(proposals[0]!.entries!.map((e) => [e.id, e.kind])).toEqual([
      ["goal", "goal"],
      ["m1", "milestone"],
      ["t1", "task"],
      ["t2", "task"],
      ["b1", "block"],
      ["b2", "block"],
    ]);
    const created = room.room.ledger.ofTypes(["proposal.created"]);
    expect(created).toHaveLength(1);
    expect(created[0]!.type === "proposal.created" && created[0]!.payload.why).toMatchObject({ workflowId: "run-1", rationale: expect.stringContaining("5 km"), hash });
  });

  it("[B12] a hand-off naming an unknown entry, or a block ending before it starts, is refused whole", () => {
    const room = new FakeRoom();
    const bad = handOff("run-bad");
    bad.entries[3] = { ...bad.entries[3]!, taskId: "nope" };
    expect(room.room.architect.propose(bad)).toMatchObject({ ok: false, error: { code: "invalid_request" } });
    const backwards = handOff("run-back");
    backwards.entries[4] = { ...backwards.entries[4]!, end: "2027-01-06T08:00:00+01:00" };
    expect(room.room.architect.propose(backwards)).toMatchObject({ ok: false, error: { code: "invalid_request" } });
    expect(room.room.ledger.ofTypes(["proposal.created"])).toHaveLength(0);
  });

  it("[B11][B13][B20] confirming some entries with an edit creates exactly those, with goalId, source architect and why", async () => {
    const room = new FakeRoom({ now: Date.parse("2027-01-02T08:00:00Z") });
    const proposed = room.room.architect.propose(handOff());
    if (!proposed.ok) throw new Error(proposed.error.message);
    const id = proposed.value.proposalId;
    // An unknown entry is refused and the proposal stays pending.
    const unknown = await post(room, `/api/v1/proposals/${id}/confirm`, { items: ["zz"] });
    expect(unknown.status).toBe(400);
    expect((await state(room)).proposals).toHaveLength(1);
    const res = await post(room, `/api/v1/proposals/${id}/confirm`, {
      items: ["goal", "t1", "b1"],
      edits: { b1: { start: "2027-01-04T18:00:00+01:00", end: "2027-01-04T19:00:00+01:00" } },
    });
    expect(res.status).toBe(200);
    const [goal] = readGoals(room.doc);
    expect(goal).toMatchObject({ title: "Half marathon", targetDate: "2027-03-15", status: "active" });
    const tasks = readTasks(room.doc);
    expect(tasks.map((t) => [t.title, t.goalId])).toEqual([["Easy run 5 km", goal!.id]]);
    expect(goal!.taskIds).toEqual([tasks[0]!.id]);
    const blocks = readBlocks(room.doc);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ source: "architect", goalId: goal!.id, taskId: tasks[0]!.id, start: "2027-01-04T18:00:00+01:00" });
    const events = room.room.ledger.ofTypes(["goal.created", "task.created", "block.created", "proposal.confirmed"]);
    expect(events.map((e) => e.type)).toEqual(["goal.created", "task.created", "block.created", "proposal.confirmed"]);
    for (const e of events.slice(0, 3)) {
      expect(e.actor.kind).toBe("assistant");
      expect("why" in e.payload && e.payload.why).toMatchObject({ workflowId: "run-1", step: "confirm", hash });
    }
    expect(events[3]!.payload).toMatchObject({ accepted: ["goal", "t1", "b1"] });
    expect((await state(room)).proposals).toHaveLength(0);
  });

  it("[B11] the goal comes with its plan: leaving it out while accepting others still creates it, and the confirm says it was accepted; alone, it is the goal alone", async () => {
    const room = new FakeRoom({ now: Date.parse("2027-01-02T08:00:00Z") });
    const first = room.room.architect.propose(handOff("run-1"));
    if (!first.ok) throw new Error(first.error.message);
    const res = await post(room, `/api/v1/proposals/${first.value.proposalId}/confirm`, { items: ["t1", "b1"], edits: { goal: { title: "Half marathon in March" } } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: { accepted: ["goal", "t1", "b1"] } });
    const [goal] = readGoals(room.doc);
    expect(goal).toMatchObject({ title: "Half marathon in March", taskIds: [readTasks(room.doc)[0]!.id] });
    expect(readBlocks(room.doc)[0]).toMatchObject({ goalId: goal!.id });
    const confirmed = room.room.ledger.ofTypes(["proposal.confirmed"]);
    expect(confirmed.at(-1)!.payload).toMatchObject({ accepted: ["goal", "t1", "b1"] });

    const second = room.room.architect.propose(handOff("run-2"));
    if (!second.ok) throw new Error(second.error.message);
    expect((await post(room, `/api/v1/proposals/${second.value.proposalId}/confirm`, { items: ["goal"] })).status).toBe(200);
    expect(readGoals(room.doc)).toHaveLength(2);
    expect(readGoals(room.doc)[1]!.taskIds).toEqual([]);
    expect(readTasks(room.doc)).toHaveLength(1);
    expect(room.room.ledger.ofTypes(["proposal.confirmed"]).at(-1)!.payload).toMatchObject({ accepted: ["goal"] });
  });

  it("[B16] undo removes what the plan added, except the block the user moved since (and its goal and task, which it keeps)", async () => {
    const room = new FakeRoom({ now: Date.parse("2027-01-02T08:00:00Z") });
    const proposed = room.room.architect.propose(handOff());
    if (!proposed.ok) throw new Error(proposed.error.message);
    expect((await post(room, `/api/v1/proposals/${proposed.value.proposalId}/confirm`)).status).toBe(200);
    expect(readBlocks(room.doc)).toHaveLength(2);
    expect(readTasks(room.doc)).toHaveLength(3);
    // The user drags the long run on their phone: a device edit through the document.
    const phone = room.connect();
    phone.hello("phone");
    room.flush();
    const device = new Y.Doc();
    Y.applyUpdate(device, Y.encodeStateAsUpdate(room.doc));
    const long = readBlocks(device).find((b) => b.title.startsWith("Long"))!;
    const before = Y.encodeStateVector(device);
    device.transact(() => {
      const entry = blocksOf(device).get(long.id)!;
      entry.set("start", "2027-01-07T09:00:00+01:00");
      entry.set("end", "2027-01-07T11:00:00+01:00");
    });
    phone.sendUpdate(Y.encodeStateAsUpdate(device, before));
    room.flush();
    expect(room.room.ledger.ofTypes(["block.updated"]).map((e) => e.actor)).toEqual([{ kind: "user", deviceId: "phone" }]);
    // The run had no chat turn: its changes are undone under `architect-<runId>`.
    const undo = await post(room, "/api/v1/undo", { turnId: "architect-run-1" });
    expect(undo.status).toBe(200);
    const blocks = readBlocks(room.doc);
    expect(blocks.map((b) => b.title)).toEqual(["Long run 12 km"]);
    expect(blocks[0]!.start).toBe("2027-01-07T09:00:00+01:00");
    // The goal stays (something of it is kept); the tasks nobody touched are gone.
    expect(readGoals(room.doc)).toHaveLength(1);
    expect(readTasks(room.doc)).toHaveLength(0);
    const body = (await undo.json()) as { kept: { kind: string; reason: string }[] };
    expect(body.kept).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "block", reason: "you moved it" }), expect.objectContaining({ kind: "goal" })]));
  });
});

describe("blocks on the agenda and goal activity (B4, B21)", () => {
  it("[B4] confirmed blocks appear in GET /api/v1/agenda as kind block with their source", async () => {
    const room = new FakeRoom({ now: Date.parse("2027-01-02T08:00:00Z") });
    const proposed = room.room.architect.propose(handOff());
    if (!proposed.ok) throw new Error(proposed.error.message);
    await post(room, `/api/v1/proposals/${proposed.value.proposalId}/confirm`, { items: ["goal", "t1", "b1"] });
    const res = await room.room.request(new Request("http://room/api/v1/agenda?from=2027-01-04T00:00:00Z&to=2027-01-05T00:00:00Z"), "a");
    const { items } = (await res.json()) as { items: { kind: string; title: string; start: string; end?: string; source?: string }[] };
    expect(items.filter((i) => i.kind === "block")).toEqual([
      { kind: "block", id: readBlocks(room.doc)[0]!.id, title: "Easy run 5 km", start: "2027-01-04T08:00:00+00:00", end: "2027-01-04T09:00:00+00:00", source: "architect" },
    ]);
  });

  it("[B21] GET /api/v1/events?goalId= lists the goal's events and its tasks' and blocks', not others", async () => {
    const room = new FakeRoom({ now: Date.parse("2027-01-02T08:00:00Z") });
    await post(room, "/api/v1/tasks", { action: "create", title: "Unrelated" });
    const proposed = room.room.architect.propose(handOff());
    if (!proposed.ok) throw new Error(proposed.error.message);
    await post(room, `/api/v1/proposals/${proposed.value.proposalId}/confirm`, { items: ["goal", "t1", "b1"] });
    const goalId = readGoals(room.doc)[0]!.id;
    const res = await room.room.request(new Request(`http://room/api/v1/events?goalId=${goalId}`), "e");
    const page = (await res.json()) as { events: { type: string }[] };
    expect(page.events.map((e) => e.type)).toEqual(["goal.created", "task.created", "block.created"]);
    const bad = await room.room.request(new Request("http://room/api/v1/events?goalId=a%20b"), "e2");
    expect(bad.status).toBe(400);
  });
});

describe("the architect's context (B12)", () => {
  it("[B12] gives the zone, work hours and busy time — existing blocks in the range — for placement", async () => {
    const room = new FakeRoom({ now: Date.parse("2027-01-02T08:00:00Z") });
    const proposed = room.room.architect.propose(handOff());
    if (!proposed.ok) throw new Error(proposed.error.message);
    await post(room, `/api/v1/proposals/${proposed.value.proposalId}/confirm`);
    const ctx = room.room.architect.context(Date.parse("2027-01-05T00:00:00Z"), Date.parse("2027-01-08T00:00:00Z"));
    expect(ctx).toEqual({
      timeZone: "UTC",
      now: Date.parse("2027-01-02T08:00:00Z"),
      workHours: { start: "09:00", end: "17:00", days: [1, 2, 3, 4, 5] },
      busy: [{ start: "2027-01-06T09:00:00+01:00", end: "2027-01-06T11:00:00+01:00" }],
      goals: readGoals(room.doc),
    });
  });
});
