/**
 * The Brain: one Durable Object per user (DESIGN.md §1), a y-partyserver
 * `YServer` with SQLite storage and hibernation. This class only adapts the
 * platform — connections, storage, hooks — to the plain modules in `core/`
 * and `api/` (STYLE.md 3). Every hook body is wrapped: partyserver does not
 * await async `onMessage` rejections, and nothing may reach a client as a stack.
 */
import type { Connection, ConnectionContext, WSMessage } from "partyserver";
import { YServer } from "y-partyserver";
import { v7 as uuidv7 } from "uuid";
import type { Command } from "../shared/commands.ts";
import type { AppError, Result } from "../shared/errors.ts";
import type { ServerFrame } from "../shared/protocol.ts";
import { handleApi } from "./api/routes.ts";
import { actorLabel, type Applied, type CommandContext, executeCommand } from "./core/commands.ts";
import { DocStore } from "./core/doc-store.ts";
import { type Batch, DocWatch } from "./core/doc-watch.ts";
import { DeviceEdits } from "./core/device-edits.ts";
import { checkBinaryFrame } from "./core/yjs-guard.ts";
import type { ChatEngine } from "./chat/engine.ts";
import type { Schedule } from "./schedule/runner.ts";
import { buildEngines, chatLimits } from "./services.ts";
import { Ledger } from "./core/ledger.ts";
import type { SocketPresence } from "./core/presence.ts";
import { Buckets } from "./core/rate-limit.ts";
import {
  broadcast,
  broadcastPresence,
  type Client,
  currentDevices,
  handleFrame,
  type SocketDeps,
} from "./core/sockets.ts";
import type { SqlCursor, SqlStore, SqlValue } from "./core/sql.ts";
import { TicketStore } from "./core/tickets.ts";
import { configureLog, describeError, log } from "./log.ts";
import { errorResponse, TRUSTED } from "./http.ts";

/** Largest binary (Yjs) frame the room applies, in bytes (P4). */
export const MAX_YJS_FRAME_BYTES = 1024 * 1024;

type SocketState = { mc?: SocketPresence | null } & Record<string, unknown>;

const isActorOrigin = (origin: unknown): origin is { actorLabel: string } =>
  typeof origin === "object" && origin !== null && "actorLabel" in origin && typeof origin.actorLabel === "string";

export class Brain extends YServer {
  static override options = { hibernate: true };
  /**
   * y-partyserver calls onSave on a debounce (2 s by default) and its pending
   * timer holds the object awake. Our onSave is a no-op — DocStore writes each
   * update as it arrives — so keep the timer as short as it can be.
   */
  static override callbackOptions = { debounceWait: 1, debounceMaxWait: 1 };

