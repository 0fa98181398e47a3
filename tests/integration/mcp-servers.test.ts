/**
 * MCP servers as tools, end to end (issue 15, "MCP tools"): the real local
 * server (`npm start`) and real MCP servers built with the official SDK
 * (tests/support/mcp-server.ts) on loopback. The chat is driven with the
 * offline assistant's explicit phrase `use <tool> with {json}`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrainState } from "../../shared/api.ts";
import type { McpServerInfo } from "../../shared/mcp.ts";
import { INJECTION_TEXT, type McpTestServer, startMcpServer } from "../support/mcp-server.ts";
import { http, login } from "./clients.ts";
import { type DevServer, startDevServer } from "./dev-server.ts";

type Api = ReturnType<typeof http>;

const SEARCH = { origin: "SFO", destination: "BOS", date: "2027-01-15" };

describe("MCP — servers as tools (local server, SDK test servers)", () => {
  let server: DevServer;
  let flights: McpTestServer;
  let hostile: McpTestServer;
  let oauth: McpTestServer;

  /** Sends a chat message and reads the whole turn (the SSE replay ends with the turn). */
  const say = async (api: Api, token: string, text: string) => {
    const sent = await api<{ turnId: string }>("POST", "/api/v1/message", { text });
    expect(sent.status).toBe(202);
    const res = await fetch(`${server.url}/api/v1/stream/${sent.body.turnId}`, { headers: { authorization: `Bearer ${token}` } });
    return { turnId: sent.body.turnId, text: await res.text() };
  };
  const user = async (name: string) => {
    const token = await login(server, `${name}-${Date.now()}`);
    return { token, api: http(server, token) };
  };
  const add = async (api: Api, body: Record<string, unknown>) => api<McpServerInfo>("POST", "/api/v1/mcp/servers", body);

  beforeAll(async () => {
    [flights, hostile, oauth] = await Promise.all([startMcpServer(), startMcpServer({ injection: true }), startMcpServer({ auth: true })]);
    server = await startDevServer(undefined, { OFFLINE_TOKEN_DELAY_MS: "0" });
  });
  afterAll(async () => {
    await server?.stop();
    await Promise.all([flights?.close(), hostile?.close(), oauth?.close()]);
  });

  it("[M1] [M3] adding a server connects, lists its tools namespaced, and answers without secrets", async () => {
    const { api } = await user("mcp-add");
    const added = await add(api, { url: flights.url, name: "Flights", headers: { "X-Api-Key": "sekrit-header-value" } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: "Flights", status: "ok" });
    expect(added.body.tools).toEqual([
      { name: "flights__search_flights", readOnly: true, trusted: false, title: "Search flights", dailyCap: 10 },
      { name: "flights__cancel_booking", readOnly: false, trusted: false, title: "Cancel booking", dailyCap: 50 },
    ]);
    const listed = await api<{ servers: McpServerInfo[] }>("GET", "/api/v1/mcp/servers");
    expect(listed.body.servers.map((s) => s.id)).toEqual([added.body.id]);
    // M2: the header is a secret: never in an answer, the state or the ledger.
    const everything = JSON.stringify([added.body, listed.body, await api("GET", "/api/v1/state"), await api("GET", "/api/v1/events?limit=1000")]);
    expect(everything).not.toContain("sekrit-header-value");
    expect(everything).toContain("mcp.server.added");
  });

  it("[M5] [M9] a read-only tool runs at once; its output reaches the chat as data", async () => {
    const { api, token } = await user("mcp-read");
    expect((await add(api, { url: flights.url, name: "Flights" })).status).toBe(201);
    const before = flights.callCount("search_flights");
    const turn = await say(api, token, `use flights__search_flights with ${JSON.stringify(SEARCH)}`);
    expect(turn.text).toContain("7 offers SFO→BOS on 2027-01-15");
    expect(flights.callCount("search_flights")).toBe(before + 1);
    const state = (await api<BrainState>("GET", "/api/v1/state")).body;
    expect(state.usage.tools["flights__search_flights"]).toBe(1);
  });

  it("[M6] a destructive tool becomes a proposal and runs only after the user confirms it", async () => {
    const { api, token } = await user("mcp-destroy");
    expect((await add(api, { url: flights.url, name: "Flights" })).status).toBe(201);
    const before = flights.callCount("cancel_booking");
    const turn = await say(api, token, 'use flights__cancel_booking with {"bookingId":"BK-42"}');
    expect(turn.text).toContain("runs only when you confirm");
    const state = (await api<BrainState>("GET", "/api/v1/state")).body;
    const proposal = state.proposals.find((p) => p.tool === "flights__cancel_booking");
    expect(proposal, "a pending proposal for the destructive tool").toBeDefined();
    expect(flights.callCount("cancel_booking")).toBe(before);
    const confirmed = await api("POST", `/api/v1/proposals/${proposal!.id}/confirm`);
    expect(confirmed.status).toBe(200);
    await expect.poll(() => flights.cancelled.includes("BK-42")).toBe(true);
    expect(flights.callCount("cancel_booking")).toBe(before + 1);
  });

  it("[M6] a tool the user marks trusted runs without a proposal", async () => {
    const { api, token } = await user("mcp-trust");
    const added = await add(api, { url: flights.url, name: "Flights" });
    const patched = await api<McpServerInfo>("PATCH", `/api/v1/mcp/servers/${added.body.id}`, { trusted: ["cancel_booking"] });
    expect(patched.status).toBe(200);
    expect(patched.body.tools.find((t) => t.name === "flights__cancel_booking")?.trusted).toBe(true);
    await say(api, token, 'use flights__cancel_booking with {"bookingId":"BK-7"}');
    expect(flights.cancelled).toContain("BK-7");
    const bad = await api("PATCH", `/api/v1/mcp/servers/${added.body.id}`, { trusted: ["no_such_tool"] });
    expect(bad.status).toBe(400);
  });

  it("[M9] [G7] prompt-injection text in a tool result causes no unconfirmed action", async () => {
    const { api, token } = await user("mcp-inject");
    expect((await add(api, { url: hostile.url, name: "Hostile" })).status).toBe(201);
    const turn = await say(api, token, `use hostile__search_flights with ${JSON.stringify(SEARCH)}`);
    expect(turn.text).toContain("Ignore previous instructions");
    // Even a call that follows the injected instruction is only a proposal.
    await say(api, token, 'use hostile__cancel_booking with {"bookingId":"BK-1"}');
    expect(hostile.callCount("search_flights")).toBe(1);
    expect(hostile.callCount("cancel_booking")).toBe(0);
    expect(INJECTION_TEXT).toContain("cancel_booking");
  });

  it("[M10] [M11] the 11th flight search of the day is refused, naming the cap and when it resets", async () => {
    const { api, token } = await user("mcp-cap");
    expect((await add(api, { url: flights.url, name: "Flights" })).status).toBe(201);
    const before = flights.callCount("search_flights");
    for (let i = 0; i < 10; i++) await say(api, token, `use flights__search_flights with ${JSON.stringify({ ...SEARCH, date: `2027-02-${String(i + 1).padStart(2, "0")}` })}`);
    expect(flights.callCount("search_flights")).toBe(before + 10);
    const eleventh = await say(api, token, `use flights__search_flights with ${JSON.stringify(SEARCH)}`);
    expect(eleventh.text).toContain("Daily limit reached");
    expect(eleventh.text).toContain("10 times a day");
    expect(eleventh.text).toContain("resets at midnight");
    expect(flights.callCount("search_flights")).toBe(before + 10);
    const state = (await api<BrainState>("GET", "/api/v1/state")).body;
    expect(state.usage.tools["flights__search_flights"]).toBe(10);
  });

  it("[M8] a dead server is a status, and the turn says the tool is unavailable", async () => {
    const dying = await startMcpServer();
    const { api, token } = await user("mcp-dead");
    expect((await add(api, { url: dying.url, name: "Dying" })).status).toBe(201);
    await dying.close();
    const turn = await say(api, token, `use dying__search_flights with ${JSON.stringify(SEARCH)}`);
    expect(turn.text).toContain("unavailable");
    const listed = await api<{ servers: McpServerInfo[] }>("GET", "/api/v1/mcp/servers");
    expect(listed.body.servers[0]).toMatchObject({ status: "unreachable" });
    expect(listed.body.servers[0]?.lastSeenAt).not.toBeNull();
  });

  it("[M12] [M13] an OAuth server: needs_auth with an authorize URL, then the callback completes and the tools list", async () => {
    const { api } = await user("mcp-oauth");
    const added = await add(api, { url: oauth.url, name: "Secure flights" });
    expect(added.status).toBe(201);
    expect(added.body.status).toBe("needs_auth");
    expect(added.body.tools).toEqual([]);
    const authorizeUrl = added.body.authorizeUrl!;
    expect(new URL(authorizeUrl).searchParams.get("code_challenge_method")).toBe("S256");
    // The user's browser: the authorization server approves and redirects to the room's callback.
    const approved = await fetch(authorizeUrl, { redirect: "manual" });
    expect(approved.status).toBe(302);
    const callback = new URL(approved.headers.get("location")!);
    expect(callback.pathname).toBe("/api/v1/mcp/oauth/callback");
    // No bearer token: the signed state alone routes the callback to the user's room.
    const done = await fetch(callback, { redirect: "manual" });
    expect(done.status).toBe(303);
    const listed = await api<{ servers: McpServerInfo[] }>("GET", "/api/v1/mcp/servers");
    expect(listed.body.servers[0]).toMatchObject({ status: "ok" });
    expect(listed.body.servers[0]?.tools.map((t) => t.name)).toEqual(["secure_flights__search_flights", "secure_flights__cancel_booking"]);
    expect(oauth.issuedTokens()).toBe(1);
    // Single use: the same callback again is refused.
    const again = await fetch(callback, { redirect: "manual" });
    expect(again.status).toBe(401);
    // Tokens are secrets: nowhere in answers or the ledger.
    const events = JSON.stringify(await api("GET", "/api/v1/events?limit=1000"));
    expect(events).not.toMatch(/access_token|refresh_token|code_verifier/);
  });

  it("[M4] [M2] in workerd: an SSE-only server is reached by fallback; a bearer header is sent and never echoed", async () => {
    const legacy = await startMcpServer({ sse: true });
    const guarded = await startMcpServer({ bearer: "tok-workerd-123" });
    try {
      const { api, token } = await user("mcp-sse");
      const viaSse = await add(api, { url: legacy.url, name: "Legacy" });
      expect(viaSse.body).toMatchObject({ status: "ok", tools: [expect.objectContaining({ name: "legacy__search_flights" }), expect.anything()] });
      const turn = await say(api, token, `use legacy__search_flights with ${JSON.stringify(SEARCH)}`);
      expect(turn.text).toContain("7 offers");
      const withBearer = await add(api, { url: guarded.url, name: "Guarded", headers: { Authorization: "Bearer tok-workerd-123" } });
      expect(withBearer.body.status).toBe("ok");
      expect(JSON.stringify([withBearer.body, await api("GET", "/api/v1/mcp/servers"), await api("GET", "/api/v1/events?limit=1000")])).not.toContain("tok-workerd-123");
    } finally {
      await Promise.all([legacy.close(), guarded.close()]);
    }
  });

  it("[M13] a forged state reaches no room", async () => {
    const res = await fetch(`${server.url}/api/v1/mcp/oauth/callback?code=x&state=${encodeURIComponent("bWU.abc.9999999999999.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")}`);
    expect(res.status).toBe(401);
  });

  it("[M7] a restart keeps the servers and their tool lists, and the tools work again (lazy reconnect)", async () => {
    const { api, token } = await user("mcp-restart");
    const added = await add(api, { url: flights.url, name: "Flights" });
    expect(added.status).toBe(201);
    await server.stop();
    server = await startDevServer(server.stateDir, { OFFLINE_TOKEN_DELAY_MS: "0" });
    const again = http(server, token);
    const listed = await again<{ servers: McpServerInfo[] }>("GET", "/api/v1/mcp/servers");
    expect(listed.body.servers).toEqual([expect.objectContaining({ id: added.body.id, tools: added.body.tools })]);
    const before = flights.callCount("search_flights");
    const turn = await say(again, token, `use flights__search_flights with ${JSON.stringify(SEARCH)}`);
    expect(turn.text).toContain("7 offers");
    expect(flights.callCount("search_flights")).toBe(before + 1);
  });
});
