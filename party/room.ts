/**
 * The room core of one user's brain (DESIGN.md §1, STYLE.md 3 and 14): the
 * room's whole behaviour — a socket connects, sends a JSON frame or a Yjs
 * frame, closes; an HTTP request; the alarm — built once from one ports object.
 * Plain code: no `cloudflare:*` or `partyserver` import. The Durable Object
 * (brain.ts) only adapts the platform to these ports and hooks; tests in Node
 * drive the same class with node:sqlite and fake sockets (tests/unit).
 */
import type * as Y from "yjs";
import type { Command } from "../shared/commands.ts";
import { localDate } from "../shared/dates.ts";
import { readNotes, readTasks } from "../shared/doc-schema.ts";
import type { LedgerEvent } from "../shared/domain.ts";
import type { AppError, Result } from "../shared/errors.ts";
import type { ServerFrame } from "../shared/protocol.ts";
import { handleApi } from "./api/routes.ts";
import { ChatEngine } from "./chat/engine.ts";
import { readContextItems } from "./chat/context-items.ts";
import { maintain } from "./chat/retention.ts";
import { type Applied, actorLabel, type CommandContext, executeCommand } from "./core/commands.ts";
import { DeviceEdits } from "./core/device-edits.ts";
import { DocStore } from "./core/doc-store.ts";
import { DocWatch } from "./core/doc-watch.ts";
import { KnownDevices } from "./core/known-devices.ts";
import type { TurnPort } from "./core/undo.ts";
import { Ledger } from "./core/ledger.ts";
import { Buckets } from "./core/rate-limit.ts";
import { broadcast, broadcastPresence, type Client, currentDevices, handleFrame, type SocketDeps } from "./core/sockets.ts";
import type { SqlStore } from "./core/sql.ts";
import { YjsBudget } from "./core/yjs-budget.ts";
import { readBinaryFrame } from "./core/yjs-guard.ts";
import { answerSize, ShapeChecker } from "./core/yjs-shape.ts";
import type { RoomConfig } from "./config.ts";
import { describeError as describe, type Level, type LogFields } from "./log.ts";
import { composePlan, modelFor } from "./models.ts";
import { DeviceActivityLog } from "./push/device-activity.ts";
import { type PushApi, pushApi } from "./push/push-api.ts";
import type { PushPort } from "./push/sender.ts";
import { PushSubscriptions } from "./push/subscriptions.ts";
import { Schedule } from "./schedule/runner.ts";
import { buildAgenda } from "./schedule/agenda.ts";
import { type CalendarPort, NO_CALENDAR } from "./schedule/calendar-port.ts";
import type { AgendaItem } from "../shared/agenda.ts";
import { Calendar } from "./calendar/calendar.ts";
import { CalendarStore } from "./calendar/store.ts";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { syncRegistry } from "./mcp/chat-tools.ts";
import { RoomMcpHub } from "./mcp/room-hub.ts";
import { McpStore } from "./mcp/store.ts";
import { runConfirmed } from "./mcp/confirmed.ts";

/** Largest binary (Yjs) frame the room applies, in bytes (P4). */
const MAX_YJS_FRAME_BYTES = 1024 * 1024;
/** Binary frames between two checks of whether the document should compact (D7). */
const COMPACT_CHECK_EVERY = 100;

/** Everything the room needs from its host, and nothing more. */
export type RoomPorts = {
  /** The user this room belongs to (the Durable Object's name). */
  userId: string;
  sql: SqlStore;
  /** The live document; the host's sync protocol applies device updates to it. */
  doc: Y.Doc;
  /** The room's clock. Tests pass a fixed one (S11). */
  now: () => number;
  /** The sockets connected now, as Clients; the host caches the list between connects and closes. */
  clients: () => readonly Client[];
  /** The socket behind a Yjs transaction origin (a device edit), if it is still connected. */
  clientOf: (origin: unknown) => Client | null;
  /** Sets the room's one alarm (S2). */
  setAlarm: (at: number) => void;
  log: (level: Level, fields: LogFields) => void;
  /** An invariant broke mid-write: memory may not match storage; the host restarts the room from storage. */
  abort: (reason: string) => void;
  /** A fresh request id (uuid v7). */
  newId: () => string;
  /** Issues a signed, single-use socket ticket for this user (A3, A7); the host redeems it before the upgrade. */
  issueTicket: () => Promise<{ ticket: string; expiresAt: string }>;
  config: RoomConfig;
  /**
   * Sends one Web Push message (N13–N14): the host's fetch, kept alive until it answers.
   * Absent (or push not configured): nothing is pushed and routing sees no subscription.
   */
  push?: PushPort;
  /** Calendars standing in for the room's own store (tests with a fake, K20–K29); the store's when absent. */
  calendar?: CalendarPort;
  /** K4: the network for calendar syncs and writes (the host's fetch); absent, syncs fail as offline. */
  fetch?: typeof fetch;
  /** Keeps work started by a request alive past its answer (a "Sync now"). */
  waitUntil?: (work: Promise<unknown>) => void;
  /** MCP servers' network (M4, M13): the platform's fetch, the OAuth state key, and keeping a confirmed call alive. Absent: no MCP. */
  mcp?: McpPort;
};

