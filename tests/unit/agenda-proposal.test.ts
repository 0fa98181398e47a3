/**
 * A calendar event from chat (docs/PROTOCOL.md K27–K29, C8, G7, D18): proposed
 * with the event on its card, written only on confirm — awaited without
 * holding up other frames —, recorded with the assistant as actor, a refusal
 * shown on the card, and undone by deleting it. The room core with a fake
 * calendar whose writes the test holds and releases.
 */
import { describe, expect, it } from "vitest";
import { AcceptedSchema, type ActionCard } from "../../shared/chat.ts";
import { readTasks } from "../../shared/doc-schema.ts";
import { UndoneSchema } from "../../shared/api.ts";
import type { ServerFrame } from "../../shared/protocol.ts";
import { BEING_DONE } from "../../party/chat/proposals.ts";
import { FakeCalendar } from "../support/fake-calendar.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";

// Wednesday 2026-03-04, 10:00 in New York.
const NOW = Date.parse("2026-03-04T15:00:00Z");

function setup() {
  const calendar = new FakeCalendar();
  const room = new FakeRoom({ now: NOW, calendar });
  calendar.ledger = room.room.ledger;
  const a = room.connect();
  const b = room.connect();
  a.hello("laptop");
  b.hello("phone");
  a.sendFrame({ type: "preferences.update", command: { timezone: "America/New_York" } });
  room.flush();
  return { calendar, room, a, b };
}

async function say(room: FakeRoom, device: FakeSocket, text: string): Promise<{ turnId: string; reply: string }> {
  const rid = `say-${text}`;
  device.sendFrame({ type: "message.send", rid, command: { text } });
  room.flush();
  await room.room.chat.idle();
  room.flush();
  const { turnId } = AcceptedSchema.parse(device.of("ack").find((f) => f.rid === rid)?.result);
  return { turnId, reply: device.of("llm.completed").find((f) => f.turnId === turnId)?.text ?? "" };
}

const card = (device: FakeSocket): ActionCard | undefined => device.of("llm.action").at(-1)?.action;
const events = (room: FakeRoom, type: string) => room.room.ledger.since(0, 10_000).filter((e) => e.type === type);
const outcome = (device: FakeSocket, rid: string): ServerFrame | undefined => device.received.find((f) => (f.type === "ack" || f.type === "error") && f.rid === rid);

describe("Agenda — a calendar event proposed from chat", () => {
  it("[K27][G7] “put lunch with Ana on Friday at 1” proposes the event on a card; nothing is written before confirming", async () => {
    const { calendar, room, a, b } = setup();
    const { reply } = await say(room, a, "put lunch with Ana on Friday at 1");
    expect(card(a)).toMatchObject({ tool: "propose_calendar_event", status: "proposed", summary: "Add “Lunch with Ana” to your Work calendar: Fri, Mar 6, 1:00 PM–2:00 PM (1 h)?" });
    expect(card(b)).toEqual(card(a));
    expect(reply).toMatch(/confirm it on your device; nothing is added until you do/);
    expect(calendar.created).toEqual([]);
    expect(events(room, "calendar.event.created")).toEqual([]);
  });

  it("[K28][C8] confirm awaits the calendar without holding other frames; the event is recorded with the assistant's turn as actor, once", async () => {
    const { calendar, room, a, b } = setup();
    const { turnId } = await say(room, a, "put lunch with Ana on Friday at 1");
    const proposalId = card(a)!.proposalId!;
    calendar.hold = true;
    b.sendFrame({ type: "proposal.confirm", rid: "yes", proposalId });
    room.flush();
    expect(outcome(b, "yes")?.type).toBe("ack");
    // While the calendar has not answered: another frame is served, a second click is told to wait.
    a.sendFrame({ type: "task", rid: "t", command: { action: "create", task: { title: "Buy flowers" } } });
    a.sendFrame({ type: "proposal.confirm", rid: "again", proposalId });
    room.flush();
    expect(readTasks(room.doc).map((t) => t.title)).toEqual(["Buy flowers"]);
    expect(outcome(a, "again")).toMatchObject({ type: "error", code: "conflict", message: BEING_DONE });
    expect(calendar.created).toEqual([]);
    calendar.release();
    await room.room.chat.idle();
    room.flush();
    expect(calendar.created).toMatchObject([{ title: "Lunch with Ana", start: "2026-03-06T13:00:00-05:00", end: "2026-03-06T14:00:00-05:00", sourceId: "work" }]);
    expect(events(room, "calendar.event.created")).toMatchObject([{ actor: { kind: "assistant", turnId }, payload: { title: "Lunch with Ana", eventId: "ev-1" } }]);
    expect(events(room, "proposal.confirmed")).toHaveLength(1);
    expect(card(a)).toMatchObject({ status: "confirmed", summary: "Added “Lunch with Ana” — Fri, Mar 6, 1:00 PM" });
    expect(card(b)).toEqual(card(a));
    b.sendFrame({ type: "proposal.confirm", rid: "third", proposalId });
    room.flush();
    await room.room.chat.idle();
    expect(calendar.created).toHaveLength(1);
  });

  it("[K28] a calendar that refuses: the card says “Couldn't add it: …”, the proposal fails, nothing is created", async () => {
    const { calendar, room, a } = setup();
    await say(room, a, "put lunch with Ana on Friday at 1");
    calendar.failWith = "the server answered 503";
    a.sendFrame({ type: "proposal.confirm", rid: "yes", proposalId: card(a)!.proposalId! });
    room.flush();
    await room.room.chat.idle();
    room.flush();
    expect(card(a)).toMatchObject({ status: "failed", summary: "Couldn't add it: the server answered 503" });
    expect(events(room, "proposal.settled")).toMatchObject([{ payload: { status: "failed" } }]);
    expect(events(room, "calendar.event.created")).toEqual([]);
  });

  it("[K27] with no writable calendar, nothing is proposed and the reply says how to add one", async () => {
    const { calendar, room, a } = setup();
    calendar.sourceList = [{ id: "holidays", name: "Holidays", writable: false }];
    const { reply } = await say(room, a, "put lunch with Ana on Friday at 1");
    expect(reply).toMatch(/Settings → Calendars/);
    expect(events(room, "proposal.created")).toEqual([]);
  });

  it("[K29][D18] undo of the turn deletes the event it created from the calendar and records calendar.event.deleted", async () => {
    const { calendar, room, a } = setup();
    const { turnId } = await say(room, a, "put lunch with Ana on Friday at 1");
    a.sendFrame({ type: "proposal.confirm", rid: "yes", proposalId: card(a)!.proposalId! });
    room.flush();
    await room.room.chat.idle();
    a.sendFrame({ type: "undo", rid: "undo", command: { turnId } });
    room.flush();
    const undone = UndoneSchema.parse((outcome(a, "undo") as Extract<ServerFrame, { type: "ack" }>).result);
    expect(undone.reverted).toContainEqual({ kind: "calendar.event.removed", sourceId: "work", eventId: "ev-1", title: "Lunch with Ana" });
    expect(undone.message).toContain("removed “Lunch with Ana” from your calendar");
    await room.room.calendarIdle();
    expect(calendar.removed).toEqual(["ev-1"]);
    expect(calendar.events).toEqual([]);
    expect(events(room, "calendar.event.deleted")).toMatchObject([{ payload: { eventId: "ev-1" } }]);
  });
});
