/**
 * The web's cached state, kept current from frames (docs/PROTOCOL.md W10,
 * W11): a real room core in Node (tests/support/fake-room.ts) produces the
 * events; the state fetched first, with every `event` frame the device got
 * folded in, equals the state fetched at the end.
 */
import { describe, expect, it } from "vitest";
import { type BrainState, BrainStateSchema } from "../../shared/api.ts";
import { AcceptedSchema } from "../../shared/chat.ts";
import { type EventEnvelope, parseLedgerEvent } from "../../shared/events.ts";
import { applyAccepted, applyCompleted, applyEvent, applyEvents, appendEvents } from "../../web/lib/state-events.ts";
import { catchUp, forget, remember } from "../../web/lib/state-journal.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";

async function stateOf(room: FakeRoom): Promise<BrainState> {
  const res = await room.room.request(new Request("http://room.test/api/v1/state"), "req-state");
  expect(res.status).toBe(200);
  return BrainStateSchema.parse(await res.json());
}

let rids = 0;
async function say(room: FakeRoom, device: FakeSocket, text: string): Promise<string> {
  const rid = `m-${++rids}`;
  device.sendFrame({ type: "message.send", rid, command: { text } });
  room.flush();
  await room.room.chat.idle();
  room.flush();
  const accepted = AcceptedSchema.safeParse(device.of("ack").find((f) => f.rid === rid)?.result);
  if (!accepted.success) throw new Error(`no turn for “${text}”`);
  return accepted.data.turnId;
}

const liveEvents = (device: FakeSocket): EventEnvelope[] => device.of("event").map((f) => f.event);
const folded = (state: BrainState, events: EventEnvelope[], now: number) => applyEvents(state, events.map((e) => ({ seq: e.seq, event: parseLedgerEvent(e) })), now);
/** What the state says that frames can know: devices come from `presence` frames, not events. */
const comparable = ({ devices: _devices, ...rest }: BrainState) => rest;

describe("Web — the state kept current from events", () => {
  it("[W10] state fetched once + every event of a real room's session == the state fetched at the end", async () => {
    const room = new FakeRoom();
    const a = room.connect();
    a.hello("laptop");
    room.flush();
    const start = await stateOf(room);

    a.sendFrame({ type: "task", command: { action: "create", task: { title: "Pay the bill", due: "2026-11-26" } } });
    a.sendFrame({ type: "note", command: { action: "create", note: { title: "Ideas", body: "one" } } });
    a.sendFrame({ type: "preferences.update", command: { workHours: { start: "08:00" } } });
    room.flush();
    const reminded = await say(room, a, "remind me to call John tomorrow at 3pm");
    await say(room, a, "remember that my dog is Rex");
    await say(room, a, "plan my day");
    const proposing = await say(room, a, "delete pay the bill");
    const proposalId = a.of("llm.action").find((f) => f.turnId === proposing && f.action.status === "proposed")?.action.proposalId;
    expect(proposalId).toBeTruthy();
    // Pending here: the state lists it, and so must the fold.
    expect(comparable(folded(start, liveEvents(a), room.clock))).toEqual(comparable(await stateOf(room)));
    a.sendFrame({ type: "proposal.confirm", rid: "c", proposalId: proposalId ?? "" });
    a.sendFrame({ type: "undo", rid: "u", command: { turnId: reminded } });
    room.flush();
    await say(room, a, "what's on my list?");

    const events = liveEvents(a);
    const types = new Set(events.map((e) => e.type));
    console.log(`[W10] ${events.length} events folded: ${[...types].join(", ")}`);
    for (const t of ["task.created", "note.created", "preferences.updated", "message.added", "reminder.set", "memory.pinned", "plan.proposed", "proposal.created", "proposal.confirmed", "task.deleted", "turn.undone", "usage.charged", "tool.used"]) expect(types).toContain(t);
    expect(comparable(folded(start, events, room.clock))).toEqual(comparable(await stateOf(room)));
  });

  it("[W10] an event already in the state changes nothing; an unknown type still moves the seq", async () => {
    const room = new FakeRoom();
    const a = room.connect();
    a.hello("laptop");
    room.flush();
    await say(room, a, "remember that my dog is Rex");
    const end = await stateOf(room);
    for (const e of liveEvents(a)) {
      const event = parseLedgerEvent(e);
      if (event) expect(applyEvent(end, event, room.clock)).toBe(end);
    }
    const unknown = applyEvents(end, [{ seq: end.lastEventSeq + 1, event: null }], room.clock);
    expect(unknown.lastEventSeq).toBe(end.lastEventSeq + 1);
  });

  it("[W10] the reply placed from llm.completed is replaced by its stored message; the user's message placed from the ack likewise", async () => {
    const room = new FakeRoom();
    const a = room.connect();
    a.hello("laptop");
    room.flush();
    const start = await stateOf(room);
    const turnId = await say(room, a, "remember that my dog is Rex");
    const completed = a.of("llm.completed").find((f) => f.turnId === turnId);
    const accepted = AcceptedSchema.parse(a.of("ack").at(-1)?.result);
    const at = new Date(room.clock).toISOString();
    // Frames first, events after: the worst order for the cache.
    let state = applyAccepted(start, { messageId: accepted.messageId, turnId, text: "remember that my dog is Rex", at });
    state = applyCompleted(state, { messageId: completed?.messageId ?? "", turnId, text: completed?.text ?? "", actions: [], at });
    expect(state.recentMessages.map((m) => [m.role, m.text])).toEqual([
      ["user", "remember that my dog is Rex"],
      ["assistant", completed?.text],
    ]);
    state = folded(state, liveEvents(a), room.clock);
    expect(comparable(state)).toEqual(comparable(await stateOf(room)));
    // And a completed frame after the event places nothing twice.
    expect(applyCompleted(state, { messageId: completed?.messageId ?? "", turnId, text: "x", actions: [], at })).toBe(state);
  });

  it("[W11] a fetch that crossed live events is caught up with them", async () => {
    forget();
    const room = new FakeRoom();
    const a = room.connect();
    a.hello("laptop");
    room.flush();
    const old = await stateOf(room);
    await say(room, a, "remember that my dog is Rex");
    remember(liveEvents(a));
    expect(comparable(catchUp(old, room.clock))).toEqual(comparable(await stateOf(room)));
    forget();
    expect(catchUp(old, room.clock)).toBe(old);
  });

  it("[W10] the activity page appends live events once, keeping the latest", () => {
    const e = (seq: number): EventEnvelope => ({ id: `e${seq}`, seq, ts: "2026-11-25T10:00:00.000Z", actor: { kind: "system" }, correlationId: "c", type: "tool.used", payload: { day: "2026-11-25", tool: "x" } });
    const page = { events: [e(1), e(2)], lastEventSeq: 2 };
    expect(appendEvents(page, [e(2), e(3)]).events.map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(appendEvents(page, [e(3), e(4), e(5)], 3).events.map((x) => x.seq)).toEqual([3, 4, 5]);
    expect(appendEvents(page, [e(1)])).toBe(page);
  });
});
