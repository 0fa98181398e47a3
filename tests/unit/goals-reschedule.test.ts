/**
 * Rescheduling (docs/PROTOCOL.md B17–B19) with the offline assistant over the
 * room core: the words become one proposal of moves; nothing moves before the
 * user confirms; dependencies are kept; hand-placed blocks are marked.
 */
import { describe, expect, it } from "vitest";
import { parseReschedule } from "../../party/chat/reschedule-tool.ts";
import { planMoves } from "../../party/goals/reschedule.ts";
import { AcceptedSchema } from "../../shared/chat.ts";
import { BrainStateSchema } from "../../shared/api.ts";
import { readBlock, readBlocks, writeBlock } from "../../shared/doc-schema.ts";
import type { Block } from "../../shared/goals.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";

const NOW = Date.parse("2027-01-04T10:00:00Z"); // a Monday; the room's zone is UTC

const block = (id: string, title: string, start: string, end: string, over: Partial<Block> = {}): Block => ({
  id,
  title,
  start,
  end,
  taskId: null,
  goalId: "g1",
  source: "architect",
  createdAt: "2027-01-01T00:00:00.000Z",
  updatedAt: "2027-01-01T00:00:00.000Z",
  createdBy: "assistant:t0",
  ...over,
});

const DAY = [
  block("easy", "Easy run 5 km", "2027-01-04T09:00:00+00:00", "2027-01-04T10:00:00+00:00"),
  block("long", "Long run 12 km", "2027-01-04T10:30:00+00:00", "2027-01-04T11:30:00+00:00"),
  block("deep", "Deep work", "2027-01-04T11:30:00+00:00", "2027-01-04T12:00:00+00:00", { goalId: null, source: "user" }),
  block("read", "Reading", "2027-01-04T14:00:00+00:00", "2027-01-04T15:00:00+00:00", { goalId: null, source: "user" }),
];

function roomWithDay(): { room: FakeRoom; phone: FakeSocket } {
  const room = new FakeRoom({ now: NOW });
  for (const b of DAY) writeBlock(room.doc, b, { actorLabel: "user:laptop" });
  const phone = room.connect();
  phone.hello("phone");
  room.flush();
  return { room, phone };
}

async function say(room: FakeRoom, device: FakeSocket, text: string): Promise<string> {
  const rid = `say-${text}`;
  device.sendFrame({ type: "message.send", rid, command: { text } });
  room.flush();
  await room.room.chat.idle();
  room.flush();
  const { turnId } = AcceptedSchema.parse(device.of("ack").find((f) => f.rid === rid)?.result);
  return turnId;
}

const pending = async (room: FakeRoom) => BrainStateSchema.parse(await (await room.room.request(new Request("http://room/api/v1/state"), "s")).json()).proposals;

