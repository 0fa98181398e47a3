/**
 * The ICS fixtures served by a local node:http server and synced by a room
 * (docs/PROTOCOL.md K5–K8): the room's clock is fixed in March 2026 (S11) so the
 * fixtures' weeks fall in its window; the network port is Node's fetch.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeRoom } from "../support/fake-room.ts";

const NOW = Date.parse("2026-03-01T00:00:00.000Z");
const DAY = 24 * 60 * 60 * 1000;
let server: Server;
let origin = "";
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.url} ${req.headers["if-none-match"] ?? ""}`);
    const name = (req.url ?? "").split("/").pop() ?? "";
    let text: string;
    try {
      text = readFileSync(new URL(`../fixtures/ics/${name}`, import.meta.url), "utf8");
    } catch {
      res.writeHead(404).end();
      return;
    }
    const etag = `"${name}-${text.length}"`;
    if (req.headers["if-none-match"] === etag) res.writeHead(304, { etag }).end();
    else res.writeHead(200, { "content-type": "text/calendar", etag }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function roomWith(...fixtures: string[]) {
  const room = new FakeRoom({ now: NOW, env: { ENVIRONMENT: "development" }, fetch: (input, init) => fetch(input, init) });
  await room.room.request(new Request("https://room.test/api/v1/preferences", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ timezone: "Europe/Paris" }) }), "req-tz");
  for (const name of fixtures) {
    const res = await room.room.request(
      new Request("https://room.test/api/v1/calendar/sources", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "ics", url: `${origin}/feeds/${name}`, name }) }),
      `req-${name}`,
    );
    expect(res.status).toBe(201);
  }
  await room.room.alarm();
  return room;
}

describe("Calendar — ICS fixtures served over HTTP, synced by a room", () => {
  it("[K5][K6] the weekly meeting across the DST change, its EXDATE and override, an all-day and a floating event arrive with exact instants", async () => {
    const room = await roomWith("weekly-dst-vtimezone.ics", "all-day-and-floating.ics");
    const got = room.room.calendar.between(NOW, NOW + 30 * DAY).map((e) => [e.title, e.start, e.end, e.allDay]);
    expect(got).toEqual([
      ["Weekly sync", "2026-03-02T15:00:00.000Z", "2026-03-02T16:00:00.000Z", false],
      ["Weekly sync", "2026-03-09T14:00:00.000Z", "2026-03-09T15:00:00.000Z", false],
      ["Team offsite", "2026-03-09T23:00:00.000Z", "2026-03-11T23:00:00.000Z", true],
      ["Dentist", "2026-03-12T08:00:00.000Z", "2026-03-12T08:45:00.000Z", false],
      ["Weekly sync (moved)", "2026-03-23T15:30:00.000Z", "2026-03-23T16:30:00.000Z", false],
    ]);
    const sources = room.room.calendar.sources();
    expect(sources.map((s) => s.status)).toEqual(["ok", "ok"]);
  });

  it("[K8] the next sync sends the ETag and a 304 changes nothing", async () => {
    const room = await roomWith("iana-no-vtimezone.ics");
    const seq = room.room.ledger.lastSeq;
    room.clock = NOW + 15 * 60_000;
    await room.room.alarm();
    expect(requests.at(-1)).toBe('/feeds/iana-no-vtimezone.ics "iana-no-vtimezone.ics-' + readFileSync(new URL("../fixtures/ics/iana-no-vtimezone.ics", import.meta.url), "utf8").length + '"');
    expect(room.room.ledger.since(seq, 100).map((e) => e.type)).toEqual([]);
    expect(room.room.calendar.between(NOW, NOW + 30 * DAY).map((e) => e.start)).toEqual(["2026-03-06T14:30:00.000Z", "2026-03-08T13:30:00.000Z", "2026-03-09T13:30:00.000Z"]);
  });
});
