/**
 * The room's MCP hub (hub.ts; docs/PROTOCOL.md M1–M14). Configs and tool lists
 * come from SQL, so `tools()` needs no network and survives hibernation (M7);
 * a connection is made lazily on a tool's first call after a wake, and kept in
 * memory while the room is. A server that does not answer becomes a status
 * (`unreachable`, with when it was last seen), never a thrown error (M8).
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { dayOf, nextDayStart, secondsToNextDay } from "../../shared/dates.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { formatTime } from "../../shared/format.ts";
import { MAX_MCP_SERVERS, MAX_MCP_TOOLS, type McpServerInfo, type McpServerInput, type McpServerStatus } from "../../shared/mcp.ts";
import { toolUses } from "../chat/budget.ts";
import type { Ledger } from "../core/ledger.ts";
import { checkEndpoint } from "../push/endpoint-guard.ts";
import { CALL_TIMEOUT_MS, CONNECT_TIMEOUT_MS, connect, type ConnectOptions, finishAuth } from "./connect.ts";
import type { JsonSchemaObject, McpAdded, McpCallContext, McpCallOutput, McpHub, McpToolInfo } from "./hub.ts";
import { namespaced, serverSlug } from "./naming.ts";
import { RoomOAuthProvider } from "./oauth-provider.ts";
import { type StateClaims, signState, verifyState } from "./oauth-state.ts";
import { capText, dailyCapOf, MAX_STRUCTURED_CHARS, needsConfirmation } from "./policy.ts";
import { type CachedTool, McpStore, type ServerRow } from "./store.ts";

/** The largest input schema the room keeps for one tool, as JSON. */
const MAX_SCHEMA_CHARS = 16_000;
const MAX_DESCRIPTION = 1_000;

export type McpHubDeps = {
  userId: string;
  store: McpStore;
  ledger: Ledger;
  now: () => number;
  newId: () => string;
  /** ENVIRONMENT=development: http on loopback is allowed too (G9). */
  development: boolean;
  /** `MCP_TOOL_DAILY_CAP`: uses of each MCP tool per user per day (M10). */
  dailyCap: number;
  /** The platform's fetch; every URL is checked by the endpoint guard before it goes out. */
  fetch: FetchLike;
  /** The key that signs OAuth states (oauth-state.ts); absent: servers that need OAuth cannot be connected. */
  stateKey?: () => Promise<CryptoKey>;
  log: (event: string, detail: string) => void;
  /** The tool list changed: the chat registry is refreshed. */
  onToolsChanged: () => void;
};

/** Thrown by the guarded fetch: the URL is not one the room may reach (G9). */
class BlockedUrlError extends Error {
  override name = "BlockedUrlError";
}

export class RoomMcpHub implements McpHub {
  #deps: McpHubDeps;
  #clients = new Map<string, Client>();
  #validator = new CfWorkerJsonSchemaValidator();

  constructor(deps: McpHubDeps) {
    this.#deps = deps;
  }

  tools(): McpToolInfo[] {
    return this.#deps.store.list().flatMap((server) => server.tools.map((tool) => this.#info(server, tool)));
  }

  needsConfirmation(name: string): boolean {
    const tool = this.tools().find((t) => t.name === name);
    return tool ? needsConfirmation(tool) : true;
  }

  servers(): McpServerInfo[] {
    return this.#deps.store.list().map((s) => this.#serverInfo(s));
  }