const confirm = (room: FakeRoom, id: string, body?: unknown) =>
  room.room.request(
    new Request(`http://room/api/v1/proposals/${id}/confirm`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-device-id": "phone" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
    `c-${id}`,
  );

describe("rescheduling (B17–B19)", () => {
  it("[B17] reads the phrases people use", () => {
    expect(parseReschedule("I missed today's run")).toEqual({ kind: "missed", match: "run" });
    expect(parseReschedule("I skipped my workout this morning")).toEqual({ kind: "missed", match: "workout" });
    expect(parseReschedule("move my afternoon blocks to tomorrow")).toEqual({ kind: "part", part: "afternoon" });
    expect(parseReschedule("push my blocks to tomorrow")).toEqual({ kind: "part", part: "all" });
    expect(parseReschedule("add a task to run tomorrow")).toBeNull();
  });

  it("[B17] “I missed today's run” proposes moves, the later run of the goal following to stay after it; nothing moves before the confirm", async () => {
    const { room, phone } = roomWithDay();
    await say(room, phone, "I missed today's run");
    const [proposal] = await pending(room);
    expect(proposal).toMatchObject({ tool: "reschedule_blocks" });
    expect(proposal!.entries).toEqual([
      { id: "move-easy", kind: "move", title: "Easy run 5 km", start: "2027-01-04T10:00:00+00:00", end: "2027-01-04T11:00:00+00:00" },
      {
        id: "move-long",
        kind: "move",
        title: "Long run 12 km",
        start: "2027-01-04T12:00:00+00:00",
        end: "2027-01-04T13:00:00+00:00",
        detail: "moves to stay after the one before it",
      },
    ]);
    // Proposed, not done.
    expect(readBlock(room.doc, "easy")!.start).toBe("2027-01-04T09:00:00+00:00");
    // B17: accepting the first move alone would put the long run before it: refused, still pending.
    const half = await confirm(room, proposal!.id, { items: ["move-easy"] });
    expect(half.status).toBe(400);
    expect(((await half.json()) as { error: { message: string } }).error.message).toContain("must move too");
    expect(await pending(room)).toHaveLength(1);
    expect((await confirm(room, proposal!.id)).status).toBe(200);
    expect(readBlocks(room.doc).map((b) => [b.id, b.start])).toEqual([
      ["easy", "2027-01-04T10:00:00+00:00"],
      ["deep", "2027-01-04T11:30:00+00:00"],
      ["long", "2027-01-04T12:00:00+00:00"],
      ["read", "2027-01-04T14:00:00+00:00"],
    ]);
    const moved = room.room.ledger.ofTypes(["block.updated"]);
    expect(moved.map((e) => e.type === "block.updated" && [e.payload.blockId, e.payload.before?.start])).toEqual([
      ["easy", "2027-01-04T09:00:00+00:00"],
      ["long", "2027-01-04T10:30:00+00:00"],
    ]);
    // B20: each move says why — the turn, the stated reason, the hash of request and plan.
    for (const e of moved) {
      expect(e.type === "block.updated" && e.payload.why).toMatchObject({ turnId: proposal!.turnId, step: "confirm", rationale: expect.stringContaining("You asked to move what you missed"), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    }
  });

  it("[B18] afternoon blocks to tomorrow: a block the user placed is marked on its entry, and a block moved meanwhile is not moved from under them", async () => {
    const { room, phone } = roomWithDay();
    await say(room, phone, "move my afternoon blocks to tomorrow");
    const [proposal] = await pending(room);
    expect(proposal!.entries).toEqual([
      { id: "move-read", kind: "move", title: "Reading", start: "2027-01-05T14:00:00+00:00", end: "2027-01-05T15:00:00+00:00", detail: "you placed this yourself" },
    ]);
    // The user drags it themselves before confirming: the confirm changes nothing and says why.
    writeBlock(room.doc, { ...readBlock(room.doc, "read")!, start: "2027-01-04T16:00:00+00:00", end: "2027-01-04T17:00:00+00:00" }, { actorLabel: "user:laptop" });
    const late = await confirm(room, proposal!.id);
    expect(late.status).toBe(409);
    expect(readBlock(room.doc, "read")!.start).toBe("2027-01-04T16:00:00+00:00");
    expect(await pending(room)).toHaveLength(0);
  });

  it("[B19] undo of the confirmed moves puts the blocks back", async () => {
    const { room, phone } = roomWithDay();
    const turnId = await say(room, phone, "move my afternoon blocks to tomorrow");
    const [proposal] = await pending(room);
    expect((await confirm(room, proposal!.id)).status).toBe(200);
    expect(readBlock(room.doc, "read")!.start).toBe("2027-01-05T14:00:00+00:00");
    phone.sendFrame({ type: "undo", rid: "u", command: { turnId } });
    room.flush();
    expect(readBlock(room.doc, "read")!.start).toBe("2027-01-04T14:00:00+00:00");
  });

  it("[B20] a reply whose turn changed something carries why: the turn, the reply as reason, the hash of prompt and reply", async () => {
    const { room, phone } = roomWithDay();
    const turnId = await say(room, phone, "move my afternoon blocks to tomorrow");
    const reply = room.room.ledger.ofTurn(turnId).find((e) => e.type === "message.added");
    expect(reply?.type === "message.added" && reply.payload.why).toMatchObject({ turnId, step: "reply", rationale: expect.stringContaining("Move 1 block"), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // A reply that changed nothing has no why.
    const quiet = await say(room, phone, "hello");
    const hello = room.room.ledger.ofTurn(quiet).find((e) => e.type === "message.added");
    expect(hello?.type === "message.added" && hello.payload.why).toBeUndefined();
  });

  it("[B17] nothing to move is said plainly, and no proposal is made", () => {
    const plan = planMoves({ request: { kind: "missed", match: "swim" }, blocks: DAY, goals: [], events: [], workHours: { start: "09:00", end: "17:00", days: [1, 2, 3, 4, 5] }, timeZone: "UTC", now: NOW });
    expect(plan).toEqual({ nothing: "There is no “swim” block today to move" });
  });
});
