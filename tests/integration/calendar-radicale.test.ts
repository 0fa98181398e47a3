/**
 * Calendars end to end against the real local server (`npm start`, workerd)
 * with a real Radicale (CalDAV, via tsdav inside the worker) and an ICS feed
 * served by a local node:http server (docs/PROTOCOL.md K1–K10). The sync runs
 * in the room (`waitUntil` for "Sync now", the alarm otherwise); the test waits
 * on what the room answers (`expect.poll`), never on a fixed time.
 */
import { createServer, type Server } from "node:http";
import { createCalendarObject, deleteCalendarObject, fetchCalendarObjects, updateCalendarObject } from "tsdav";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrainState } from "../../shared/api.ts";
import type { CalendarEvent, CalendarSourceInfo } from "../../shared/calendar.ts";
import { type Radicale, startRadicale } from "../support/radicale.ts";
import { http, login } from "./clients.ts";
import { type DevServer, startDevServer } from "./dev-server.ts";

const DAY = 24 * 60 * 60 * 1000;
const at = (days: number, hour: number) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
};
const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
const vevent = (uid: string, title: string, start: Date, end: Date, extra: string[] = []) =>
  ["BEGIN:VEVENT", `UID:${uid}`, `DTSTAMP:${stamp(new Date())}`, `SUMMARY:${title}`, `DTSTART:${stamp(start)}`, `DTEND:${stamp(end)}`, ...extra, "END:VEVENT"];
const ics = (...events: string[][]) => ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", ...events.flat(), "END:VCALENDAR", ""].join("\r\n");

