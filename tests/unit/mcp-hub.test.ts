/**
 * The room's MCP hub in Node (docs/PROTOCOL.md M2, M4, M7, M8, M10, M11): the
 * real hub over node:sqlite and the real ledger, talking to the SDK test server
 * through the same fetch port the Durable Object gives it; the room's clock is
 * fixed, so the daily cap's reset at local midnight is exact.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ledger } from "../../party/core/ledger.ts";
import { RoomMcpHub } from "../../party/mcp/room-hub.ts";
import { McpStore } from "../../party/mcp/store.ts";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { type McpTestServer, startMcpServer } from "../support/mcp-server.ts";
import { nodeSql } from "../support/node-sql.ts";

const USER = { actor: { kind: "user" as const }, correlationId: "req-test" };
const SEARCH = { origin: "SFO", destination: "BOS", date: "2027-01-15" };
const CALLBACK = "http://127.0.0.1:1/api/v1/mcp/oauth/callback";

function room(options: { now: () => number; fetch?: FetchLike; development?: boolean; dailyCap?: number }) {
  const sql = nodeSql();
  const ledger = new Ledger(sql, { now: options.now });
  const store = new McpStore(sql, options.now);
  let changes = 0;
  const hub = new RoomMcpHub({
    userId: "u1",
    store,
    ledger,
    now: options.now,
    newId: () => crypto.randomUUID(),
    development: options.development ?? true,
    dailyCap: options.dailyCap ?? 50,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    log: () => {},
    onToolsChanged: () => void changes++,
  });
  return { sql, ledger, store, hub, changes: () => changes };
}

describe("MCP — the room's hub (Node, SDK test servers)", () => {
  let flights: McpTestServer;
  let sseOnly: McpTestServer;
  let bearer: McpTestServer;
  beforeAll(async () => {
    [flights, sseOnly, bearer] = await Promise.all([startMcpServer(), startMcpServer({ sse: true, name: "legacy" }), startMcpServer({ bearer: "tok-123" })]);
  });
  afterAll(async () => Promise.all([flights.close(), sseOnly.close(), bearer.close()]));

  it("[M4] arguments are validated against the tool's schema before any call goes out", async () => {
    const { hub } = room({ now: () => Date.parse("2027-01-10T12:00:00Z") });
    expect((await hub.add({ url: flights.url, name: "Flights" }, USER, CALLBACK)).ok).toBe(true);
    const before = flights.callCount("search_flights");
    const bad = await hub.call("flights__search_flights", { origin: "sfo", destination: "BOS", date: "tomorrow" }, USER);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.code).toBe("invalid_request");
    expect(flights.callCount("search_flights")).toBe(before);
    const good = await hub.call("flights__search_flights", SEARCH, USER);
    expect(good.ok && good.value.structured).toMatchObject({ offers: expect.arrayContaining([expect.objectContaining({ flightNumber: "B6 1234", price: { amount: 289, currency: "USD" } })]) });
  });

  it("[M10] [M11] the 11th search is refused with the cap and the local midnight it resets at; the next local day it runs again", async () => {
    let now = Date.parse("2027-01-10T20:00:00Z");
    const { hub, ledger } = room({ now: () => now });
    ledger.append({ type: "preferences.updated", actor: { kind: "user" }, correlationId: "tz", payload: { patch: { timezone: "America/New_York" } } });
    await hub.add({ url: flights.url, name: "Flights" }, USER, CALLBACK);
    for (let i = 0; i < 10; i++) expect((await hub.call("flights__search_flights", SEARCH, USER)).ok).toBe(true);
    const refused = await hub.call("flights__search_flights", SEARCH, USER);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe("rate_limited");
    expect(refused.error.message).toContain("10 times a day");
    expect(refused.error.message).toMatch(/resets at midnight \(12:00\s?AM\)/);
    // 20:00Z is 15:00 in New York: nine hours to its midnight.
    expect(refused.error.retryAfter).toBe(9 * 3600);
    expect(ledger.state.usage.tools["flights__search_flights"]).toBe(10);
    now = Date.parse("2027-01-11T05:01:00Z");
    expect((await hub.call("flights__search_flights", SEARCH, USER)).ok).toBe(true);
  });

  it("[M4] a server that answers Streamable HTTP with a 4xx is reached over SSE", async () => {
    const { hub } = room({ now: () => Date.now() });
    const added = await hub.add({ url: sseOnly.url, name: "Legacy" }, USER, CALLBACK);
    expect(added.ok && added.value.status).toBe("ok");
    const out = await hub.call("legacy__search_flights", SEARCH, USER);
    expect(out.ok && out.value.content).toContain("7 offers");
  });

  it("[M2] a bearer header is sent, and kept out of the ledger and every answer", async () => {
    const { hub, ledger } = room({ now: () => Date.now() });
    const wrong = await hub.add({ url: bearer.url, name: "Wrong", headers: { Authorization: "Bearer nope" } }, USER, CALLBACK);
    expect(wrong.ok && wrong.value.status).not.toBe("ok");
    const added = await hub.add({ url: bearer.url.replace("127.0.0.1", "localhost"), name: "Bearer", headers: { Authorization: "Bearer tok-123" } }, USER, CALLBACK);
    expect(added.ok && added.value.status).toBe("ok");
    expect(JSON.stringify([hub.servers(), ledger.since(0, 1000)])).not.toContain("tok-123");
  });

  it("[M8] [G9] a URL the endpoint guard refuses stores nothing; a dead server is a status with when it was last seen", async () => {
    const prod = room({ now: () => Date.now(), development: false });
    const refused = await prod.hub.add({ url: flights.url }, USER, CALLBACK);
    expect(!refused.ok && refused.error.code).toBe("invalid_request");
    expect(prod.hub.servers()).toEqual([]);
    const dying = await startMcpServer();
    const { hub } = room({ now: () => Date.parse("2027-01-10T12:00:00Z") });
    await hub.add({ url: dying.url, name: "Dying" }, USER, CALLBACK);
    await dying.close();
    const out = await hub.call("dying__search_flights", SEARCH, USER);
    // The live connection of a stateless server fails on its next request: a status, not a throw.
    expect(out.ok).toBe(false);
    expect(!out.ok && out.error.message).toContain("unreachable (last seen");
    expect(hub.servers()[0]).toMatchObject({ status: "unreachable", lastSeenAt: "2027-01-10T12:00:00.000Z" });
  });

  it("[M1] [H7] adding again under the same Idempotency-Key answers the same server and adds nothing", async () => {
    const { hub, ledger } = room({ now: () => Date.now() });
    const keyed = { ...USER, clientActionId: "add-flights-0001" };
    const first = await hub.add({ url: flights.url, name: "Keyed", headers: { "X-Key": "v-secret" } }, keyed, CALLBACK);
    const again = await hub.add({ url: flights.url, name: "Keyed", headers: { "X-Key": "v-secret" } }, keyed, CALLBACK);
    expect(first.ok && again.ok && again.value.id === first.value.id).toBe(true);
    expect(hub.servers()).toHaveLength(1);
    const other = await hub.add({ url: flights.url, name: "Other" }, keyed, CALLBACK);
    expect(!other.ok && other.error.code).toBe("conflict");
    expect(JSON.stringify(ledger.since(0, 100))).not.toContain("v-secret");
  });

  it("[M7] a hub built again over the same SQL (a wake) has the servers and tools before any connection", async () => {
    const first = room({ now: () => Date.now() });
    await first.hub.add({ url: flights.url, name: "Flights" }, USER, CALLBACK);
    let fetched = 0;
    const woken = new RoomMcpHub({
      userId: "u1",
      store: new McpStore(first.sql, () => Date.now()),
      ledger: new Ledger(first.sql, { now: () => Date.now() }),
      now: () => Date.now(),
      newId: () => crypto.randomUUID(),
      development: true,
      dailyCap: 50,
      fetch: (input, init) => {
        fetched++;
        return fetch(input, init);
      },
      log: () => {},
      onToolsChanged: () => {},
    });
    expect(woken.tools().map((t) => t.name)).toEqual(["flights__search_flights", "flights__cancel_booking"]);
    expect(fetched).toBe(0);
    expect((await woken.call("flights__search_flights", SEARCH, USER)).ok).toBe(true);
    expect(fetched).toBeGreaterThan(0);
  });
});


