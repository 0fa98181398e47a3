/**
 * The Brain: one Durable Object per user (DESIGN.md §1), a y-partyserver
 * `YServer` with SQLite storage and hibernation. It adapts the platform —
 * connections, storage, the alarm, the environment — to the room core
 * (room.ts) and forwards every hook to it (STYLE.md 14). It holds no domain
 * rule and no test hook: tests subclass it (tests/worker/test-brain.ts).
 *
 * Every hook body is wrapped: partyserver does not await async `onMessage`
 * rejections, and nothing may reach a client as a stack.
 */
import type { Connection, ConnectionContext, WSMessage } from "partyserver";
import { YServer } from "y-partyserver";
import { v7 as uuidv7 } from "uuid";
import { describeUserAgent } from "../shared/platform.ts";
import { CLOSE_CODES, type ServerFrame } from "../shared/protocol.ts";
import { authConfig } from "./auth.ts";
import { parseConfig } from "./config.ts";
import type { SocketPresence } from "./core/presence.ts";
import { type PushMessage, sendPush } from "./push/sender.ts";
import { stateKey } from "./mcp/oauth-state.ts";
import type { Client } from "./core/sockets.ts";
import type { SqlCursor, SqlStore, SqlValue } from "./core/sql.ts";
import { type IssuedTicket, issueTicket, ticketKey, UsedTickets, verifyTicket } from "./core/tickets.ts";
import { errorResponse, TRUSTED } from "./http.ts";
import { configureLog, describeError, log } from "./log.ts";
import { Room } from "./room.ts";
import type { RoomPorts } from "./room-ports.ts";
import { knowsRun } from "./architect/runs.ts";
import { refuseSocket } from "./socket-refusal.ts";
import { storedEpoch } from "./data/epoch.ts";
import { closedSocket, emptyDocument, erased, liveSql } from "./brain-erase.ts";
import { voiceProviders } from "./voice/providers.ts";

/** `mc`: presence after hello; `platform`: browser and OS read from the upgrade request (P16). */
type SocketState = { mc?: SocketPresence | null; platform?: string } & Record<string, unknown>;

/** A lodash `debounce` wrapper, as y-partyserver builds its onSave listener: a function with `cancel` and `flush`. */
const isDebounced = (fn: object): boolean => "cancel" in fn && "flush" in fn && typeof fn.cancel === "function" && typeof fn.flush === "function";

export class Brain extends YServer {
  static override options = { hibernate: true };
  /**
   * y-partyserver calls onSave on a debounce (2 s by default) and its pending
   * timer holds the object awake. onStart leaves that listener unregistered
   * (R16); should a later y-partyserver build it differently, the timer is at
   * least as short as it can be. Our onSave is a no-op: the room writes each
   * update as it arrives.
   */
  static override callbackOptions = { debounceWait: 1, debounceMaxWait: 1 };