export type McpPort = {
  fetch: FetchLike;
  stateKey: () => Promise<CryptoKey>;
  /** Keeps work started by a hook alive after it returns (the DO's `ctx.waitUntil`). */
  waitUntil: (work: Promise<unknown>) => void;
};

export class Room {
  readonly ledger: Ledger;
  readonly docs: DocStore;
  readonly chat: ChatEngine;
  readonly schedule: Schedule;
  /** Every device met, online or not (P16). */
  readonly knownDevices: KnownDevices;
  #ports: RoomPorts;
  #edits: DeviceEdits;
  #sockets: SocketDeps;
  /** What undo asks of the chat (D18): is a turn still running, its pending proposals, cancelling one. */
  #turns: TurnPort = {
    running: (turnId) => ["queued", "streaming"].includes(this.chat.store.turn(turnId)?.status ?? ""),
    pendingProposals: (turnId) => this.chat.store.pendingProposals(this.#ports.now()).filter((p) => p.turnId === turnId),
    // C17: the card stored with an archived reply is rejected too; the projection folds the undo's event for recent ones.
    cancelProposal: (proposalId) => {
      const turnId = this.chat.store.proposal(proposalId)?.turn_id;
      if (this.chat.store.settleProposal(proposalId, "rejected") && turnId) this.chat.store.settleArchivedCard(turnId, proposalId, "rejected");
    },
  };
  readonly pushSubscriptions: PushSubscriptions;
  /** Calendar sources, their sync and the events they hold (K1–K12). */
  readonly calendar: Calendar;
  /** The user's MCP servers and their tools (M1–M14). */
  readonly mcp: RoomMcpHub;
  #mcpRegistered = new Set<string>();
  #activity: DeviceActivityLog;
  #push: PushApi;
  #writeBuckets = new Buckets();
  #frameBuckets = new Buckets();
  #yjsBuckets = new Buckets();
  #yjsBudget: YjsBudget;
  #shapes: ShapeChecker;
  #binarySinceCompactCheck = 0;
  /** The socket being closed: still listed by the host while its close hook runs. */
  #closing: string | null = null;
  /** The calendars the agenda, the plan and the chat read and write (K20–K28): the store, or a test's stand-in. */
  #calendar: CalendarPort = NO_CALENDAR;
  /** K29: calendar deletions of undone turns still running. */
  #calendarWork = new Set<Promise<void>>();

