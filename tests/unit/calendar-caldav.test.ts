/**
 * CalDAV sync and writes against a real Radicale (docs/PROTOCOL.md K3–K12):
 * the room's Calendar in Node with Node's fetch as its network port.
 */
import { createCalendarObject, deleteCalendarObject, fetchCalendarObjects, updateCalendarObject } from "tsdav";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calendarRoom } from "../support/calendar-room.ts";
import { type Radicale, startRadicale } from "../support/radicale.ts";

let radicale: Radicale;
beforeAll(async () => {
  radicale = await startRadicale();
});
afterAll(async () => {
  await radicale?.stop();
});

const DAY = 24 * 60 * 60 * 1000;
const at = (days: number, hour: number) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
};
const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
const ics = (uid: string, title: string, start: Date, end: Date) =>
  ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", `UID:${uid}`, `DTSTAMP:${stamp(new Date())}`, `SUMMARY:${title}`, `DTSTART:${stamp(start)}`, `DTEND:${stamp(end)}`, "END:VEVENT", "END:VCALENDAR", ""].join("\r\n");

async function addSource(room: ReturnType<typeof calendarRoom>, url = `${radicale.origin}/`, password = radicale.password) {
  const added = room.calendar.add({ kind: "caldav", url, username: radicale.username, password, name: "Work" }, room.user);
  if (!added.ok) throw new Error(added.error.message);
  return added.value.id;
}

const serverObjects = () => fetchCalendarObjects({ calendar: { url: radicale.calendarUrl }, headers: radicale.headers, urlFilter: () => true });

