/**
 * The room core of one user's brain (DESIGN.md §1, STYLE.md 3 and 14): the
 * room's whole behaviour — a socket connects, sends a JSON frame or a Yjs
 * frame, closes; an HTTP request; the alarm — built once from one ports object.
 * Plain code: no `cloudflare:*` or `partyserver` import. The Durable Object
 * (brain.ts) only adapts the platform to these ports and hooks; tests in Node
 * drive the same class with node:sqlite and fake sockets (tests/unit).
 */
import type { Command } from "../shared/commands.ts";
import { isActorOrigin, readBlocks, readTasks } from "../shared/doc-schema.ts";
import type { Result } from "../shared/errors.ts";
import { handleApi } from "./api/routes.ts";
import { chatTurnPort } from "./chat/turn-port.ts";
import { FollowUps } from "./room-follow-ups.ts";
import type { RoomPorts } from "./room-ports.ts";
import type { ChatEngine } from "./chat/engine.ts";
import { roomChat } from "./room-chat.ts";
import { maintain } from "./chat/retention.ts";
import { type Applied, actorLabel, type CommandContext, executeCommand } from "./core/commands.ts";
import { DeviceEdits } from "./core/device-edits.ts";
import { DocStore } from "./core/doc-store.ts";
import { DocWatch } from "./core/doc-watch.ts";
import { KnownDevices } from "./core/known-devices.ts";
import type { TurnPort } from "./core/undo.ts";
import { Ledger } from "./core/ledger.ts";
import { Buckets } from "./core/rate-limit.ts";
import { broadcast, broadcastPresence, type Client, currentDevices, deviceIdOf, handleFrame, sendError, type SocketDeps } from "./core/sockets.ts";
import { BinaryAdmission } from "./core/binary-admission.ts";
import { describeError as describe } from "./log.ts";
import { composePlan } from "./models.ts";
import { DeviceActivityLog } from "./push/device-activity.ts";
import { type PushApi, pushApi } from "./push/push-api.ts";
import { PushSubscriptions } from "./push/subscriptions.ts";
import { Schedule } from "./schedule/runner.ts";
import { buildAgenda } from "./schedule/agenda.ts";
import { type CalendarPort, NO_CALENDAR } from "./schedule/calendar-port.ts";
import type { AgendaItem } from "../shared/agenda.ts";
import type { Calendar } from "./calendar/calendar.ts";
import { syncRegistry } from "./mcp/chat-tools.ts";
import type { RoomMcpHub } from "./mcp/room-hub.ts";
import { roomCalendar, roomMcp } from "./room-world.ts";
import type { ArchitectRoom } from "./architect/architect-room.ts";
import { architectTool } from "./architect/tool.ts";
import type { ArchitectPort } from "./goals/architect-port.ts";
import type { GoalProposals } from "./goals/structured.ts";
import { roomArchitect, roomGoalProposals } from "./room-goals.ts";
import { roomData } from "./data/room-data.ts";
import { roomVoice } from "./room-voice.ts";
import type { VoiceJobs } from "./voice/jobs.ts";