  /** Loads projections and the document from storage; from here on every document update is persisted in its turn. */
  constructor(ports: RoomPorts) {
    this.#ports = ports;
    const { sql, doc, now, userId } = ports;
    for (const problem of ports.config.problems) ports.log("error", { event: "config.invalid", userId, detail: problem });
    this.ledger = new Ledger(sql, { now });
    this.docs = new DocStore(sql, now);
    this.knownDevices = new KnownDevices(sql, now);
    this.docs.attach(doc, (origin) => this.#labelOrigin(origin));
    this.#yjsBudget = new YjsBudget(ports.config.yjs, now);
    this.#shapes = new ShapeChecker(doc);
    this.#edits = new DeviceEdits({
      watch: new DocWatch(doc, (origin) => origin === DocStore.LOAD_ORIGIN || isActorOrigin(origin)),
      ledger: this.ledger,
      now,
      deviceOf: (batch) => {
        const client = ports.clientOf(batch.origin);
        if (!client) return null;
        return { deviceId: deviceIdOf(client), reject: (error, requestId) => reject(client, error, requestId) };
      },
      log: (event, requestId, detail) => ports.log("warn", { event, requestId, userId, detail }),
    });
    this.#maybeCompact();
    const clients = () => this.#clients();
    const sockets = { clients };
    const tasks = () => readTasks(doc);
    const config = ports.config;
    this.pushSubscriptions = new PushSubscriptions(sql, now);
    this.#activity = new DeviceActivityLog(sql, now);
    this.calendar = new Calendar({
      store: new CalendarStore(sql, now),
      ledger: this.ledger,
      now,
      development: config.development,
      timeZone: () => this.ledger.state.preferences.timezone,
      ...(ports.fetch ? { fetch: ports.fetch } : {}),
      ...(ports.waitUntil ? { waitUntil: ports.waitUntil } : {}),
      // Built before the schedule: reschedule only once it exists.
      reschedule: () => this.schedule?.reschedule(),
      log: (event, detail) => ports.log("warn", { event, userId, detail }),
    });
    this.#calendar = ports.calendar ?? this.calendar;
    this.schedule = new Schedule({
      sql,
      ledger: this.ledger,
      now,
      devices: () => currentDevices(sockets),
      sendToDevice: (deviceId, frame) => {
        for (const client of clients()) if (client.presence?.deviceId === deviceId) client.send(frame);
      },
      broadcast: (frame) => broadcast(sockets, frame),
      composePlan: (date, source) =>
        composePlan(
          { config, ledger: this.ledger, tasks, now, gate: () => this.chat.budgetGate({ turnId: `plan-${date}`, requestId: ports.newId() }), agenda: (from, to) => this.agenda(from, to) },
          date,
          source,
        ),
      maintain: () => {
        const done = maintain({ sql, ledger: this.ledger, store: this.chat.store, now: now() });
        this.schedule.push.prune();
        this.#maybeCompact();
        ports.log("info", { event: "maintenance", userId, detail: JSON.stringify(done) });
      },
      setAlarm: ports.setAlarm,
      log: (event, detail) => ports.log("warn", { event, userId, detail }),
      // S20: a routine's occurrence is a message of the user's own asking (they set the routine up).
      runRoutine: (text, key, requestId) => this.chat.submit({ text, channel: "chat", clientActionId: key }, { kind: "user" }, requestId).ok,
      activity: () => this.#activity.activity(currentDevices(sockets)),
      subscriptions: this.pushSubscriptions,
      push: config.push.ok ? (ports.push ?? null) : null,
      calendar: this.calendar,
    });
    this.#push = pushApi({
      ledger: this.ledger,
      doc,
      subscriptions: this.pushSubscriptions,
      vapid: config.push,
      development: config.development,
      now,
      execute: (command, ctx) => this.execute(command, ctx),
    });
    this.mcp = new RoomMcpHub({
      userId,
      store: new McpStore(sql, now),
      ledger: this.ledger,
      now,
      newId: ports.newId,
      development: config.development,
      dailyCap: config.mcpToolDailyCap,
      fetch: ports.mcp?.fetch ?? (() => Promise.reject(new Error("this host has no network for MCP servers"))),
      ...(ports.mcp ? { stateKey: ports.mcp.stateKey } : {}),
      log: (event, detail) => ports.log("warn", { event, userId, detail }),
      onToolsChanged: () => syncRegistry(this.chat.tools, this.mcp, this.#mcpRegistered),
    });
    this.chat = new ChatEngine({
      userId,
      outward: (call, ctx) => {
        const work = runConfirmed(this.mcp, call, ctx);
        if (ports.mcp) ports.mcp.waitUntil(work);
      },
      sql,
      ledger: this.ledger,
      now,
      limits: config.chat,
      model: ({ timeZone, tools }) => modelFor(config, { timeZone, tools, now: () => new Date(now()) }),
      execute: (command, ctx) => this.execute(command, ctx),
      tasks,
      notes: () => readNotes(doc),
      contextItems: (ids) => readContextItems(doc, ids),
      agenda: (from, to) => this.agenda(from, to),
      calendars: () => this.#calendar.sources(),
      calendarWriter: this.#calendar.writer,
      ...(ports.waitUntil ? { waitUntil: ports.waitUntil } : {}),
      proposePlan: () => this.schedule.proposePlan(localDate(this.ledger.state.preferences.timezone, new Date(now())), "chat"),
      // M20, M22: the flights rule calls the hub's search tool and ranks offers around the synced calendar.
      mcp: this.mcp,
      calendar: this.calendar,
      onTurnEnd: ({ turnId, status, text }) => {
        // S8: the assistant finished while the user was elsewhere — tell the device in use.
        if (status === "completed" && !currentDevices(sockets).some((d) => d.focused)) {
          this.schedule.notify("assistant", "Your assistant replied", text.slice(0, 200), turnId);
        }
      },
      broadcast: (frame) => broadcast(sockets, frame),
      log: (event, fields) => ports.log(event === "turn.failed" ? "warn" : "info", { event, userId, ...fields }),
    });
    this.#sockets = {
      userId,
      ledger: this.ledger,
      clients,
      execute: (command, ctx) => this.execute(command, ctx),
      chat: this.chat,
      admit: (client) => this.#frameBuckets.admit(client.id, config.rates.framesPerMinute, now()),
      onPresence: () => {
        const devices = currentDevices(sockets);
        this.knownDevices.seen(devices);
        this.#activity.observe(devices);
        this.schedule.deliver();
      },
      now,
      newRequestId: ports.newId,
      onError: (client, requestId, error, frameType) =>
        ports.log("warn", { event: "frame.rejected", requestId, userId, connectionId: client.id, code: error.code, frameType }),
    };
    // The one publish path (L9): every appended event reaches the devices, then its follow-ups run.
    this.ledger.subscribe((event) => this.#published(event));
    // M7: the tools cached in SQL are the assistant's from the first turn after a wake, before any connection.
    syncRegistry(this.chat.tools, this.mcp, this.#mcpRegistered);
    this.chat.recover();
    // G8: a room with no events has nothing to schedule and arms no alarm; its first event arms it (#published).
    if (this.ledger.lastSeq > 0) this.schedule.reschedule();
  }

  /** A socket was accepted (its ticket redeemed): nothing app-level is sent before its hello (P3). */
  connect(client: Client): void {
    this.#ports.log("info", { event: "socket.connected", userId: this.#ports.userId, connectionId: client.id });
  }

  /** One JSON frame from a socket (P1–P14). Never throws: a failure is a typed error frame, the socket stays up. */
  frame(client: Client, raw: string): void {
    try {
      handleFrame(this.#sockets, client, raw);
    } catch (error) {
      this.#ports.log("error", { event: "socket.frame_failed", userId: this.#ports.userId, detail: describe(error) });
      reject(client, { code: "internal", message: "internal error" }, this.#ports.newId());
    }
  }

  /**
   * One binary (Yjs) frame (P4, D10–D14): checked for size, rate, the user's
   * budget, shape and dependencies before `apply` hands it to the sync
   * protocol; then the device's edits are repaired if invalid and recorded in
   * the ledger. A refused frame changes nothing and gets a typed error.
   */
  binary(client: Client, bytes: Uint8Array, apply: () => void): void {
    const error = this.#admitBinary(client, bytes);
    if (error) {
      const requestId = this.#ports.newId();
      this.#ports.log("warn", { event: "yjs.refused", requestId, userId: this.#ports.userId, connectionId: client.id, code: error.code, detail: error.message.slice(0, 200) });
      return reject(client, error, requestId);
    }
    apply();
    this.#edits.record();
    if (++this.#binarySinceCompactCheck >= COMPACT_CHECK_EVERY) this.#maybeCompact();
  }

  /** Null when the frame may be applied; cheapest checks first, so a flood costs little (D12). */
  #admitBinary(client: Client, bytes: Uint8Array): AppError | null {
    const { config, now } = this.#ports;
    if (bytes.byteLength > MAX_YJS_FRAME_BYTES) return { code: "too_large", message: `binary frame exceeds ${MAX_YJS_FRAME_BYTES} bytes` };
    const retryAfter = this.#yjsBuckets.admit(client.id, config.rates.yjsFramesPerMinute, now());
    if (retryAfter !== null) return { code: "rate_limited", message: "too many Yjs frames", retryAfter };
    const unread = this.#yjsBudget.admitFrame(bytes.byteLength);
    if (unread) return unread;
    const read = readBinaryFrame(bytes);
    if (!read.ok) {
      this.#yjsBudget.chargeOps(read.decoded ?? 0);
      return { code: read.code, message: read.message };
    }
    const frame = read.frame;
    switch (frame.kind) {
      case "awareness":
        return this.#yjsBudget.takeOps(frame.states);
      case "state-request":
        // Answering encodes what the device lacks — up to the whole document, for a frame of a few bytes.
        return this.#yjsBudget.takeSync(answerSize(this.#ports.doc, frame.stateVector));
      case "update": {
        const shape = this.#shapes.check(frame.structs, frame.ds);
        if (!shape.ok) {
          // Refused after decoding: still charged what was decoded, or a flood of such updates would cost the user nothing.
          this.#yjsBudget.chargeOps(frame.decoded);
          return { code: "invalid_request", message: `Yjs update refused: ${shape.message}` };
        }
        const overOps = this.#yjsBudget.takeOps(shape.ops);
        if (overOps) {
          if (overOps.code === "too_large") this.#yjsBudget.chargeOps(frame.decoded);
          return overOps;
        }
        if (shape.grows && this.docs.storedBytes + bytes.byteLength > config.yjs.maxDocBytes) {
          return { code: "too_large", message: `the document would exceed ${config.yjs.maxDocBytes} bytes; delete something first` };
        }
        return this.#yjsBudget.takeEntries(shape.entries);
      }
    }
  }

  /** A socket closed: the others see the presence change; notifications follow the device in use (S8). */
  close(client: Client): void {
    this.#frameBuckets.forget(client.id);
    this.#yjsBuckets.forget(client.id);
    this.#closing = client.id;
    try {
      if (client.presence) this.knownDevices.left(client.presence.deviceId);
      broadcastPresence(this.#sockets);
      // N5: the moment a device loses its last focused tab (or its last socket) starts its in-use window.
      const devices = currentDevices(this.#sockets);
      const id = client.presence?.deviceId;
      if (id !== undefined && !devices.some((d) => d.deviceId === id)) this.#activity.left(id, client.presence?.focused ?? false);
      else this.#activity.observe(devices);
      this.schedule.deliver();
    } finally {
      this.#closing = null;
    }
    this.#ports.log("info", { event: "socket.closed", userId: this.#ports.userId, connectionId: client.id });
  }

  /** The HTTP API inside the room (H1–H13). */
  request(request: Request, requestId: string): Promise<Response> {
    const { now, userId, config } = this.#ports;
    return handleApi(request, {
      now,
      userId,
      requestId,
      ledger: this.ledger,
      doc: this.#ports.doc,
      devices: () => currentDevices(this.#sockets),
      knownDevices: () => this.knownDevices.list(),
      execute: (command, ctx) => this.execute(command, ctx),
      issueTicket: this.#ports.issueTicket,
      chat: this.chat,
      limits: config.chat,
      admitWrite: () => this.#writeBuckets.admit("user", config.rates.writesPerMinute, now()),
      push: this.#push,
      calendar: this.calendar,
      agenda: (from, to) => this.agenda(from, to),
      mcp: this.mcp,
    });
  }

  /** K20: the merged agenda over [from, to), in the preference zone. */
  agenda(from: number, to: number): AgendaItem[] {
    const state = this.ledger.state;
    return buildAgenda({
      from,
      to,
      timeZone: state.preferences.timezone,
      events: this.#calendar.between(from, to),
      tasks: readTasks(this.#ports.doc),
      reminders: Object.values(state.reminders),
      plans: state.plans,
    });
  }

  /** The room's one alarm: reminders, the daily plan, deferred deliveries, maintenance (S2). Retried on failure; every job is idempotent. */
  async alarm(): Promise<void> {
    const { userId } = this.#ports;
    try {
      const done = await this.schedule.run();
      this.#ports.log("info", { event: "alarm", userId, detail: JSON.stringify(done) });
    } catch (error) {
      this.#ports.log("error", { event: "alarm.failed", userId, detail: describe(error) });
      throw error;
    }
  }

  /** The single write path (L1–L4, D4): the user's actions, the assistant's tools and proposals all come through here. */
  execute(command: Command, ctx: CommandContext): Result<Applied> {
    const started = Date.now();
    const { userId } = this.#ports;
    try {
      const result = executeCommand({ doc: this.#ports.doc, ledger: this.ledger, now: this.#ports.now, turns: this.#turns }, command, ctx);
      this.#ports.log(result.ok ? "info" : "warn", {
        event: "command",
        requestId: ctx.correlationId,
        userId,
        durationMs: Date.now() - started,
        ...(result.ok ? { seq: result.value.seq } : { code: result.error.code }),
      });
      return result;
    } catch (error) {
      this.#ports.log("error", { event: "command.invariant", requestId: ctx.correlationId, userId, detail: describe(error) });
      this.#ports.abort("command failed mid-write; reloading from storage");
      throw error;
    }
  }

  /** Follow-ups of an event, whoever appended it: the alarm moves with reminders and preferences; an ack clears everywhere (S9). */
  #published(event: LedgerEvent): void {
    try {
      if (event.seq === 1) this.schedule.reschedule();
      this.#followUp(event);
    } catch (error) {
      // The event is stored: a failed follow-up must not undo the caller's success (the alarm retries schedule work).
      this.#ports.log("error", { event: "event.follow_up_failed", userId: this.#ports.userId, seq: event.seq, detail: describe(error) });
    }
  }

  #followUp(event: LedgerEvent): void {
    broadcast(this.#sockets, { type: "event", event });
    switch (event.type) {
      case "notification.acked":
        this.schedule.cleared(event.payload.notificationId, event.actor.kind === "user" ? event.actor.deviceId : undefined);
        this.schedule.reschedule();
        return;
      case "reminder.set":
      case "reminder.snoozed":
      case "reminder.dismissed":
      case "reminder.updated":
        this.schedule.reschedule();
        return;
      case "preferences.updated":
        // K6: all-day and floating calendar times are read in the preference zone.
        if (event.payload.patch.timezone !== undefined) this.calendar.zoneChanged();
        this.schedule.reschedule();
        this.schedule.deliver();
        return;
      case "push.subscribed":
        // N9: a notification waiting for a device may now have one.
        this.schedule.deliver();
        return;
      case "turn.undone":
        // D18: its reminders are dismissed and its preferences may be restored; its cancelled proposals lose their buttons everywhere.
        for (const r of event.payload.reverted ?? []) {
          if (r.kind === "calendar.event.removed") this.#unwrite(r.eventId, event);
          if (r.kind !== "proposal.cancelled") continue;
          const tool = this.chat.store.proposal(r.proposalId)?.tool ?? "proposal";
          const action = { id: r.proposalId, tool, status: "rejected" as const, summary: r.summary, proposalId: r.proposalId };
          broadcast(this.#sockets, { type: "llm.action", turnId: event.payload.turnId, action });
        }
        this.schedule.reschedule();
        this.schedule.deliver();
        return;
      default:
        return;
    }
  }

  /**
   * K29: deletes from its calendar an event an undone turn created. It leaves the room, so it runs
   * after the undo is recorded (never blocking a frame); the store records `calendar.event.deleted`
   * with the undo's actor. A calendar that refuses is logged; the event stays until the user deletes it.
   */
  #unwrite(eventId: string, undo: LedgerEvent): void {
    const { userId, log } = this.#ports;
    const work = this.#calendar.writer
      .remove(eventId, { actor: undo.actor, correlationId: undo.correlationId })
      .then((removed) => {
        if (!removed.ok) log("warn", { event: "calendar.undo_failed", userId, code: removed.error.code, detail: `${eventId}: ${removed.error.message}`.slice(0, 200) });
      })
      .catch((error: unknown) => log("error", { event: "calendar.undo_failed", userId, detail: describe(error) }))
      .finally(() => this.#calendarWork.delete(work));
    this.#calendarWork.add(work);
    this.#ports.waitUntil?.(work);
  }

  /** Resolves when the calendar deletions started so far have ended (tests). */
  async calendarIdle(): Promise<void> {
    await Promise.all([...this.#calendarWork]);
  }

  #clients(): readonly Client[] {
    const all = this.#ports.clients();
    return this.#closing === null ? all : all.filter((c) => c.id !== this.#closing);
  }

  #maybeCompact(): void {
    this.#binarySinceCompactCheck = 0;
    if (!this.docs.shouldCompact()) return;
    const { folded } = this.docs.compact();
    this.#ports.log("info", { event: "doc.compacted", userId: this.#ports.userId, detail: `${folded} updates folded` });
  }

  #labelOrigin(origin: unknown): string {
    if (isActorOrigin(origin)) return origin.actorLabel;
    const client = this.#ports.clientOf(origin);
    return client ? actorLabel({ kind: "user", deviceId: deviceIdOf(client) }) : "system";
  }
}

const isActorOrigin = (origin: unknown): origin is { actorLabel: string } =>
  typeof origin === "object" && origin !== null && "actorLabel" in origin && typeof origin.actorLabel === "string";

/** A socket that has not said hello yet is still a device: named by its connection. */
const deviceIdOf = (client: Client) => client.presence?.deviceId ?? `socket:${client.id}`;

function reject(client: Client, error: AppError, requestId: string): void {
  const frame: ServerFrame = { type: "error", requestId, code: error.code, message: error.message };
  if (error.retryAfter !== undefined) frame.retryAfter = error.retryAfter;
  client.send(frame);
}

