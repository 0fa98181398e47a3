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
import { checkBinaryFrame } from "./core/yjs-guard.ts";
import { ChatEngine, type ChatLimits } from "./chat/engine.ts";
import { languageModel, providerConfig } from "./chat/providers.ts";
import { readNotes, readTasks } from "./core/doc-schema.ts";
import { maintain } from "./chat/retention.ts";
import { Ledger } from "./core/ledger.ts";
import type { SocketPresence } from "./core/presence.ts";
import { type Bucket, type BucketConfig, fullBucket, take } from "./core/rate-limit.ts";
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

/** How often the maintenance alarm runs. */
export const MAINTENANCE_EVERY_MS = 60 * 60 * 1000;

/** One `note.updated` ledger event per note and device per this many ms of typing (D8). */
export const NOTE_EDIT_COALESCE_MS = 30_000;

/** Largest binary (Yjs) frame the room applies, in bytes (P4). */
export const MAX_YJS_FRAME_BYTES = 1024 * 1024;

type SocketState = { mc?: SocketPresence | null } & Record<string, unknown>;

const perMinute = (raw: string | undefined, fallback: number): BucketConfig => {
  const n = Number(raw);
  const rate = Number.isFinite(n) && n > 0 ? n : fallback;
  return { capacity: rate, perMinute: rate };
};

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
  #watch!: DocWatch;
  #chat!: ChatEngine;
  #updatesSinceCompactCheck = 0;
  #noteEdits = new Map<string, number>();
  #tickets = new TicketStore(this.#sql);
  #writeBucket: Bucket | null = null;
  #frameBuckets = new Map<string, Bucket>();
  #yjsBuckets = new Map<string, Bucket>();

  /** Loads projections and the document from SQLite; from here on every doc update is persisted in its turn. */
  override async onLoad(): Promise<void> {
    configureLog(this.env.LOG_LEVEL);
    this.#ledger = new Ledger(this.#sql);
    this.#docs = new DocStore(this.#sql);
    this.#docs.attach(this.document, (origin) => this.#labelOrigin(origin));
    this.#watch = new DocWatch(this.document, (origin) => origin === DocStore.LOAD_ORIGIN || isActorOrigin(origin));
    this.#maybeCompact();
    this.#chat = new ChatEngine({
      userId: this.name,
      sql: this.#sql,
      ledger: this.#ledger,
      now: Date.now,
      limits: this.#limits(),
      model: ({ timeZone }) => {
        const config = providerConfig(this.env);
        if (!config.ok) throw new Error(config.error.message);
        return languageModel(config.value, this.env, { timeZone, now: () => new Date() });
      },
      execute: (command, ctx) => this.#execute(command, ctx),
      tasks: () => readTasks(this.document),
      notes: () => readNotes(this.document),
      broadcast: (frame) => broadcast(this.#socketDeps(), frame),
      announce: (event) => broadcast(this.#socketDeps(), { type: "event", event }),
      log: (event, fields) => log(event === "turn.failed" ? "warn" : "info", { event, userId: this.name, ...fields }),
    });
    this.#chat.recover();
    // Maintenance (retention, compaction) runs from the alarm; make sure one is set.
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + MAINTENANCE_EVERY_MS);
  }

  /** The room's alarm: retention and compaction; idempotent, safe to retry (C12, D7). */
  override async onAlarm(): Promise<void> {
    try {
      const done = maintain({ sql: this.#sql, ledger: this.#ledger, store: this.#chat.store, now: Date.now() });
      this.#maybeCompact();
      log("info", { event: "maintenance", userId: this.name, detail: JSON.stringify(done) });
    } finally {
      await this.ctx.storage.setAlarm(Date.now() + MAINTENANCE_EVERY_MS);
    }
  }

  #limits(): ChatLimits {
    const n = (raw: string | undefined, fallback: number) => (Number.isFinite(Number(raw)) && Number(raw) > 0 ? Number(raw) : fallback);
    return {
      messagesPerMinute: n(this.env.MESSAGES_PER_MINUTE, 60),
      dailyTokens: n(this.env.LLM_DAILY_TOKEN_BUDGET, 100_000),
      toolDailyCap: n(this.env.TOOL_DAILY_CAP, 200),
    };
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
        userId: this.name,
        requestId,
        ledger: this.#ledger,
        doc: this.document,
        devices: () => currentDevices(this.#socketDeps()),
        execute: (command, ctx) => this.#execute(command, ctx),
        issueTicket: () => this.#tickets.issue(this.name),
        chat: this.#chat,
        limits: this.#limits(),
        admitWrite: () => this.#admitWrite(),
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
        const config = perMinute(this.env.RATE_LIMIT_YJS_FRAMES_PER_MINUTE, 3_000);
        const now = Date.now();
        const admitted = take(this.#yjsBuckets.get(connection.id) ?? fullBucket(config, now), config, now);
        this.#yjsBuckets.set(connection.id, admitted.bucket);
        if (!admitted.allowed) {
          this.#reject(connection, { code: "rate_limited", message: "too many Yjs frames", retryAfter: admitted.retryAfterSeconds });
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
      if (typeof message !== "string") this.#afterDeviceEdits();
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
      super.onClose(connection, code, reason, wasClean);
      this.#frameBuckets.delete(connection.id);
      this.#yjsBuckets.delete(connection.id);
      const deps = this.#socketDeps((c) => c.id !== connection.id);
      broadcastPresence(deps);
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

  /**
   * After a device's Yjs frame: repair what it left invalid (and tell it),
   * then record readable events for what it changed (D6, D8).
   */
  #afterDeviceEdits(): void {
    for (const batch of this.#watch.take()) {
      const connection = this.#connectionOf(batch);
      const requestId = uuidv7();
      const repairs = this.#watch.repair(batch);
      if (repairs.length > 0 && connection) {
        const what = repairs.map((r) => `${r.kind} ${r.id} ${r.action}: ${r.reason}`).join("; ");
        this.#reject(connection, { code: "invalid_request", message: `invalid document edit — ${what}` }, requestId);
        log("warn", { event: "doc.repaired", requestId, userId: this.name, detail: what.slice(0, 300) });
      }
      const deviceId = connection ? ((connection.state as SocketState | null)?.mc?.deviceId ?? `socket:${connection.id}`) : undefined;
      const now = Date.now();
      const derived = this.#watch.describe(batch).filter((d) => this.#worthRecording(d, deviceId, now));
      if (derived.length === 0) continue;
      const events = this.#sql.transactionSync(() =>
        derived.map(
          (d) =>
            this.#ledger.append({
              type: d.type,
              actor: deviceId === undefined ? { kind: "system" } : { kind: "user", deviceId },
              correlationId: requestId,
              payload: d.payload,
            }).event,
        ),
      );
      const deps = this.#socketDeps();
      for (const event of events) broadcast(deps, { type: "event", event });
    }
    if (++this.#updatesSinceCompactCheck >= 100) this.#maybeCompact();
  }

  /**
   * Typing in a note sends an update per keystroke; the ledger keeps one
   * body-only `note.updated` per note and device per NOTE_EDIT_COALESCE_MS, not
   * one per key. Title and pinned changes are always recorded.
   * (The document rows keep every update with its actor regardless.)
   */
  #worthRecording(derived: { type: string; payload: unknown }, deviceId: string | undefined, now: number): boolean {
    const fields = (derived.payload as { fields?: string[] }).fields ?? [];
    if (derived.type !== "note.updated" || fields.some((f) => f !== "body")) return true;
    const key = `${(derived.payload as { noteId: string }).noteId}|${deviceId ?? "system"}`;
    const last = this.#noteEdits.get(key);
    if (last !== undefined && now - last < NOTE_EDIT_COALESCE_MS) return false;
    this.#noteEdits.set(key, now);
    return true;
  }

  #connectionOf(batch: Batch): Connection | null {
    const origin = batch.origin as { id?: unknown } | null;
    return origin && typeof origin.id === "string" ? (this.getConnection(origin.id) ?? null) : null;
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
        {
          sql: this.#sql,
          doc: this.document,
          ledger: this.#ledger,
          docs: this.#docs,
          now: Date.now,
          onEvent: (event) => broadcast(this.#socketDeps(), { type: "event", event }),
        },
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
      return result;
    } catch (error) {
      // An invariant broke mid-write: SQLite rolled back, but memory may not match it. Restart from storage.
      log("error", { event: "command.invariant", requestId: ctx.correlationId, userId: this.name, detail: describeError(error) });
      this.ctx.abort("command failed mid-write; reloading from storage");
      throw error;
    }
  }

  #admitWrite(): number | null {
    const config = perMinute(this.env.RATE_LIMIT_WRITES_PER_MINUTE, 120);
    const now = Date.now();
    const result = take(this.#writeBucket ?? fullBucket(config, now), config, now);
    this.#writeBucket = result.bucket;
    return result.allowed ? null : result.retryAfterSeconds;
  }

  #socketDeps(filter: (c: Client) => boolean = () => true): SocketDeps {
    return {
      userId: this.name,
      ledger: this.#ledger,
      clients: () => [...this.getConnections()].map((c) => this.#client(c)).filter(filter),
      execute: (command, ctx) => this.#execute(command, ctx),
      chat: this.#chat,
      admit: (client) => {
        const config = perMinute(this.env.RATE_LIMIT_FRAMES_PER_MINUTE, 600);
        const now = Date.now();
        const result = take(this.#frameBuckets.get(client.id) ?? fullBucket(config, now), config, now);
        this.#frameBuckets.set(client.id, result.bucket);
        return result.allowed ? null : result.retryAfterSeconds;
      },
      now: Date.now,
      newRequestId: uuidv7,
      onError: (client, requestId, error, frameType) =>
        log("warn", { event: "frame.rejected", requestId, userId: this.name, connectionId: client.id, code: error.code, frameType }),
    };
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
