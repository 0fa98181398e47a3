/**
 * The "Done when" for the calendar, end to end (docs/PROTOCOL.md
 * K20–K29): the real local server (`npm start`, workerd), a real Radicale
 * (CalDAV through tsdav in the worker), the offline assistant over a socket.
 * "What's on my agenda today?" lists a CalDAV meeting and a task in local
 * time; "put lunch with Ana on Friday at 1" is on the server only after the
 * user confirms; undo of that turn takes it off the server. Waits on frames and
 * on what the servers answer, never on a fixed time.
 */
import { createCalendarObject, fetchCalendarObjects } from "tsdav";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDate, zonedToUtc } from "../../shared/dates.ts";
import type { AgendaItem } from "../../shared/agenda.ts";
import { type Radicale, startRadicale } from "../support/radicale.ts";
import { http, login, socketDevice } from "./clients.ts";
import { type DevServer, startDevServer } from "./dev-server.ts";

const NY = "America/New_York";
const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
const ics = (uid: string, title: string, start: Date, end: Date) =>
  ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", `UID:${uid}`, `DTSTAMP:${stamp(new Date())}`, `SUMMARY:${title}`, `DTSTART:${stamp(start)}`, `DTEND:${stamp(end)}`, "END:VEVENT", "END:VCALENDAR", ""].join("\r\n");
/** A wall-clock time today in New York, as an instant. */
const todayAt = (hour: number) => {
  const [y, m, d] = localDate(NY, new Date()).split("-").map(Number);
  return zonedToUtc(NY, y!, m!, d!, hour, 0);
};

describe("Agenda — the calendar in chat (local server, Radicale, offline assistant)", () => {
  let radicale: Radicale;
  let server: DevServer;
  let api: ReturnType<typeof http>;
  let device: ReturnType<typeof socketDevice>;
  let n = 0;
  const onServer = async () => (await fetchCalendarObjects({ calendar: { url: radicale.calendarUrl }, headers: radicale.headers, urlFilter: () => true })).map((o) => String(o.data));
  const lunches = async () => (await onServer()).filter((d) => d.includes("SUMMARY:Lunch with Ana")).length;

  /** Sends a chat message on the socket; the turn and its reply's text. */
  async function say(text: string): Promise<{ turnId: string; reply: string }> {
    const rid = `say-${++n}`;
    device.send({ type: "message.send", rid, command: { text } });
    const ack = await device.log.waitFor("ack", (f) => f.rid === rid);
    const turnId = String((ack.result as { turnId: string }).turnId);
    const done = await device.log.waitFor("llm.completed", (f) => f.turnId === turnId);
    return { turnId, reply: done.text };
  }

  beforeAll(async () => {
    radicale = await startRadicale();
    server = await startDevServer();
    api = http(server, await login(server, "agenda-user"));
    expect((await api("PUT", "/api/v1/preferences", { timezone: NY })).status).toBe(200);
    device = socketDevice(server, await login(server, "agenda-user"), "laptop");
  });
  afterAll(async () => {
    device?.close();
    await server?.stop();
    await radicale?.stop();
  });

  it("[K24][K20] “what's on my agenda today?” lists a CalDAV meeting and a task in local time", async () => {
    await createCalendarObject({ calendar: { url: radicale.calendarUrl }, filename: "standup.ics", iCalString: ics("standup-1", "Radicale standup", todayAt(12), todayAt(13)), headers: radicale.headers });
    const added = await api<{ id: string }>("POST", "/api/v1/calendar/sources", { kind: "caldav", url: `${radicale.origin}/`, username: radicale.username, password: radicale.password, name: "Work" });
    expect(added.status).toBe(201);
    await api("POST", "/api/v1/tasks", { action: "create", task: { title: "Call John", due: todayAt(15).toISOString() } });
    const today = `from=${encodeURIComponent(todayAt(0).toISOString())}&to=${encodeURIComponent(todayAt(23).toISOString())}`;
    await expect
      .poll(async () => (await api<{ items: AgendaItem[] }>("GET", `/api/v1/agenda?${today}`)).body.items.map((i) => i.title), { timeout: 30_000, interval: 100 })
      .toEqual(["Radicale standup", "Call John"]);
    const { reply } = await say("what's on my agenda today?");
    expect(reply).toContain("• 12:00 PM Radicale standup (Work calendar)");
    expect(reply).toContain("• 3:00 PM Call John (task)");
  });

  it("[K27][K28][K29][G7] “put lunch with Ana on Friday at 1” is created in Radicale only after confirmation; undo removes it", async () => {
    const { turnId, reply } = await say("put lunch with Ana on Friday at 1");
    expect(reply).toMatch(/nothing is added until you do/);
    const card = await device.log.waitFor("llm.action", (f) => f.turnId === turnId && f.action.status === "proposed");
    expect(card.action.summary).toMatch(/^Add “Lunch with Ana” to your Work calendar: Fri, .+, 1:00 PM–2:00 PM \(1 h\)\?$/);
    // G7: proposed, not written.
    expect(await lunches()).toBe(0);

    const confirmed = await api("POST", `/api/v1/proposals/${card.action.proposalId}/confirm`);
    expect(confirmed.status).toBe(200);
    const settled = await device.log.waitFor("llm.action", (f) => f.action.proposalId === card.action.proposalId && f.action.status !== "proposed");
    expect(settled.action).toMatchObject({ status: "confirmed", summary: expect.stringMatching(/^Added “Lunch with Ana” — Fri, .+, 1:00 PM$/) });
    expect(await lunches()).toBe(1);
    const data = (await onServer()).find((d) => d.includes("Lunch with Ana"))!;
    expect(data).toMatch(/DTSTART/);
    const created = (await api<{ events: { type: string; actor: { kind: string; turnId?: string } }[] }>("GET", "/api/v1/events?since=0&limit=1000")).body.events.filter((e) => e.type === "calendar.event.created");
    expect(created).toMatchObject([{ actor: { kind: "assistant", turnId } }]);

    const undone = await api<{ message: string }>("POST", "/api/v1/undo", { turnId });
    expect(undone.status).toBe(200);
    expect(undone.body.message).toContain("removed “Lunch with Ana” from your calendar");
    await expect.poll(lunches, { timeout: 30_000, interval: 100 }).toBe(0);
    await expect
      .poll(async () => (await api<{ events: { type: string }[] }>("GET", "/api/v1/events?since=0&limit=1000")).body.events.filter((e) => e.type === "calendar.event.deleted").length, { timeout: 30_000, interval: 100 })
      .toBe(1);
  });
});