  async add(input: McpServerInput, ctx: McpCallContext, callbackUrl: string): Promise<Result<McpAdded>> {
    const { store, ledger } = this.#deps;
    // H7: the same key again gets the server it added; the fingerprint names the headers, never their values (M2).
    const request = JSON.stringify({ url: input.url, name: input.name ?? null, headers: Object.keys(input.headers ?? {}).sort() });
    if (ctx.clientActionId !== undefined) {
      const prior = ledger.checkAction(ctx.clientActionId, request);
      if (prior.status === "conflict") return fail("conflict", "this Idempotency-Key was used for another request");
      if (prior.status === "duplicate" && prior.recorded.event.type === "mcp.server.added") {
        const existing = store.get(prior.recorded.event.payload.serverId);
        if (existing) return ok(this.#serverInfo(existing));
        return fail("not_found", "the server added under this key was removed since");
      }
    }
    const verdict = checkEndpoint(input.url, this.#deps.development);
    if (!verdict.ok) return fail("invalid_request", `url: ${verdict.reason}`);
    const servers = store.list();
    if (servers.length >= MAX_MCP_SERVERS) return fail("conflict", `at most ${MAX_MCP_SERVERS} tool servers; remove one first`);
    const url = verdict.url.toString();
    if (servers.some((s) => s.url === url)) return fail("conflict", "this server is already added");
    const name = input.name ?? verdict.url.hostname;
    const id = this.#deps.newId();
    const slug = serverSlug(name, new Set(servers.map((s) => s.slug)));
    store.insert({ id, name, slug, url, status: "unreachable", lastSeenAt: null, tools: [], trusted: [] }, input.headers ?? {});
    store.setSecret(id, "redirect_url", callbackUrl);
    await this.#refresh(id);
    const server = store.get(id);
    if (!server) return fail("conflict", "the server was removed while it was being added");
    ledger.append({
      type: "mcp.server.added",
      actor: ctx.actor,
      correlationId: ctx.correlationId,
      ...(ctx.clientActionId !== undefined ? { clientActionId: ctx.clientActionId, request } : {}),
      payload: { serverId: id, name, url, status: server.status, tools: server.tools.map((t) => t.name) },
    });
    this.#deps.onToolsChanged();
    return ok(this.#serverInfo(server));
  }

  remove(id: string, ctx: McpCallContext): Result<void> {
    const server = this.#deps.store.get(id);
    if (!server || !this.#deps.store.remove(id)) return fail("not_found", "no such tool server");
    void this.#clients.get(id)?.close().catch(() => {});
    this.#clients.delete(id);
    this.#deps.ledger.append({ type: "mcp.server.removed", actor: ctx.actor, correlationId: ctx.correlationId, payload: { serverId: id, name: server.name } });
    this.#deps.onToolsChanged();
    return ok(undefined);
  }

  setTrusted(id: string, names: readonly string[], ctx: McpCallContext): Result<McpServerInfo> {
    const server = this.#deps.store.get(id);
    if (!server) return fail("not_found", "no such tool server");
    const trusted: string[] = [];
    for (const given of names) {
      const tool = server.tools.find((t) => t.name === given || t.remoteName === given);
      if (!tool) return fail("invalid_request", `trusted: ${JSON.stringify(given.slice(0, 64))} is not a tool of this server`);
      if (!trusted.includes(tool.name)) trusted.push(tool.name);
    }
    this.#deps.store.update(id, { trusted });
    this.#deps.ledger.append({ type: "mcp.server.updated", actor: ctx.actor, correlationId: ctx.correlationId, payload: { serverId: id, trusted } });
    this.#deps.onToolsChanged();
    return ok(this.#serverInfo(this.#deps.store.get(id) ?? server));
  }

  async finishAuth(state: string, code: string, ctx: McpCallContext): Promise<Result<McpServerInfo>> {
    const claims = await this.#verify(state);
    if (!claims.ok) return claims;
    const { serverId, nonce } = claims.value;
    const server = this.#deps.store.get(serverId);
    if (!server) return fail("not_found", "the tool server was removed before its authorization finished");
    if (!this.#deps.store.takeState(serverId, nonce)) return fail("unauthorized", "this authorization was already used; connect again");
    try {
      await finishAuth(new URL(server.url), this.#connectOptions(server, true), code);
    } catch (error) {
      this.#deps.log("mcp.auth_failed", `${serverId}: ${error instanceof Error ? error.name : "error"}`);
      return fail("unauthorized", "the authorization server refused the code; connect again");
    }
    const before = server.status;
    await this.#refresh(serverId);
    const after = this.#deps.store.get(serverId) ?? server;
    if (after.status !== before) {
      this.#deps.ledger.append({
        type: "mcp.server.updated",
        actor: ctx.actor,
        correlationId: ctx.correlationId,
        payload: { serverId, status: after.status, tools: after.tools.map((t) => t.name) },
      });
    }
    this.#deps.onToolsChanged();
    return ok(this.#serverInfo(after));
  }

  check(name: string, args: unknown): Result<Record<string, unknown>> {
    const tool = this.#deps.store.list().flatMap((s) => s.tools).find((t) => t.name === name);
    if (!tool) return fail("not_found", `there is no tool named ${name}`);
    const valid = this.#validator.getValidator<Record<string, unknown>>(tool.inputSchema)(args);
    if (!valid.valid) return fail("invalid_request", `arguments for ${name} do not match its schema: ${valid.errorMessage}`.slice(0, 500));
    return ok(valid.data);
  }

  async call(name: string, args: unknown, ctx: McpCallContext): Promise<Result<McpCallOutput>> {
    const server = this.#deps.store.list().find((s) => s.tools.some((t) => t.name === name));
    const tool = server?.tools.find((t) => t.name === name);
    if (!server || !tool) return fail("not_found", `there is no tool named ${name}`);
    const valid = this.check(name, args);
    if (!valid.ok) return valid;
    const capped = this.#overCap(name);
    if (capped) return capped;
    const client = await this.#client(server);
    if (!client.ok) return client;
    // Counted before the call goes out: a call that fails at the server still spent a use (G6).
    const timeZone = this.#deps.ledger.state.preferences.timezone;
    this.#deps.ledger.append({ type: "tool.used", actor: ctx.actor, correlationId: ctx.correlationId, payload: { day: dayOf(this.#deps.now(), timeZone), tool: name } });
    try {
      const result = await client.value.callTool({ name: tool.remoteName, arguments: valid.value }, undefined, { timeout: CALL_TIMEOUT_MS });
      this.#seen(server, "ok");
      const text = textOf(result.content);
      if (result.isError === true) return fail("conflict", `${name} answered with an error: ${capText(text, 500)}`);
      const structured = result.structuredContent;
      const keep = structured !== undefined && JSON.stringify(structured).length <= MAX_STRUCTURED_CHARS;
      return ok({ content: capText(text), ...(keep ? { structured } : {}) });
    } catch (error) {
      this.#clients.delete(server.id);
      this.#deps.log("mcp.call_failed", `${name}: ${error instanceof Error ? error.name : "error"}`);
      this.#seen(server, "unreachable");
      return fail("conflict", unavailable(server, timeZone));
    }
  }

  /** M10, M11: a refusal naming the cap and when it resets (the user's next local midnight), or null. */
  #overCap(name: string): Result<never> | null {
    const now = this.#deps.now();
    const timeZone = this.#deps.ledger.state.preferences.timezone;
    const cap = dailyCapOf(name, this.#deps.dailyCap);
    const used = toolUses(this.#deps.ledger.state.usage, dayOf(now, timeZone), name);
    if (used < cap) return null;
    const resets = formatTime(new Date(nextDayStart(now, timeZone)).toISOString(), timeZone);
    return fail("rate_limited", `Daily limit reached: ${name} may run ${cap} times a day, and all ${cap} are used. It resets at midnight (${resets}).`, secondsToNextDay(now, timeZone));
  }

  /** The live client of a server, connecting on first use after a wake (M7). */
  async #client(server: ServerRow): Promise<Result<Client>> {
    const live = this.#clients.get(server.id);
    if (live) return ok(live);
    const outcome = await connect(new URL(server.url), this.#connectOptions(server, false));
    if (outcome.ok) {
      this.#clients.set(server.id, outcome.client);
      this.#seen(server, "ok");
      return ok(outcome.client);
    }
    const timeZone = this.#deps.ledger.state.preferences.timezone;
    if (outcome.reason === "needs_auth") {
      this.#seen(server, "needs_auth");
      return fail("unauthorized", `${server.name} needs you to connect it again (Settings → Tools)`);
    }
    this.#seen(server, "unreachable");
    return fail("conflict", unavailable(server, timeZone));
  }

  /** Connects, lists tools and stores the outcome (add, and after OAuth). */
  async #refresh(id: string): Promise<void> {
    const server = this.#deps.store.get(id);
    if (!server) return;
    this.#clients.delete(id);
    const outcome = await connect(new URL(server.url), this.#connectOptions(server, false));
    if (!outcome.ok) {
      if (outcome.reason === "unreachable") this.#deps.log("mcp.unreachable", `${id}: ${outcome.detail}`);
      this.#deps.store.update(id, { status: outcome.reason });
      return;
    }
    try {
      const listed = await outcome.client.listTools(undefined, { timeout: CONNECT_TIMEOUT_MS });
      const tools = cacheTools(server.slug, listed.tools);
      this.#clients.set(id, outcome.client);
      this.#deps.store.update(id, { status: "ok", lastSeenAt: this.#deps.now(), tools });
    } catch (error) {
      this.#deps.log("mcp.list_failed", `${id}: ${error instanceof Error ? error.name : "error"}`);
      this.#deps.store.update(id, { status: "unreachable" });
    }
  }

  #seen(server: ServerRow, status: McpServerStatus): void {
    const current = this.#deps.store.get(server.id);
    if (!current) return;
    this.#deps.store.update(server.id, status === "ok" ? { status, lastSeenAt: this.#deps.now() } : { status });
    if (current.status !== status) {
      this.#deps.ledger.append({ type: "mcp.server.updated", actor: { kind: "system" }, correlationId: this.#deps.newId(), payload: { serverId: server.id, status } });
    }
  }

  #connectOptions(server: ServerRow, forAuth: true): ConnectOptions & { authProvider: RoomOAuthProvider };
  #connectOptions(server: ServerRow, forAuth: false): ConnectOptions;
  #connectOptions(server: ServerRow, _forAuth: boolean): ConnectOptions {
    const secrets = this.#deps.store.secrets(server.id);
    const options: ConnectOptions = { fetch: this.#guardedFetch, headers: secrets.headers };
    const hasBearer = Object.keys(secrets.headers).some((h) => h.toLowerCase() === "authorization");
    // A static Authorization header is the user's choice of credential: no OAuth on top of it.
    if (hasBearer || !this.#deps.stateKey || secrets.redirectUrl === null) return options;
    const key = this.#deps.stateKey;
    const sign = async (serverId: string) => signState(await key(), this.#deps.userId, serverId, Date.now());
    return { ...options, authProvider: new RoomOAuthProvider(this.#deps.store, server.id, secrets.redirectUrl, sign) };
  }

  async #verify(state: string): Promise<Result<StateClaims>> {
    if (!this.#deps.stateKey) return fail("unauthorized", "OAuth is not configured on this server");
    const claims = await verifyState(await this.#deps.stateKey(), state, Date.now());
    if (!claims.ok) return claims;
    if (claims.value.userId !== this.#deps.userId) return fail("unauthorized", "OAuth state is not valid");
    return claims;
  }

  /** G9: every request of a connection — MCP, OAuth discovery, registration, token — to an allowed URL only. */
  #guardedFetch: FetchLike = (input, init) => {
    const url = typeof input === "string" ? input : input.toString();
    const verdict = checkEndpoint(url, this.#deps.development);
    if (!verdict.ok) return Promise.reject(new BlockedUrlError(verdict.reason));
    // Never follow a redirect to somewhere the guard has not seen.
    return this.#deps.fetch(verdict.url, { ...init, redirect: "manual" });
  };

  #info(server: ServerRow, tool: CachedTool): McpToolInfo {
    return {
      name: tool.name,
      serverId: server.id,
      remoteName: tool.remoteName,
      title: tool.title,
      description: tool.description,
      inputSchema: tool.inputSchema,
      readOnly: tool.readOnly,
      trusted: server.trusted.includes(tool.name),
    };
  }

  #serverInfo(server: ServerRow): McpServerInfo {
    const authorizeUrl = server.status === "needs_auth" ? this.#deps.store.secrets(server.id).authorizeUrl : null;
    return {
      id: server.id,
      name: server.name,
      url: server.url,
      status: server.status,
      lastSeenAt: server.lastSeenAt === null ? null : new Date(server.lastSeenAt).toISOString(),
      tools: server.tools.map((t) => ({ name: t.name, readOnly: t.readOnly, trusted: server.trusted.includes(t.name), title: t.title, dailyCap: dailyCapOf(t.name, this.#deps.dailyCap) })),
      ...(authorizeUrl ? { authorizeUrl } : {}),
    };
  }
}

/** M8: what the turn says when a server does not answer. */
function unavailable(server: ServerRow, timeZone: string): string {
  const seen = server.lastSeenAt === null ? "never reached" : `last seen ${formatTime(new Date(server.lastSeenAt).toISOString(), timeZone)}`;
  return `The tool server ${server.name} is unreachable (${seen}); its tools are unavailable right now.`;
}

type ListedTool = { name: string; title?: string | undefined; description?: string | undefined; inputSchema: { type: "object" } & Record<string, unknown>; annotations?: { title?: string | undefined; readOnlyHint?: boolean | undefined } | undefined };

/** M3: the server's tools, namespaced, deduplicated, with schemas within the size cap. */
export function cacheTools(slug: string, listed: readonly ListedTool[]): CachedTool[] {
  const out: CachedTool[] = [];
  for (const tool of listed) {
    if (out.length >= MAX_MCP_TOOLS) break;
    const name = namespaced(slug, tool.name);
    if (!name || out.some((t) => t.name === name)) continue;
    if (JSON.stringify(tool.inputSchema).length > MAX_SCHEMA_CHARS) continue;
    const inputSchema: JsonSchemaObject = { ...tool.inputSchema, type: "object" };
    out.push({
      name,
      remoteName: tool.name,
      title: (tool.title ?? tool.annotations?.title ?? tool.name).slice(0, 200),
      description: (tool.description ?? "").slice(0, MAX_DESCRIPTION),
      inputSchema,
      readOnly: tool.annotations?.readOnlyHint === true,
    });
  }
  return out;
}

/** The text parts of a result, joined; other parts named by type (images and resources are not read into the context). */
function textOf(content: unknown): string {
  if (!Array.isArray(content)) return "";
  return content
    .map((part: unknown) => {
      if (typeof part !== "object" || part === null || !("type" in part)) return "";
      if (part.type === "text" && "text" in part && typeof part.text === "string") return part.text;
      return `[${String(part.type)} omitted]`;
    })
    .join("\n");
}