  protected room!: Room;
  #sql: SqlStore = {
    exec: <T extends Record<string, SqlValue>>(query: string, ...bindings: SqlValue[]) =>
      this.ctx.storage.sql.exec(query, ...(bindings as SqlStorageValue[])) as unknown as SqlCursor<T>,
    transactionSync: (fn) => this.ctx.storage.transactionSync(fn),
  };
  /**
   * Redeemed tickets (A4), checked before the socket reaches partyserver. Made
   * on the first verified upgrade: constructing the object writes nothing (G8).
   */
  #usedTickets: UsedTickets | null = null;
  /**
   * The room's sockets as Clients, cached between connects and closes: a reply
   * broadcasts every token, and re-listing hibernatable sockets per token cost
   * measurable fan-out time at 50 devices.
   */
  #clientCache: Client[] | null = null;
  /** The room's connections, cached like the clients (R6): a device edit finds its socket among them. */
  #connectionCache: Connection[] | null = null;
  /**
   * R6: each socket's state as last read or written. partyserver reads a hibernatable socket's state by
   * deserializing its attachment on every access; a broadcast reads every socket's presence, so at 50
   * devices an event cost 50 deserializations. Refilled from the attachment after a wake-up.
   */
  #states = new WeakMap<Connection, SocketState | null>();
  /** One Client per connection, so a connection's wrapper is built once. */
  #clients = new WeakMap<Connection, Client>();

  /** The room's clock. */
  protected now(): number {
    return Date.now();
  }

  /** Builds the room core once, from the platform. */
  override async onLoad(): Promise<void> {
    const config = parseConfig(this.env);
    configureLog(config.logLevel);
    this.room = new Room(this.ports(config));
  }

  /**
   * U14: which room the ports serve. An erase moves it on: every port of the
   * erased room (its storage, alarm, sockets, network) then refuses or does
   * nothing, so a turn, sync or timer still running in the old room cannot
   * write into the emptied storage, set an alarm or speak to a new device.
   */
  #generation = 0;

  protected ports(config: RoomPorts["config"]): RoomPorts {
    const generation = this.#generation;
    const live = (): boolean => generation === this.#generation;
    const sql = liveSql(this.#sql, live);
    const voice = voiceProviders(config.voice, { AI: this.env.AI });
    const net = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]): Promise<Response> => (live() ? fetch(input, init) : Promise.reject(erased()));
    return {
      userId: this.name,
      sql,
      doc: this.document,
      now: () => this.now(),
      clients: () => (live() ? (this.#clientCache ??= this.#connections().map((c) => this.#client(c))) : []),
      // The origin of a device's Yjs transaction is its connection object itself (y-partyserver). It is
      // matched by identity, never looked up by id: a device that dropped off the network and came back
      // can hold a second socket under the same id until the first one times out (getConnection throws then).
      clientOf: (origin) => {
        if (!live()) return null;
        for (const connection of this.#connections()) if (connection === origin) return this.#client(connection);
        return null;
      },
      setAlarm: (at) => {
        if (live()) void this.ctx.storage.setAlarm(at);
      },
      log,
      abort: (reason) => this.ctx.abort(reason),
      newId: uuidv7,
      issueTicket: () => this.#issueTicket(),
      config,
      ...(config.push.ok ? { push: this.#pushPort(config.push.value, config.development, live) } : {}),
      // K4: calendar syncs use the platform's fetch through the room's guard; a sync started by a request outlives it.
      fetch: net,
      waitUntil: (work) => this.ctx.waitUntil(work),
      // B30: one architect run is one Workflow instance, named by its run id (a retried start cannot make two).
      launchArchitect: async (params) => {
        if (!live()) throw erased();
        await this.env.ARCHITECT.create({ id: params.runId, params });
      },
      // U14: after the confirming call has answered (waitUntil), the room is erased and restarted empty.
      deleteStorage: () => this.ctx.waitUntil(this.#erase()),
      voice: () => voice,
      mcp: {
        fetch: (input, init) => (live() ? fetch(input, init) : Promise.reject(erased())),
        stateKey: () => this.#mcpStateKey(),
        waitUntil: (work) => this.ctx.waitUntil(work),
      },
    };
  }

  /**
   * U14, U15: every socket closed with `accountDeleted` (the web client signs
   * out and clears its local data), the alarm and every row deleted, then the
   * room is built again from the empty storage around a new, empty document:
   * nothing of the user is left in memory either, and the next request finds
   * an empty room, as a first sign-in does. Not `ctx.abort()`: that breaks the
   * output gate and the confirming call would never get its answer. Before
   * anything is deleted the old room's ports go dead (#generation): work it
   * still has running (a streaming turn, a sync, the watchdog) cannot write
   * into the emptied storage, set an alarm or reach a socket (its model call
   * runs on and its writes fail).
   */
  async #erase(): Promise<void> {
    for (const connection of this.#connections()) {
      try {
        connection.close(CLOSE_CODES.accountDeleted, "account deleted");
      } catch {
        // Already closing: nothing more to tell it.
      }
    }
    // The confirming call finishes its own (synchronous) write first: its answer is recorded, then the room goes.
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.#generation++;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.#usedTickets = null;
    this.#clientCache = null;
    this.#connectionCache = null;
    // The base class declares its document readonly; a deleted account needs a new one, as a new object would have.
    Object.assign(this, { document: emptyDocument() });
    await this.onStart();
    log("info", { event: "account.deleted", userId: this.name });
  }

  /** M13: OAuth states of MCP servers are signed with a key derived from the ticket secret, which the worker also holds. */
  async #mcpStateKey(): Promise<CryptoKey> {
    const config = authConfig(this.env);
    if (!config.ok) throw new Error(`MCP OAuth needs authentication configured: ${config.error.message}`);
    return stateKey(config.value.ticketSecret);
  }

  /** N13: sends with the platform's fetch; kept alive past the hook that started it (a live event, not only the alarm). */
  #pushPort(vapid: Parameters<typeof sendPush>[0], development: boolean, live: () => boolean) {
    return (message: PushMessage) => {
      if (!live()) return Promise.reject(erased());
      const sent = sendPush(vapid, message, development);
      this.ctx.waitUntil(sent);
      return sent;
    };
  }

  /**
   * B30 (RPC from the architect workflow): whether this room started run `runId`.
   * Reads storage only — it runs before the room is built, so asking a room that
   * never started a run creates nothing in it (G8).
   */
  async architectKnows(runId: unknown): Promise<boolean> {
    return typeof runId === "string" && knowsRun(this.#sql, runId);
  }

  /**
   * B31 (RPC from the architect workflow, reached through getServerByName, so the
   * room is built): one step's call. The answer is the step's Result as JSON (RPC
   * carries no `unknown`; the workflow parses it with its schema). A failure is
   * logged here and rethrown bare; the workflow's step retries it.
   */
  async architect(call: unknown): Promise<string> {
    try {
      return JSON.stringify(await this.room.architectRuns.handle(call));
    } catch (error) {
      log("error", { event: "architect.step_failed", userId: this.name, detail: describeError(error) });
      throw new Error("the room could not answer the architect step");
    }
  }

  override async onAlarm(): Promise<void> {
    await this.room.alarm();
  }

  /**
   * partyserver answers a failed start with the error's stack (a 500 body, or a
   * frame on the socket); start failures are logged here and rethrown bare (E3).
   */
  override async onStart(): Promise<void> {
    const doc = this.document;
    const on = doc.on;
    // R16: y-partyserver registers a debounced onSave on every update. Ours is a no-op (each update is written in
    // its turn, R2), and the debounce armed a timer per edit — an extra event in the object per keystroke, about a
    // tenth of an edit's CPU in a profile. It is left unregistered; everything else y-partyserver registers stays.
    doc.on = ((name: string, listener: (...args: unknown[]) => void) => {
      if (name === "update" && isDebounced(listener)) return;
      on.call(doc, name as never, listener as never);
    }) as typeof doc.on;
    try {
      await super.onStart();
    } catch (error) {
      log("error", { event: "room.start_failed", detail: describeError(error) });
      const bare = new Error("room failed to start");
      bare.stack = bare.message;
      throw bare;
    } finally {
      doc.on = on;
    }
  }

  /** Nothing to do: updates were already written as they arrived (DocStore). */
  override async onSave(): Promise<void> {}

  override async fetch(request: Request): Promise<Response> {
    const requestId = request.headers.get(TRUSTED.requestId) ?? uuidv7();
    try {
      if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
        const params = new URL(request.url).searchParams;
        const refused = await this.#redeemTicket(params.get("ticket") ?? "");
        if (refused !== null) {
          log("warn", { event: "socket.refused", requestId, userId: this.name, code: "unauthorized", detail: refused });
          return refuseSocket(refused, requestId);
        }
        // U17: a device whose local data is of another epoch (the account was erased since) never syncs it in.
        const epoch = params.get("epoch");
        if (epoch !== null && epoch !== storedEpoch(this.#sql)) {
          log("warn", { event: "socket.refused", requestId, userId: this.name, code: "account_deleted", detail: "socket names another epoch" });
          return closedSocket(CLOSE_CODES.accountDeleted, "account deleted", requestId);
        }
      }
      return await super.fetch(request);
    } catch (error) {
      log("error", { event: "room.fetch_failed", requestId, detail: describeError(error) });
      return errorResponse("internal", "internal error", requestId);
    }
  }

  /**
   * Tickets are signed and verified with the platform's clock, not the room's:
   * the worker checks their expiry with its own (a test's fixed room clock must
   * not make them expired or eternal).
   */
  async #ticketKey(): Promise<CryptoKey> {
    const config = authConfig(this.env);
    // The worker refuses every request while authentication is not configured, so no request gets here without it.
    if (!config.ok) throw new Error(`socket tickets need authentication configured: ${config.error.message}`);
    return ticketKey(config.value.ticketSecret);
  }

  async #issueTicket(): Promise<IssuedTicket> {
    return issueTicket(await this.#ticketKey(), this.name, Date.now());
  }

  /** Why the upgrade is refused, or null once the ticket is redeemed (A4): verified again here, for this room, once. */
  async #redeemTicket(ticket: string): Promise<string | null> {
    const verified = await verifyTicket(await this.#ticketKey(), ticket, Date.now());
    if (!verified.ok) return verified.error.message;
    if (verified.value.userId !== this.name) return "socket ticket is not valid";
    this.#usedTickets ??= new UsedTickets(this.#sql);
    return this.#usedTickets.redeem(verified.value) ? null : "socket ticket already used";
  }

  override async onRequest(request: Request): Promise<Response> {
    const requestId = request.headers.get(TRUSTED.requestId) ?? uuidv7();
    try {
      const response = await this.room.request(request, requestId);
      if (request.body && !request.bodyUsed) await request.body.cancel().catch(() => {});
      return response;
    } catch (error) {
      log("error", { event: "api.failed", requestId, userId: this.name, detail: describeError(error) });
      return errorResponse("internal", "internal error", requestId);
    }
  }

  override onConnect(connection: Connection, ctx: ConnectionContext): void {
    this.#guard("socket.connect_failed", () => {
      this.#clientCache = null;
      this.#connectionCache = null;
      super.onConnect(connection, ctx);
      const platform = describeUserAgent(ctx.request.headers.get("user-agent") ?? "");
      this.#states.set(connection, connection.setState((prev: unknown) => ({ ...((prev as SocketState | null) ?? {}), platform })));
      this.room.connect(this.#client(connection));
    });
  }

  override onMessage(connection: Connection, message: WSMessage): void {
    this.#guard("socket.message_failed", () => {
      if (typeof message === "string") return super.onMessage(connection, message);
      const bytes = message instanceof ArrayBuffer ? new Uint8Array(message) : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
      this.room.binary(this.#client(connection), bytes, () => super.onMessage(connection, message));
    });
  }

  override onCustomMessage(connection: Connection, message: string): void {
    this.#guard("socket.frame_failed", () => this.room.frame(this.#client(connection), message));
  }

  override onClose(connection: Connection, code: number, reason: string, wasClean: boolean): void {
    this.#guard("socket.close_failed", () => {
      this.#clientCache = null;
      this.#connectionCache = null;
      super.onClose(connection, code, reason, wasClean);
      this.room.close(this.#client(connection));
    });
  }

  override onError(connection: Connection, error: unknown): void {
    log("warn", { event: "socket.error", userId: this.name, connectionId: connection.id, detail: describeError(error) });
  }

  #guard(event: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      log("error", { event, userId: this.name, detail: describeError(error) });
    }
  }

  #connections(): Connection[] {
    return (this.#connectionCache ??= [...this.getConnections()]);
  }

  #state(connection: Connection): SocketState | null {
    if (!this.#states.has(connection)) this.#states.set(connection, connection.state as SocketState | null);
    return this.#states.get(connection) ?? null;
  }

  #client(connection: Connection): Client {
    const known = this.#clients.get(connection);
    if (known) return known;
    const state = (): SocketState | null => this.#state(connection);
    const client: Client = {
      id: connection.id,
      get presence() {
        return state()?.mc ?? null;
      },
      get platform() {
        return state()?.platform;
      },
      setPresence: (presence) => {
        // Through the attachment (read again, not the cache): y-partyserver keeps its awareness ids in the same state.
        this.#states.set(connection, connection.setState((prev: unknown) => ({ ...((prev as SocketState | null) ?? {}), mc: presence })));
      },
      send: (frame: ServerFrame) => this.sendCustomMessage(connection, JSON.stringify(frame)),
      sendJson: (json: string) => this.sendCustomMessage(connection, json),
      close: (code, reason) => connection.close(code, reason),
    };
    this.#clients.set(connection, client);
    return client;
  }
}