/** An ICS feed on loopback with an ETag; counts the conditional requests it answered 304. */
function startIcsServer(body: () => string) {
  const stats = { requests: 0, notModified: 0, fail: false };
  const server: Server = createServer((req, res) => {
    stats.requests += 1;
    if (stats.fail) {
      res.writeHead(500).end("boom: secret server text");
      return;
    }
    const text = body();
    const etag = `"${text.length}-${Buffer.from(text).reduce((a, b) => (a * 31 + b) >>> 0, 7)}"`;
    if (req.headers["if-none-match"] === etag) {
      stats.notModified += 1;
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/calendar", etag }).end(text);
  });
  return new Promise<{ url: string; stats: typeof stats; close: () => Promise<void> }>((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({ url: `http://127.0.0.1:${port}/secret-address/basic.ics`, stats, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

describe("Calendar — sources over HTTP, synced in the room (local server, Radicale, ICS)", () => {
  let radicale: Radicale;
  let server: DevServer;
  let api: ReturnType<typeof http>;
  let feed: Awaited<ReturnType<typeof startIcsServer>>;
  let caldavId = "";
  const range = () => `from=${encodeURIComponent(new Date(Date.now() - DAY).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 30 * DAY).toISOString())}`;
  const events = async () => (await api<{ events: CalendarEvent[] }>("GET", `/api/v1/calendar/events?${range()}`)).body.events;
  const titles = async (sourceId: string) => (await events()).filter((e) => e.sourceId === sourceId).map((e) => e.title);
  const sources = async () => (await api<{ sources: CalendarSourceInfo[] }>("GET", "/api/v1/calendar/sources")).body.sources;
  const serverObject = async (name: string) => {
    const objects = await fetchCalendarObjects({ calendar: { url: radicale.calendarUrl }, headers: radicale.headers, urlFilter: () => true });
    const found = objects.find((o) => o.url.endsWith(name));
    if (!found) throw new Error(`${name} is not on the server`);
    return found;
  };

  beforeAll(async () => {
    radicale = await startRadicale();
    feed = await startIcsServer(() => ics(vevent("feed-1@test", "Board meeting", at(4, 14), at(4, 16))));
    server = await startDevServer();
    api = http(server, await login(server, "calendar-user"));
  });
  afterAll(async () => {
    await server?.stop();
    await radicale?.stop();
    await feed?.close();
  });

  it("[K1][K2][K3] adding a CalDAV account answers 201 {id, kind, name, status} and never echoes the credentials", async () => {
    await createCalendarObject({ calendar: { url: radicale.calendarUrl }, filename: "meeting-1.ics", iCalString: ics(vevent("meeting-1", "Planning", at(2, 9), at(2, 10))), headers: radicale.headers });
    const added = await api<Record<string, unknown>>("POST", "/api/v1/calendar/sources", { kind: "caldav", url: `${radicale.origin}/`, username: radicale.username, password: radicale.password, name: "Work" });
    expect(added.status).toBe(201);
    expect(Object.keys(added.body).sort()).toEqual(["id", "kind", "name", "status"]);
    expect(added.body).toMatchObject({ kind: "caldav", name: "Work", status: "pending" });
    caldavId = String(added.body.id);
    const bad = await api("POST", "/api/v1/calendar/sources", { kind: "caldav", url: `${radicale.origin}/`, username: "x", password: "p".repeat(501) });
    expect(bad.status).toBe(400);
  });

  it("[K5][K8] an event created on the server appears in the room after its first sync", async () => {
    await expect.poll(() => titles(caldavId), { timeout: 30_000, interval: 100 }).toEqual(["Planning"]);
    const [source] = await sources();
    expect(source).toMatchObject({ id: caldavId, status: "ok", writable: true });
    expect(source?.lastSyncAt).toBeTruthy();
  });

  it("[K8][K10] a change and a delete on the server propagate on \"Sync now\" (202)", async () => {
    const object = await serverObject("meeting-1.ics");
    await updateCalendarObject({ calendarObject: { ...object, data: ics(vevent("meeting-1", "Planning (moved)", at(3, 9), at(3, 10))) }, headers: radicale.headers });
    expect((await api("POST", `/api/v1/calendar/sources/${caldavId}/sync`)).status).toBe(202);
    await expect.poll(() => titles(caldavId), { timeout: 30_000, interval: 100 }).toEqual(["Planning (moved)"]);
    const moved = (await events()).find((e) => e.title === "Planning (moved)");
    expect(moved?.start).toBe(at(3, 9).toISOString());

    await deleteCalendarObject({ calendarObject: await serverObject("meeting-1.ics"), headers: radicale.headers });
    expect((await api("POST", `/api/v1/calendar/sources/${caldavId}/sync`)).status).toBe(202);
    await expect.poll(() => titles(caldavId), { timeout: 30_000, interval: 100 }).toEqual([]);
    expect((await api("POST", "/api/v1/calendar/sources/no-such-source/sync")).status).toBe(404);
  });

  it("[K5][K8] an ICS feed from a local server syncs; asked again, it answers 304 and nothing is rewritten", async () => {
    const added = await api<{ id: string }>("POST", "/api/v1/calendar/sources", { kind: "ics", url: feed.url });
    expect(added.status).toBe(201);
    await expect.poll(() => titles(added.body.id), { timeout: 30_000, interval: 100 }).toEqual(["Board meeting"]);
    const seqBefore = (await api<BrainState>("GET", "/api/v1/state")).body.lastEventSeq;
    expect((await api("POST", `/api/v1/calendar/sources/${added.body.id}/sync`)).status).toBe(202);
    await expect.poll(() => feed.stats.notModified, { timeout: 30_000, interval: 100 }).toBe(1);
    const after = (await api<{ events: { type: string }[] }>("GET", `/api/v1/events?since=${seqBefore}&limit=100`)).body.events.map((e) => e.type);
    expect(after).not.toContain("calendar.synced");
  });

  it("[K9][K10] a failing feed shows as the source's status (no server text), never as a chat message", async () => {
    const [ics] = (await sources()).filter((s) => s.kind === "ics");
    if (!ics) throw new Error("no ICS source");
    feed.stats.fail = true;
    expect((await api("POST", `/api/v1/calendar/sources/${ics.id}/sync`)).status).toBe(202);
    await expect.poll(async () => (await sources()).find((s) => s.id === ics.id)?.status, { timeout: 30_000, interval: 100 }).toBe("error");
    const failed = (await sources()).find((s) => s.id === ics.id);
    expect(failed?.error).toBe("the calendar server answered HTTP 500");
    const state = (await api<BrainState>("GET", "/api/v1/state")).body;
    expect(state.recentMessages).toEqual([]);
    expect(state.notifications).toEqual([]);
    expect(state.calendarSources?.find((s) => s.id === ics.id)?.status).toBe("error");
    feed.stats.fail = false;
  });

  it("[K3] the password is in no answer, no state, no ledger event and no line of the server's output", async () => {
    const everything = [
      JSON.stringify((await api("GET", "/api/v1/state")).body),
      JSON.stringify((await api("GET", "/api/v1/events?limit=1000")).body),
      JSON.stringify((await api("GET", "/api/v1/calendar/sources")).body),
      server.output(),
    ].join("\n");
    expect(everything).not.toContain(radicale.password);
    // The ICS secret address is not shown either.
    expect(everything).not.toContain("secret-address");
  });

  it("[K1] removing a source answers 200 and takes its events with it", async () => {
    const [ics] = (await sources()).filter((s) => s.kind === "ics");
    if (!ics) throw new Error("no ICS source");
    expect((await api("DELETE", `/api/v1/calendar/sources/${ics.id}`)).status).toBe(200);
    expect((await sources()).map((s) => s.id)).toEqual([caldavId]);
    expect(await titles(ics.id)).toEqual([]);
    expect((await api("DELETE", `/api/v1/calendar/sources/${ics.id}`)).status).toBe(404);
  });

  it("[K4] a private or non-http(s) address is refused with a 400", async () => {
    expect((await api("POST", "/api/v1/calendar/sources", { kind: "ics", url: "http://169.254.169.254/latest/meta-data" })).status).toBe(400);
    expect((await api("POST", "/api/v1/calendar/sources", { kind: "ics", url: "file:///etc/passwd" })).status).toBe(400);
  });
});
