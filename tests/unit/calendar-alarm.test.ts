/**
 * Calendar sync on the room's alarm (docs/PROTOCOL.md K7–K10), with the room's
 * fixed clock (S11) and a fake network port standing in for an ICS server.
 */
import { describe, expect, it } from "vitest";
import { FakeRoom } from "../support/fake-room.ts";

const NOW = Date.parse("2026-11-25T10:00:00.000Z");
const MIN = 60_000;
const FEED = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//test//EN",
  "BEGIN:VEVENT",
  "UID:review@test",
  "DTSTAMP:20261101T000000Z",
  "SUMMARY:Quarterly review",
  "DTSTART:20261127T140000Z",
  "DTEND:20261127T150000Z",
  "END:VEVENT",
  "BEGIN:VEVENT",
  "UID:holiday@test",
  "DTSTAMP:20261101T000000Z",
  "SUMMARY:Holiday",
  "DTSTART;VALUE=DATE:20261126",
  "END:VEVENT",
  "END:VCALENDAR",
  "",
].join("\r\n");

function feedRoom() {
  const calls: string[] = [];
  let status = 200;
  const room = new FakeRoom({
    now: NOW,
    env: { ENVIRONMENT: "development" },
    fetch: async (input, init) => {
      const request = new Request(input, init);
      calls.push(`${request.method} ${new URL(request.url).pathname} ${request.headers.get("if-none-match") ?? ""}`);
      if (status !== 200) return new Response("server trouble", { status });
      return request.headers.get("if-none-match") === '"v1"' ? new Response(null, { status: 304 }) : new Response(FEED, { headers: { etag: '"v1"' } });
    },
  });
  const add = async () => {
    const res = await room.room.request(
      new Request("https://room.test/api/v1/calendar/sources", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "ics", url: "http://127.0.0.1:9/team.ics", name: "Team" }) }),
      "req-add",
    );
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  return { room, calls, add, fail: (s: number) => (status = s) };
}

describe("Calendar — sync on the room's alarm", () => {
  it("[K10] a new source wakes the alarm at once; the alarm syncs it, then wakes every 15 minutes while there are sources", async () => {
    const { room, calls, add } = feedRoom();
    const id = await add();
    expect(room.alarmAt).toBe(NOW);
    await room.room.alarm();
    expect(calls).toEqual(["GET /team.ics "]);
    expect(room.room.calendar.between(NOW, NOW + 7 * 24 * 60 * MIN).map((e) => [e.title, e.start])).toEqual([
      ["Holiday", "2026-11-26T00:00:00.000Z"],
      ["Quarterly review", "2026-11-27T14:00:00.000Z"],
    ]);
    expect(room.room.ledger.state.calendarSources?.[id]).toMatchObject({ status: "ok", lastSyncAt: new Date(NOW).toISOString() });
    expect(room.alarmAt).toBe(NOW + 15 * MIN);

    const seq = room.room.ledger.lastSeq;
    room.clock = NOW + 15 * MIN;
    await room.room.alarm();
    // K8: a conditional GET; 304 changes nothing. K9: nor is a quiet success recorded every 15 minutes.
    expect(calls.at(-1)).toBe('GET /team.ics "v1"');
    expect(room.alarmAt).toBe(NOW + 30 * MIN);
    expect(room.room.ledger.since(seq, 100).map((e) => e.type)).toEqual([]);
    expect(room.room.calendar.sources()[0]?.lastSyncAt).toBe(new Date(NOW + 15 * MIN).toISOString());

    const removed = await room.room.request(new Request(`https://room.test/api/v1/calendar/sources/${id}`, { method: "DELETE" }), "req-del");
    expect(removed.status).toBe(200);
    // Without sources the alarm is back to its other jobs (maintenance, hourly).
    expect(room.alarmAt).toBe(NOW + 60 * MIN);
  });

  it("[K9][K10] failures back off 1, 5, 15, 60 minutes, show as the source's status, and never reach the chat or the inbox", async () => {
    const { room, add, fail } = feedRoom();
    const id = await add();
    fail(503);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = room.clock;
      await room.room.alarm();
      const next = room.room.calendar.nextSyncAt() ?? 0;
      waits.push((next - before) / MIN);
      // The alarm wakes for the sync (or earlier, for another job).
      expect(room.alarmAt).toBeLessThanOrEqual(next);
      room.clock = next;
    }
    expect(waits).toEqual([1, 5, 15, 60, 60]);
    expect(room.room.ledger.state.calendarSources?.[id]).toMatchObject({ status: "error", error: "the calendar server answered HTTP 503", lastSyncAt: null });
    const types = room.room.ledger.since(0, 1000).map((e) => e.type);
    expect(types.filter((t) => t === "calendar.source.status")).toHaveLength(1);
    expect(types).not.toContain("message.added");
    expect(types).not.toContain("notification.created");
    expect(Object.keys(room.room.ledger.state.notifications)).toEqual([]);

    fail(200);
    await room.room.alarm();
    expect(room.room.ledger.state.calendarSources?.[id]).toMatchObject({ status: "ok" });
    expect(room.room.ledger.state.calendarSources?.[id]?.error).toBeUndefined();
  });

  it("[K6][K7] a new preference zone expands the calendars again: an all-day event moves to the new local midnights", async () => {
    const { room, calls, add } = feedRoom();
    await add();
    await room.room.alarm();
    const holiday = () => room.room.calendar.between(NOW, NOW + 7 * 24 * 60 * MIN).find((e) => e.title === "Holiday");
    expect(holiday()?.start).toBe("2026-11-26T00:00:00.000Z");
    const put = await room.room.request(
      new Request("https://room.test/api/v1/preferences", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ timezone: "America/Chicago" }) }),
      "req-zone",
    );
    expect(put.status).toBe(200);
    expect(room.alarmAt).toBe(NOW);
    await room.room.alarm();
    // Read whole again (no If-None-Match), in the new zone.
    expect(calls.at(-1)).toBe("GET /team.ics ");
    expect(holiday()).toMatchObject({ allDay: true, start: "2026-11-26T06:00:00.000Z", end: "2026-11-27T06:00:00.000Z" });
  });

  it("[K1][H7] the same Idempotency-Key adds the source once and answers the same; another body under it is a conflict", async () => {
    const { room } = feedRoom();
    const post = (body: unknown) =>
      room.room.request(
        new Request("https://room.test/api/v1/calendar/sources", { method: "POST", headers: { "content-type": "application/json", "idempotency-key": "add-team-1" }, body: JSON.stringify(body) }),
        "req-x",
      );
    const body = { kind: "caldav", url: "http://127.0.0.1:9/dav/", username: "hana", password: "s3cret-pass", name: "Work" };
    const first = await post(body);
    const again = await post(body);
    expect(first.status).toBe(201);
    expect(await again.json()).toEqual(await first.clone().json());
    expect(room.room.calendar.sources()).toHaveLength(1);
    expect((await post({ ...body, name: "Home" })).status).toBe(409);
    const rows = JSON.stringify(room.sql.exec("SELECT * FROM ledger_events").toArray());
    expect(rows).not.toContain("s3cret-pass");
  });

  it("[K1][L5] replaying the ledger gives the same sources as the live room", async () => {
    const { room, add } = feedRoom();
    await add();
    await room.room.alarm();
    expect(room.room.ledger.replayFromZero().calendarSources).toEqual(room.room.ledger.state.calendarSources);
  });
});
