/**
 * Flight search from chat against the real things (docs/PROTOCOL.md M20–M26):
 * `npm start` with the offline assistant, and the MCP test server built with
 * the official SDK (tests/support/mcp-server.ts) added over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rankOffers } from "../../party/chat/flights.ts";
import { ADD_SERVER } from "../../party/chat/flight-tools.ts";
import { dueDay, extractDue, zonedToUtc } from "../../shared/dates.ts";
import type { CalendarEvent } from "../../shared/calendar.ts";
import type { Message } from "../../shared/domain.ts";
import { formatDay } from "../../shared/format.ts";
import { icsFeed } from "../support/ics-feed.ts";
import { flightOffers, type McpTestServer, startMcpServer } from "../support/mcp-server.ts";
import { http, login, socketDevice } from "./clients.ts";
import { type DevServer, startDevServer } from "./dev-server.ts";

const ZONE = "America/Los_Angeles";

describe("Flights — from chat on a running dev server", () => {
  let server: DevServer;
  let flights: McpTestServer;
  beforeAll(async () => {
    [server, flights] = await Promise.all([startDevServer(undefined, { OFFLINE_TOKEN_DELAY_MS: "1" }), startMcpServer({ name: "skyways" })]);
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), flights?.close()]);
  });

  /** Sends one message on a socket and waits for its turn to end: the reply's text and the cards it showed. */
  async function ask(device: ReturnType<typeof socketDevice>, rid: string, text: string) {
    device.send({ type: "message.send", rid, command: { text, channel: "chat" } });
    const ack = await device.log.waitFor("ack", (f) => f.rid === rid);
    const { turnId } = ack.result as { turnId: string };
    const done = await device.log.waitFor("llm.completed", (f) => f.turnId === turnId);
    const cards = device.log.frames.flatMap((f) => (f.type === "llm.action" && f.turnId === turnId ? [f.action] : []));
    return { turnId, text: done.text, cards };
  }

  it("[M26][M20][M24][M23][M22] pinned SFO, no server: how to add one; with the SDK server added: SFO → BOS on next Friday, ranked on a card that survives a reload", async () => {
    const token = await login(server, "flyer-fran");
    const api = http(server, token);
    expect((await api("PUT", "/api/v1/preferences", { timezone: ZONE })).status).toBe(200);
    const device = socketDevice(server, token, "fran-laptop");
    try {
      await device.log.waitFor("welcome");
      const pinned = await ask(device, "m1", "my home airport is SFO");
      expect(pinned.text).toBe("Got it — your home airport is SFO. I'll search flights from there.");

      // M24: no flights server yet.
      const none = await ask(device, "m2", "find flights to Boston next Friday");
      expect(none.text).toBe(ADD_SERVER);
      expect(none.cards).toEqual([]);
      expect(flights.callCount("search_flights")).toBe(0);

      const added = await api<{ id: string; tools: { name: string }[] }>("POST", "/api/v1/mcp/servers", { url: flights.url, name: "skyways" });
      expect(added.status).toBe(201);
      const search = added.body.tools.find((t) => t.name.endsWith("__search_flights"));
      expect(search).toBeDefined();

      // The date the user means, read as the room reads it: chrono in the preference zone, now.
      const date = dueDay(extractDue("next Friday", ZONE, new Date()).due!, ZONE);
      const found = await ask(device, "m3", "find flights to Boston next Friday");
      expect(flights.callCount("search_flights")).toBe(1);
      // The server built each offer from the arguments it received: origin, destination and date.
      const expected = rankOffers(flightOffers("SFO", "BOS", date), [], ZONE);
      expect(found.cards).toHaveLength(1);
      const card = found.cards[0]!;
      expect(card.flights?.search).toEqual({ origin: "SFO", destination: "BOS", date });
      expect(card.flights?.offers.map((o) => o.offer.id)).toEqual(expected.map((o) => o.offer.id));
      expect(card.flights?.offers.every((o) => o.offer.id.startsWith(`SFO-BOS-${date}-`))).toBe(true);
      expect(card.flights?.offers[0]!.reason).toBe(expected[0]!.reason);
      expect(found.text).toBe(`Here are 7 flights from SFO to BOS on ${formatDay(date)}, best first — the top one is ${expected[0]!.reason}.`);

      // C16: the card is part of the stored reply.
      const history = await api<{ messages: Message[] }>("GET", "/api/v1/messages");
      const reply = history.body.messages.find((m) => m.turnId === found.turnId && m.role === "assistant");
      expect(reply?.actions?.[0]?.flights).toEqual(card.flights);
    } finally {
      device.close();
    }
  });

  it("[M26][M22][M25] a meeting from the user's calendar sends the flights it overlaps last, saying so; the 11th search of the day is refused plainly", async () => {
    const token = await login(server, "flyer-gus");
    const api = http(server, token);
    expect((await api("PUT", "/api/v1/preferences", { timezone: ZONE })).status).toBe(200);
    const date = dueDay(extractDue("next Friday", ZONE, new Date()).due!, ZONE);
    const [y, m, d] = date.split("-").map(Number);
    // Team sync, 1–2 PM Pacific that Friday: the 8:40, 9:55 and 12:10 departures are in the air then.
    const start = zonedToUtc(ZONE, y!, m!, d!, 13, 0);
    const end = zonedToUtc(ZONE, y!, m!, d!, 14, 0);
    const feed = await icsFeed("Team sync", start, end);
    const device = socketDevice(server, token, "gus-laptop");
    try {
      const source = await api<{ id: string }>("POST", "/api/v1/calendar/sources", { kind: "ics", url: feed.url });
      expect(source.status).toBe(201);
      const range = `from=${encodeURIComponent(new Date(start.getTime() - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(end.getTime() + 86_400_000).toISOString())}`;
      await expect.poll(async () => (await api<{ events: CalendarEvent[] }>("GET", `/api/v1/calendar/events?${range}`)).body.events.map((e) => e.title), { timeout: 30_000, interval: 100 }).toEqual(["Team sync"]);
      expect((await api("POST", "/api/v1/mcp/servers", { url: flights.url, name: "skyways" })).status).toBe(201);
      await device.log.waitFor("welcome");
      await ask(device, "g1", "my home airport is SFO");

      const found = await ask(device, "g2", "find flights to Boston next Friday");
      const expected = rankOffers(flightOffers("SFO", "BOS", date), [{ title: "Team sync", start: start.toISOString(), end: end.toISOString() }], ZONE);
      const offers = found.cards[0]!.flights!.offers;
      expect(offers.map((o) => o.offer.id)).toEqual(expected.map((o) => o.offer.id));
      const conflicting = offers.filter((o) => o.conflict);
      expect(conflicting.map((o) => o.offer.flightNumber).sort()).toEqual(["AA 2216", "DL 408", "UA 1771"]);
      expect(offers.slice(-3)).toEqual(conflicting);
      expect(conflicting.every((o) => o.reason === "conflicts with Team sync 1–2 PM")).toBe(true);
      expect(found.text).toMatch(/; the 3 that overlap your calendar are listed last\.$/);

      // M25: ten searches a day; the 11th is said plainly, with no card.
      for (let i = 2; i <= 10; i++) await ask(device, `g-more-${i}`, "flights from SFO to Boston next Friday");
      const refused = await ask(device, "g11", "find flights to Boston next Friday");
      expect(refused.text).toMatch(/^I can't search flights right now: Daily limit reached: .*__search_flights may run 10 times a day/);
      expect(refused.cards).toEqual([]);
    } finally {
      device.close();
      await feed.close();
    }
  });
});