  #sql: SqlStore = {
    exec: <T extends Record<string, SqlValue>>(query: string, ...bindings: SqlValue[]) =>
      this.ctx.storage.sql.exec(query, ...(bindings as SqlStorageValue[])) as unknown as SqlCursor<T>,
    transactionSync: (fn) => this.ctx.storage.transactionSync(fn),
  };
  #ledger!: Ledger;
  #docs!: DocStore;
  #edits!: DeviceEdits;
  #chat!: ChatEngine;
  #schedule!: Schedule;
  #updatesSinceCompactCheck = 0;
  /** Tests set a fixed clock here (S11); null is the real clock. */
  #fixedNow: number | null = null;
  #now = () => this.#fixedNow ?? Date.now();
  #tickets = new TicketStore(this.#sql);
  #writeBuckets = new Buckets();
  #frameBuckets = new Buckets();
  #yjsBuckets = new Buckets();

  /** Loads projections and the document from SQLite; from here on every doc update is persisted in its turn. */
  override async onLoad(): Promise<void> {
    configureLog(this.env.LOG_LEVEL);
    this.#ledger = new Ledger(this.#sql, { now: this.#now });
    // The one path by which devices learn of new events, whichever code appended them (L9).
    this.#ledger.subscribe((event) => broadcast({ clients: () => this.#clients() }, { type: "event", event }));
    this.#docs = new DocStore(this.#sql, this.#now);
    this.#docs.attach(this.document, (origin) => this.#labelOrigin(origin));
    const watch = new DocWatch(this.document, (origin) => origin === DocStore.LOAD_ORIGIN || isActorOrigin(origin));
    this.#edits = new DeviceEdits({
      watch,
      ledger: this.#ledger,
      now: this.#now,
      deviceOf: (batch) => this.#deviceOf(batch),
      log: (event, requestId, detail) => log("warn", { event, requestId, userId: this.name, detail }),
    });
    this.#maybeCompact();
    const engines = buildEngines({
      env: this.env,
      userId: this.name,
      sql: this.#sql,
      ledger: this.#ledger,
      doc: this.document,
      now: this.#now,
      clients: () => this.#clients(),
      execute: (command, ctx) => this.#execute(command, ctx),
      setAlarm: (at) => void this.ctx.storage.setAlarm(at),
      afterMaintenance: () => this.#maybeCompact(),
    });
    this.#schedule = engines.schedule;
    this.#chat = engines.chat;
    this.#chat.recover();
    this.#schedule.reschedule();
  }

  /** The room's one alarm: reminders, the daily plan, deferred deliveries, maintenance (S2). Retried on failure; every job is idempotent. */
  override async onAlarm(): Promise<void> {
    try {
      if (this.#failNextAlarm) {
        this.#failNextAlarm = false;
        this.#schedule.fireReminders(this.#now());
        throw new Error("injected alarm failure after firing");
      }
      const done = await this.#schedule.run();
      log("info", { event: "alarm", userId: this.name, detail: JSON.stringify(done) });
    } catch (error) {
      log("error", { event: "alarm.failed", userId: this.name, detail: describeError(error) });
      throw error;
    }
  }

  /** Test hooks (runInDurableObject): a fixed clock, and an alarm that fails once after firing. */
  debugSetClock(ms: number | null): void {
    this.#fixedNow = ms;
  }

  #failNextAlarm = false;

  debugFailNextAlarm(): void {
    this.#failNextAlarm = true;
  }

  debugSchedule(): Schedule {
    return this.#schedule;
  }

  /** The chat engine, for tests that run inside the object. */
  debugChat(): ChatEngine {
    return this.#chat;
  }

  /**
   * partyserver answers a failed start with the error's stack (a 500 body, or a
   * frame on the socket); start failures are logged here and rethrown bare (E3).
   */
  override async onStart(): Promise<void> {
    try {
      await super.onStart();
    } catch (error) {
      log("error", { event: "room.start_failed", detail: describeError(error) });
      const bare = new Error("room failed to start");
      bare.stack = bare.message;
      throw bare;
    }
  }

  /** Nothing to do: updates were already written as they arrived (DocStore). */
  override async onSave(): Promise<void> {}

  override async fetch(request: Request): Promise<Response> {
    const requestId = request.headers.get(TRUSTED.requestId) ?? uuidv7();
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      const ticket = new URL(request.url).searchParams.get("ticket") ?? "";
      if (!this.#tickets.redeem(ticket)) {
        log("warn", { event: "socket.refused", requestId, code: "unauthorized" });
        return errorResponse("unauthorized", "socket ticket missing, expired or already used", requestId);
      }
    }
    try {
      return await super.fetch(request);
    } catch (error) {
      log("error", { event: "room.fetch_failed", requestId, detail: describeError(error) });
      return errorResponse("internal", "internal error", requestId);
    }
  }

  override async onRequest(request: Request): Promise<Response> {
    const requestId = request.headers.get(TRUSTED.requestId) ?? uuidv7();
    try {
      const response = await handleApi(request, {
        now: this.#now,
        userId: this.name,
        requestId,
        ledger: this.#ledger,
        doc: this.document,
        devices: () => currentDevices(this.#socketDeps()),
        execute: (command, ctx) => this.#execute(command, ctx),
        issueTicket: () => this.#tickets.issue(this.name),
        chat: this.#chat,
        limits: chatLimits(this.env),
        admitWrite: () => this.#writeBuckets.admit("user", this.env.RATE_LIMIT_WRITES_PER_MINUTE, 120, this.#now()),
        schedule: this.#schedule,
      });
      if (request.body && !request.bodyUsed) await request.body.cancel().catch(() => {});
      return response;
    } catch (error) {
      log("error", { event: "api.failed", requestId, userId: this.name, detail: describeError(error) });
      return errorResponse("internal", "internal error", requestId);
    }
  }

  override onConnect(connection: Connection, ctx: ConnectionContext): void {
    try {
      this.#clientCache = null;
      super.onConnect(connection, ctx);
      log("info", { event: "socket.connected", userId: this.name, connectionId: connection.id });
    } catch (error) {
      log("error", { event: "socket.connect_failed", userId: this.name, detail: describeError(error) });
    }
  }

  override onMessage(connection: Connection, message: WSMessage): void {
    try {
      if (typeof message !== "string") {
        if (message.byteLength > MAX_YJS_FRAME_BYTES) {
          this.#reject(connection, { code: "too_large", message: `binary frame exceeds ${MAX_YJS_FRAME_BYTES} bytes` });
          return;
        }
        const retryAfter = this.#yjsBuckets.admit(connection.id, this.env.RATE_LIMIT_YJS_FRAMES_PER_MINUTE, 3_000, this.#now());
        if (retryAfter !== null) {
          this.#reject(connection, { code: "rate_limited", message: "too many Yjs frames", retryAfter });
          return;
        }
        const bytes = message instanceof ArrayBuffer ? new Uint8Array(message) : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
        const checked = checkBinaryFrame(bytes);
        if (!checked.ok) {
          this.#reject(connection, { code: checked.code, message: checked.message });
          return;
        }
      }
      super.onMessage(connection, message);
      if (typeof message !== "string") {
        this.#edits.record();
        if (++this.#updatesSinceCompactCheck >= 100) this.#maybeCompact();
      }
    } catch (error) {
      log("error", { event: "socket.message_failed", userId: this.name, detail: describeError(error) });
    }
  }

  override onCustomMessage(connection: Connection, message: string): void {
    try {
      handleFrame(this.#socketDeps(), this.#client(connection), message);
    } catch (error) {
      log("error", { event: "socket.frame_failed", userId: this.name, detail: describeError(error) });
      this.#reject(connection, { code: "internal", message: "internal error" });
    }
  }

  override onClose(connection: Connection, code: number, reason: string, wasClean: boolean): void {
    try {
      this.#clientCache = null;
      super.onClose(connection, code, reason, wasClean);
      this.#frameBuckets.forget(connection.id);
      this.#yjsBuckets.forget(connection.id);
      const deps = this.#socketDeps((c) => c.id !== connection.id);
      broadcastPresence(deps);
      this.#schedule.deliver();
      log("info", { event: "socket.closed", userId: this.name, connectionId: connection.id });
    } catch (error) {
      log("error", { event: "socket.close_failed", userId: this.name, detail: describeError(error) });
    }
  }

  override onError(connection: Connection, error: unknown): void {
    log("warn", { event: "socket.error", userId: this.name, connectionId: connection.id, detail: describeError(error) });
  }

  /**
   * Applies a command on behalf of an assistant turn: the tools of the chat
   * issue call this, and so do tests. Same path, same ledger (D4).
   */
  runTool(turnId: string, command: Command, correlationId: string): Result<Applied> {
    return this.#execute(command, { actor: { kind: "assistant", turnId }, correlationId });
  }

  #deviceOf(batch: Batch) {
    const origin = batch.origin as { id?: unknown } | null;
    const connection = origin && typeof origin.id === "string" ? this.getConnection(origin.id) : undefined;
    if (!connection) return null;
    return {
      deviceId: (connection.state as SocketState | null)?.mc?.deviceId ?? `socket:${connection.id}`,
      reject: (error: AppError, requestId: string) => this.#reject(connection, error, requestId),
    };
  }

  #maybeCompact(): void {
    this.#updatesSinceCompactCheck = 0;
    if (!this.#docs.shouldCompact()) return;
    const { folded } = this.#docs.compact();
    log("info", { event: "doc.compacted", userId: this.name, detail: `${folded} updates folded` });
  }

  /** The room's ledger, for tests that run inside the object (runInDurableObject). */
  debugLedger(): Ledger {
    return this.#ledger;
  }

  #execute(command: Command, ctx: CommandContext): Result<Applied> {
    const started = Date.now();
    try {
      const result = executeCommand(
        { doc: this.document, ledger: this.#ledger, docs: this.#docs, now: this.#now },
        command,
        ctx,
      );
      log(result.ok ? "info" : "warn", {
        event: "command",
        requestId: ctx.correlationId,
        userId: this.name,
        durationMs: Date.now() - started,
        ...(result.ok ? { seq: result.value.seq } : { code: result.error.code }),
      });
      if (result.ok && !result.value.duplicate) this.#afterCommand(command);
      return result;
    } catch (error) {
      // An invariant broke mid-write: SQLite rolled back, but memory may not match it. Restart from storage.
      log("error", { event: "command.invariant", requestId: ctx.correlationId, userId: this.name, detail: describeError(error) });
      this.ctx.abort("command failed mid-write; reloading from storage");
      throw error;
    }
  }

  /** Schedule follow-ups of a command: the alarm moves with reminders and preferences; an ack clears everywhere (S9). */
  #afterCommand(command: Command): void {
    if (command.kind === "notification.ack") this.#schedule.cleared(command.notificationId);
    if (command.kind.startsWith("reminder.") || command.kind === "preferences.update" || command.kind === "notification.ack") this.#schedule.reschedule();
    if (command.kind === "preferences.update") this.#schedule.deliver();
  }

  #socketDeps(filter: (c: Client) => boolean = () => true): SocketDeps {
    return {
      userId: this.name,
      ledger: this.#ledger,
      clients: () => this.#clients().filter(filter),
      execute: (command, ctx) => this.#execute(command, ctx),
      chat: this.#chat,
      admit: (client) => this.#frameBuckets.admit(client.id, this.env.RATE_LIMIT_FRAMES_PER_MINUTE, 600, this.#now()),
      onPresence: () => this.#schedule.deliver(),
      now: this.#now,
      newRequestId: uuidv7,
      onError: (client, requestId, error, frameType) =>
        log("warn", { event: "frame.rejected", requestId, userId: this.name, connectionId: client.id, code: error.code, frameType }),
    };
  }

  /**
   * The room's sockets as Clients, cached between connects and closes: a reply
   * broadcasts every token, and re-listing hibernatable sockets per token cost
   * measurable fan-out time at 50 devices.
   */
  #clientCache: Client[] | null = null;

  #clients(): Client[] {
    this.#clientCache ??= [...this.getConnections()].map((c) => this.#client(c));
    return this.#clientCache;
  }

  #client(connection: Connection): Client {
    return {
      id: connection.id,
      get presence() {
        return (connection.state as SocketState | null)?.mc ?? null;
      },
      setPresence: (presence) => {
        connection.setState((prev: unknown) => ({ ...((prev as SocketState | null) ?? {}), mc: presence }));
      },
      send: (frame: ServerFrame) => this.sendCustomMessage(connection, JSON.stringify(frame)),
      sendJson: (json: string) => this.sendCustomMessage(connection, json),
      close: (code, reason) => connection.close(code, reason),
    };
  }

  #reject(connection: Connection, error: AppError, requestId: string = uuidv7()): void {
    const frame: ServerFrame = { type: "error", requestId, code: error.code, message: error.message };
    if (error.retryAfter !== undefined) frame.retryAfter = error.retryAfter;
    this.sendCustomMessage(connection, JSON.stringify(frame));
  }

  #labelOrigin(origin: unknown): string {
    if (isActorOrigin(origin)) return origin.actorLabel;
    if (origin && typeof origin === "object" && "id" in origin && typeof origin.id === "string") {
      const presence = ((origin as Connection).state as SocketState | null)?.mc;
      return actorLabel({ kind: "user", deviceId: presence?.deviceId ?? `socket:${origin.id}` });
    }
    return "system";
  }
}