describe("Calendar — CalDAV against Radicale", () => {
  it("[K5][K8] an event created on the server appears after a sync; a change and a delete propagate", async () => {
    const reports: string[] = [];
    const room = calendarRoom({
      fetch: async (input, init) => {
        const request = new Request(input, init);
        if (request.method === "REPORT") reports.push((await request.clone().text()).match(/<\w+:(sync-collection|calendar-query|calendar-multiget)/)?.[1] ?? "other");
        return fetch(request);
      },
    });
    const id = await addSource(room);
    expect(await room.calendar.sync(id)).toBe(true);
    expect(room.calendar.sources()[0]).toMatchObject({ id, status: "ok", writable: true });

    const start = at(2, 9);
    const end = at(2, 10);
    await createCalendarObject({ calendar: { url: radicale.calendarUrl }, filename: "standup-1.ics", iCalString: ics("standup-1", "Standup", start, end), headers: radicale.headers });
    await room.calendar.sync(id);
    const window = [Date.now() - DAY, Date.now() + 10 * DAY] as const;
    expect(room.calendar.between(...window).map((e) => [e.title, e.start, e.end])).toEqual([["Standup", start.toISOString(), end.toISOString()]]);
    expect(room.ledger.state.calendarSources?.[id]?.status).toBe("ok");
    // The first sync read the window; the next ones only what the sync-token says changed (Radicale supports it).
    expect(room.store.source(id)?.syncToken).toBeTruthy();
    expect(reports).toEqual(["calendar-query", "sync-collection", "calendar-multiget"]);

    const [object] = (await serverObjects()).filter((o) => o.url.endsWith("standup-1.ics"));
    if (!object) throw new Error("the server lost the object");
    await updateCalendarObject({ calendarObject: { ...object, data: ics("standup-1", "Standup (moved)", at(3, 9), at(3, 10)) }, headers: radicale.headers });
    await room.calendar.sync(id);
    expect(room.calendar.between(...window).map((e) => [e.title, e.start])).toEqual([["Standup (moved)", at(3, 9).toISOString()]]);

    const [changed] = (await serverObjects()).filter((o) => o.url.endsWith("standup-1.ics"));
    if (!changed) throw new Error("the server lost the object");
    await deleteCalendarObject({ calendarObject: changed, headers: radicale.headers });
    await room.calendar.sync(id);
    expect(room.calendar.between(...window)).toEqual([]);
    const synced = room.ledger.since(0, 1000).filter((e) => e.type === "calendar.synced");
    expect(synced.length).toBe(3);
  });

  it("[K8] a sync with nothing changed on the server (same ctag) records no calendar.synced", async () => {
    const room = calendarRoom();
    const id = await addSource(room, radicale.calendarUrl);
    await room.calendar.sync(id);
    const before = room.ledger.lastSeq;
    await room.calendar.sync(id);
    const after = room.ledger.since(before, 100).map((e) => e.type);
    expect(after).not.toContain("calendar.synced");
  });

  it("[K11] writer.create puts the event on the server and in the room, with calendar.event.created by the asking actor", async () => {
    const room = calendarRoom();
    const id = await addSource(room);
    await room.calendar.sync(id);
    const start = at(5, 12).toISOString();
    const end = at(5, 13).toISOString();
    const created = await room.calendar.writer.create(null, { title: "Lunch with Ana", start, end }, { actor: { kind: "assistant", turnId: "turn-1" }, correlationId: "req-9" });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value).toMatchObject({ sourceId: id, title: "Lunch with Ana", start, end, allDay: false });
    const onServer = (await serverObjects()).filter((o) => typeof o.data === "string" && o.data.includes(created.value.uid));
    expect(onServer.length).toBe(1);
    expect(room.calendar.between(Date.parse(start), Date.parse(end)).map((e) => e.id)).toEqual([created.value.id]);
    const event = room.ledger.since(0, 1000).find((e) => e.type === "calendar.event.created");
    expect(event?.actor).toEqual({ kind: "assistant", turnId: "turn-1" });
    // A later sync finds the same object: no duplicate occurrence.
    await room.calendar.sync(id);
    expect(room.calendar.between(Date.parse(start), Date.parse(end)).length).toBe(1);

    const removed = await room.calendar.writer.remove(created.value.id);
    expect(removed.ok).toBe(true);
    expect((await serverObjects()).some((o) => typeof o.data === "string" && o.data.includes(created.value.uid))).toBe(false);
    expect(room.calendar.between(Date.parse(start), Date.parse(end))).toEqual([]);
  });

  it("[K12] a delete after someone changed the event on the server is a conflict: nothing is deleted, the server's version is read again", async () => {
    const room = calendarRoom();
    const id = await addSource(room);
    await room.calendar.sync(id);
    const start = at(6, 15);
    const created = await room.calendar.writer.create(id, { title: "Review", start: start.toISOString(), end: at(6, 16).toISOString() });
    if (!created.ok) throw new Error(created.error.message);
    const [object] = (await serverObjects()).filter((o) => typeof o.data === "string" && o.data.includes(created.value.uid));
    if (!object) throw new Error("not on the server");
    await updateCalendarObject({ calendarObject: { ...object, data: ics(created.value.uid, "Review (changed elsewhere)", start, at(6, 16)) }, headers: radicale.headers });

    const removed = await room.calendar.writer.remove(created.value.id);
    expect(removed.ok).toBe(false);
    if (!removed.ok) expect(removed.error.code).toBe("conflict");
    expect((await serverObjects()).some((o) => typeof o.data === "string" && o.data.includes("Review (changed elsewhere)"))).toBe(true);
    expect(room.calendar.between(start.getTime(), start.getTime() + 1).map((e) => e.title)).toEqual(["Review (changed elsewhere)"]);
    expect(room.ledger.since(0, 1000).some((e) => e.type === "calendar.event.deleted")).toBe(false);
  });

  it("[K12] writer.update changes the event If-Match its ETag; after a change on the server it is a conflict and the server's version stays", async () => {
    const room = calendarRoom();
    const id = await addSource(room);
    await room.calendar.sync(id);
    const created = await room.calendar.writer.create(id, { title: "1:1", start: at(8, 9).toISOString(), end: at(8, 10).toISOString() });
    if (!created.ok) throw new Error(created.error.message);
    const moved = await room.calendar.writer.update(created.value.id, { title: "1:1 (moved)", start: at(8, 11).toISOString(), end: at(8, 12).toISOString() }, room.user);
    if (!moved.ok) throw new Error(moved.error.message);
    expect(moved.value).toMatchObject({ id: created.value.id, title: "1:1 (moved)", start: at(8, 11).toISOString() });
    const [object] = (await serverObjects()).filter((o) => typeof o.data === "string" && o.data.includes(created.value.uid));
    if (!object) throw new Error("not on the server");
    expect(object.data).toContain("SUMMARY:1:1 (moved)");
    expect(room.ledger.since(0, 1000).filter((e) => e.type === "calendar.event.updated").map((e) => e.actor)).toEqual([room.user.actor]);

    await updateCalendarObject({ calendarObject: { ...object, data: ics(created.value.uid, "1:1 (their version)", at(8, 13), at(8, 14)) }, headers: radicale.headers });
    const stale = await room.calendar.writer.update(created.value.id, { title: "1:1 (mine)" });
    expect(stale.ok ? "updated" : stale.error.code).toBe("conflict");
    const [after] = (await serverObjects()).filter((o) => typeof o.data === "string" && o.data.includes(created.value.uid));
    expect(after?.data).toContain("SUMMARY:1:1 (their version)");
    expect(room.calendar.between(at(8, 0).getTime(), at(9, 0).getTime()).map((e) => e.title)).toEqual(["1:1 (their version)"]);
  });

  it("[K11] an all-day event is written as local dates in the preference zone and read back as local midnights", async () => {
    const room = calendarRoom({ timeZone: "America/New_York" });
    const id = await addSource(room);
    const day = new Date(Date.now() + 10 * DAY).toISOString().slice(0, 10);
    const [y, m, d] = day.split("-").map(Number);
    const start = new Date(Date.UTC(y!, m! - 1, d!, 5)).toISOString();
    const end = new Date(Date.UTC(y!, m! - 1, d! + 1, 5)).toISOString();
    const created = await room.calendar.writer.create(id, { title: "Conference", start, end, allDay: true });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value.allDay).toBe(true);
    const [object] = (await serverObjects()).filter((o) => typeof o.data === "string" && o.data.includes(created.value.uid));
    expect(object?.data).toContain(`DTSTART;VALUE=DATE:${day.replace(/-/g, "")}`);
    // Midnight in New York on that day (EST or EDT), to the next midnight.
    const midnight = Date.parse(created.value.start);
    expect(new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York", hour: "2-digit", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit" }).format(midnight)).toBe(`${day}, 00`);
    expect(Date.parse(created.value.end) - midnight).toBeGreaterThanOrEqual(23 * 3_600_000);
  });

  it("[K9][K10] a refused password is the source's status with a backoff, never a chat message or a notification", async () => {
    let clock = Date.now();
    const room = calendarRoom({ now: () => clock });
    const id = await addSource(room, `${radicale.origin}/`, "wrong-password");
    expect(await room.calendar.sync(id)).toBe(false);
    const info = room.calendar.sources()[0];
    expect(info).toMatchObject({ status: "error" });
    expect(info?.error).toMatch(/refused|password/i);
    expect(room.store.source(id)?.nextSyncAt).toBe(clock + 60_000);
    clock += 60_000;
    await room.calendar.syncDue();
    expect(room.store.source(id)?.nextSyncAt).toBe(clock + 5 * 60_000);
    const types = room.ledger.since(0, 1000).map((e) => e.type);
    expect(types).not.toContain("message.added");
    expect(types).not.toContain("notification.created");
    // The same error again is not recorded again.
    expect(types.filter((t) => t === "calendar.source.status").length).toBe(1);
  });

  it("[K3] the password is in no ledger row, no state and no log line", async () => {
    const room = calendarRoom();
    const id = await addSource(room);
    await room.calendar.sync(id);
    const rows = room.sql.exec<{ type: string; payload: string; request: string | null; result: string | null }>("SELECT type, payload, request, result FROM ledger_events").toArray();
    expect(JSON.stringify(rows)).not.toContain(radicale.password);
    expect(JSON.stringify(room.ledger.state)).not.toContain(radicale.password);
    expect(JSON.stringify(room.calendar.sources())).not.toContain(radicale.password);
    expect(room.logs.join("\n")).not.toContain(radicale.password);
    expect(radicale.output()).not.toContain(radicale.password);
  });

  it("[K4] a source on a private address is refused before anything is stored or fetched", () => {
    const room = calendarRoom();
    const refused = room.calendar.add({ kind: "ics", url: "http://10.0.0.5/calendar.ics" }, room.user);
    expect(refused.ok).toBe(false);
    const production = calendarRoom({ development: false });
    expect(production.calendar.add({ kind: "ics", url: `${radicale.origin}/x.ics` }, production.user).ok).toBe(false);
    expect(room.calendar.sources()).toEqual([]);
  });
});