/** Binary frames between two checks of whether the document should compact (D7). */
const COMPACT_CHECK_EVERY = 100;

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
  #turns: TurnPort = chatTurnPort(() => this.chat.store, () => this.#ports.now()); // what undo asks of the chat (D18)
  readonly pushSubscriptions: PushSubscriptions;
  /** Calendar sources, their sync and the events they hold (K1–K12). */
  readonly calendar: Calendar;
  /** The user's MCP servers and their tools (M1–M14). */
  readonly mcp: RoomMcpHub;
  /** B10–B18: structured proposals (the architect's plans, rescheduling moves). */
  readonly goalProposals: GoalProposals;
  /** B12: where the architect workflow hands its result (one proposal per run): `room.architect.propose(…)`. */
  get architect(): ArchitectPort {
    return this.goalProposals;
  }
  /** B30–B41: the architect runs this room started, and the steps' calls back to it. */
  readonly architectRuns: ArchitectRoom;
  /** V10–V20: voice clips being transcribed, speech, the voice limits. */
  readonly voice: VoiceJobs;
  #mcpRegistered = new Set<string>();
  #activity: DeviceActivityLog;
  #push: PushApi;
  #writeBuckets = new Buckets();
  #frameBuckets = new Buckets();
  #binaryAdmission: BinaryAdmission;
  #binarySinceCompactCheck = 0;
  /** The socket being closed: still listed by the host while its close hook runs. */
  #closing: string | null = null;
  /** The calendars the agenda, the plan and the chat read and write (K20–K28): the store, or a test's stand-in. */
  #calendar: CalendarPort = NO_CALENDAR;
  #followUps: FollowUps;

  /** Loads projections and the document from storage; from here on every document update is persisted in its turn. */
  constructor(ports: RoomPorts) {
    this.#ports = ports;
    const { sql, doc, now, userId } = ports;
    for (const problem of ports.config.problems) ports.log("error", { event: "config.invalid", userId, detail: problem });
    this.ledger = new Ledger(sql, { now });
    this.docs = new DocStore(sql, now);
    this.knownDevices = new KnownDevices(sql, now);
    this.docs.attach(doc, (origin) => this.#labelOrigin(origin));
    this.#binaryAdmission = new BinaryAdmission({ doc, config: ports.config, now, storedBytes: () => this.docs.storedBytes });
    this.#edits = new DeviceEdits({
      watch: new DocWatch(doc, (origin) => origin === DocStore.LOAD_ORIGIN || isActorOrigin(origin)),
      ledger: this.ledger,
      now,
      deviceOf: (batch) => {
        const client = ports.clientOf(batch.origin);
        if (!client) return null;
        return { deviceId: deviceIdOf(client), reject: (error, requestId) => sendError(client, error, requestId) };
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
    // Built before the schedule: reschedule only once it exists.
    this.calendar = roomCalendar(ports, this.ledger, () => this.schedule?.reschedule());
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
        const done = maintain({ sql, ledger: this.ledger, store: this.chat.store, now: now(), index: this.chat.conversations });
        this.schedule.push.prune();
        this.#maybeCompact();
        ports.log("info", { event: "maintenance", userId, detail: JSON.stringify(done) });
      },
      // V15: while a voice job is unfinished the alarm comes back soon, to resume it after an eviction.
      setAlarm: (at) => ports.setAlarm(Math.min(at, this.voice?.wakeAt() ?? at)),
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
    this.mcp = roomMcp(ports, this.ledger, () => syncRegistry(this.chat.tools, this.mcp, this.#mcpRegistered));
    this.goalProposals = roomGoalProposals(ports, this.ledger, {
      chat: () => this.chat,
      busy: (from, to) => this.#calendar.between(from, to).filter((e) => !e.allDay).map((e) => ({ start: e.start, end: e.end })),
    });
    this.chat = roomChat(ports, {
      ledger: this.ledger,
      sockets,
      goalProposals: this.goalProposals,
      mcp: this.mcp,
      calendar: this.calendar,
      calendarPort: this.#calendar,
      execute: (command, ctx) => this.execute(command, ctx),
      agenda: (from, to) => this.agenda(from, to),
      schedule: () => this.schedule,
    });
    this.architectRuns = roomArchitect(ports, this.ledger, {
      chat: () => this.chat,
      tasks,
      broadcast: (frame) => broadcast(sockets, frame),
      proposals: () => this.architect,
    });
    this.chat.tools.register(architectTool(() => this.architectRuns));
    this.voice = roomVoice(ports, this.ledger, { chat: () => this.chat, reschedule: () => this.schedule.reschedule() });
    this.#sockets = {
      userId,
      ledger: this.ledger,
      clients,
      execute: (command, ctx) => this.execute(command, ctx),
      chat: this.chat,
      progress: () => this.architectRuns.catchUp(),
      admit: (client) => this.#frameBuckets.admit(client.id, config.rates.framesPerMinute, now()),
      // R13: a batch of n commands costs what n frames cost; batching saves commits, not the user's rate.
      admitMore: (client, count) => this.#frameBuckets.admit(client.id, config.rates.framesPerMinute, now(), count),
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
    this.#followUps = new FollowUps({
      host: ports,
      ledger: this.ledger,
      sockets,
      schedule: this.schedule,
      calendar: this.calendar,
      calendarWriter: () => this.#calendar.writer,
      chatStore: () => this.chat.store,
    });
    this.ledger.subscribe((event) => this.#followUps.published(event));
    // M7: the tools cached in SQL are the assistant's from the first turn after a wake, before any connection.
    syncRegistry(this.chat.tools, this.mcp, this.#mcpRegistered);
    this.chat.recover();
    this.voice.resume();
    // G8: a room with no events has nothing to schedule and arms no alarm; its first event arms it (FollowUps.published).
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
      sendError(client, { code: "internal", message: "internal error" }, this.#ports.newId());
    }
  }

  /**
   * One binary (Yjs) frame (P4, D10–D14): checked for size, rate, the user's
   * budget, shape and dependencies before `apply` hands it to the sync
   * protocol; then the device's edits are repaired if invalid and recorded in
   * the ledger. A refused frame changes nothing and gets a typed error.
   */
  binary(client: Client, bytes: Uint8Array, apply: () => void): void {
    const error = this.#binaryAdmission.admit(client.id, bytes);
    if (error) {
      const requestId = this.#ports.newId();
      this.#ports.log("warn", { event: "yjs.refused", requestId, userId: this.#ports.userId, connectionId: client.id, code: error.code, detail: error.message.slice(0, 200) });
      return sendError(client, error, requestId);
    }
    // R1–R2: the sync protocol relays the frame to the other devices before its row is written (not held by the
    // output gate); the row, its repair and its ledger event follow in this turn, and what is sent after them waits.
    try {
      this.docs.relayFirst(apply);
    } catch (error) {
      // R4: relayed but not stored — memory is ahead of storage. Restart from storage; the devices that hold the
      // update (the sender, and every device it was relayed to) send it back on their next sync.
      this.#ports.log("error", { event: "doc.write_failed", userId: this.#ports.userId, connectionId: client.id, detail: describe(error) });
      this.#ports.abort("document row not written; reloading from storage");
      throw error;
    }
    this.#edits.record();
    if (++this.#binarySinceCompactCheck >= COMPACT_CHECK_EVERY) this.#maybeCompact();
  }

  /** A socket closed: the others see the presence change; notifications follow the device in use (S8). */
  close(client: Client): void {
    this.#frameBuckets.forget(client.id);
    this.#binaryAdmission.forget(client.id);
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
      data: roomData(this, this.#ports),
      search: this.#followUps.search,
      voice: this.voice,
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
      blocks: readBlocks(this.#ports.doc),
      reminders: Object.values(state.reminders),
      plans: state.plans,
    });
  }

  /** The room's one alarm: reminders, the daily plan, deferred deliveries, maintenance (S2). Retried on failure; every job is idempotent. */
  async alarm(): Promise<void> {
    const { userId } = this.#ports;
    try {
      const done = await this.schedule.run();
      this.voice.resume();
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
      const result = executeCommand({ doc: this.#ports.doc, ledger: this.ledger, now: this.#ports.now, turns: this.#turns, conversations: this.chat.conversationStore }, command, ctx);
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

  /** Resolves when the calendar deletions started so far have ended (tests). */
  calendarIdle(): Promise<void> {
    return this.#followUps.idle();
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
