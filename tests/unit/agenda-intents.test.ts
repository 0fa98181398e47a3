/**
 * The calendar in chat, offline (docs/PROTOCOL.md K24, K25, K27): which
 * phrases reach which tool with which input, read in the preference zone, and
 * what the replies say — from a room with a fake calendar.
 */
import { describe, expect, it } from "vitest";
import { interpret } from "../../party/chat/intents.ts";
import { FakeCalendar } from "../support/fake-calendar.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";

// Wednesday 2026-03-04, 10:00 in New York (15:00 UTC); DST starts Sunday 2026-03-08.
const NOW = Date.parse("2026-03-04T15:00:00Z");
const NY = "America/New_York";

const call = (text: string) => {
  const u = interpret(text, NY, new Date(NOW));
  return u.kind === "tool" ? u.match.call : u.kind;
};

describe("Agenda — offline phrases", () => {
  const cases: [string, string, unknown][] = [
    ["what's on my agenda today?", "get_agenda", {}],
    ["what's on my agenda tomorrow?", "get_agenda", { date: "2026-03-05", days: 1 }],
    ["what's on my calendar this week", "get_agenda", { date: "2026-03-04", days: 5 }],
    ["what's on my agenda next week?", "get_agenda", { date: "2026-03-09", days: 7 }],
    ["what's on my agenda on Friday?", "get_agenda", { date: "2026-03-06", days: 1 }],
    // "at 3" is the afternoon's; after the DST change the offset is -04:00.
    ["am I free Thursday at 3?", "check_free", { start: "2026-03-05T15:00:00-05:00", minutes: 60 }],
    ["am I free Monday at 10am?", "check_free", { start: "2026-03-09T10:00:00-04:00", minutes: 60 }],
    ["Am I free on Friday?", "check_free", { day: "2026-03-06" }],
    ["put lunch with Ana on Friday at 1", "propose_calendar_event", { title: "Lunch with Ana", start: "2026-03-06T13:00:00-05:00" }],
    ["schedule a call with Bob tomorrow at 4:30pm", "propose_calendar_event", { title: "A call with Bob", start: "2026-03-05T16:30:00-05:00" }],
    ["add dentist to my calendar on March 10 at 9am", "propose_calendar_event", { title: "Dentist", start: "2026-03-10T09:00:00-04:00" }],
  ];
  for (const [text, toolName, input] of cases) {
    it(`[K24][K25][K27] "${text}" calls ${toolName} with ${JSON.stringify(input)}`, () => {
      expect(call(text)).toEqual({ toolName, input });
    });
  }

  it("[K27] a request to put something somewhere without a day or time is not a calendar event", () => {
    expect(call("put the milk away")).not.toMatchObject({ toolName: "propose_calendar_event" });
  });
});

async function ask(room: FakeRoom, device: FakeSocket, text: string): Promise<string> {
  const before = device.of("llm.completed").length;
  device.sendFrame({ type: "message.send", command: { text } });
  room.flush();
  await room.room.chat.idle();
  room.flush();
  const done = device.of("llm.completed");
  expect(done).toHaveLength(before + 1);
  return done.at(-1)!.text;
}

function setup() {
  const calendar = new FakeCalendar();
  const room = new FakeRoom({ now: NOW, calendar });
  const phone = room.connect();
  phone.hello("phone");
  phone.sendFrame({ type: "preferences.update", command: { timezone: NY } });
  room.flush();
  return { calendar, room, phone };
}

describe("Agenda — answers in chat", () => {
  it("[K24] “what's on my agenda today?” lists the day's events and tasks in local time, with the calendar's name", async () => {
    const { calendar, room, phone } = setup();
    calendar.events.push({ id: "e1", sourceId: "work", title: "Team sync", start: "2026-03-04T14:00:00Z", end: "2026-03-04T14:30:00Z", allDay: false });
    calendar.events.push({ id: "e2", sourceId: "work", title: "Tomorrow's demo", start: "2026-03-05T14:00:00Z", end: "2026-03-05T15:00:00Z", allDay: false });
    phone.sendFrame({ type: "task", command: { action: "create", task: { title: "Call John", due: "2026-03-04T20:00:00Z" } } });
    room.flush();
    const reply = await ask(room, phone, "what's on my agenda today?");
    expect(reply).toContain("• 9:00 AM Team sync (Work calendar)");
    expect(reply).toContain("• 3:00 PM Call John (task)");
    expect(reply.indexOf("Team sync")).toBeLessThan(reply.indexOf("Call John"));
    expect(reply).not.toContain("demo");
    // Read-only: nothing was written, no card, no proposal.
    expect(calendar.created).toEqual([]);
    expect(room.room.chat.store.pendingProposals(NOW)).toEqual([]);
    const tomorrow = await ask(room, phone, "what's on my agenda tomorrow?");
    expect(tomorrow).toContain("on Thu, Mar 5");
    expect(tomorrow).toContain("• 9:00 AM Tomorrow's demo (Work calendar)");
  });

  it("[K24] “this week” groups the items under their days, through Sunday, across the DST change", async () => {
    const { calendar, room, phone } = setup();
    calendar.events.push({ id: "e1", sourceId: "work", title: "Design review", start: "2026-03-05T19:30:00Z", end: "2026-03-05T20:30:00Z", allDay: false });
    calendar.events.push({ id: "e2", sourceId: "work", title: "Brunch", start: "2026-03-08T15:00:00Z", end: "2026-03-08T16:00:00Z", allDay: false });
    calendar.events.push({ id: "e3", sourceId: "work", title: "Next Monday", start: "2026-03-09T15:00:00Z", end: "2026-03-09T16:00:00Z", allDay: false });
    const reply = await ask(room, phone, "what's on my calendar this week?");
    expect(reply).toBe("Here's what's on your agenda from Wed, Mar 4 for 5 days:\nThu, Mar 5:\n• 2:30 PM Design review (Work calendar)\nSun, Mar 8:\n• 11:00 AM Brunch (Work calendar)");
  });

  it("[K25] “am I free Thursday at 3?” is busy when an event overlaps the hour and names it; free otherwise", async () => {
    const { calendar, room, phone } = setup();
    calendar.events.push({ id: "e1", sourceId: "work", title: "Design review", start: "2026-03-05T19:30:00Z", end: "2026-03-05T20:30:00Z", allDay: false });
    const busy = await ask(room, phone, "am I free Thursday at 3?");
    expect(busy).toMatch(/^No — /);
    expect(busy).toContain("2:30 PM Design review (Work calendar)");
    const free = await ask(room, phone, "am I free Thursday at 4pm?");
    expect(free).toMatch(/^Yes — you're free Thu, Mar 5, 4:00 PM–5:00 PM/);
    // A timed task in the hour makes it busy too.
    phone.sendFrame({ type: "task", command: { action: "create", task: { title: "Submit report", due: "2026-03-05T21:30:00Z" } } });
    room.flush();
    expect(await ask(room, phone, "am I free Thursday at 4pm?")).toContain("Submit report (task)");
    // A day without a time: its work hours (9 to 5 by default), with everything on it named.
    const day = await ask(room, phone, "am I free on Thursday?");
    expect(day).toMatch(/^No — Thu, Mar 5, 9:00 AM–5:00 PM you have 2 things on: 2:30 PM Design review \(Work calendar\); 4:30 PM Submit report \(task\)\.$/);
  });
});
