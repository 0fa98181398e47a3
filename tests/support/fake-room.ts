/**
 * The room core (party/room.ts) in plain Node: node:sqlite for storage, a
 * Y.Doc, a clock the test moves, and fake sockets that deliver only on
 * `flush()` (STYLE.md 6, after tldraw's TestSocketPair). Nothing is delivered
 * behind the test's back, so races — two devices confirming one proposal, a
 * frame crossing a broadcast — are written out step by step and replayable.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import type { ClientFrameInput, ServerFrame } from "../../shared/protocol.ts";
import { PROTOCOL_VERSION, ServerFrameSchema } from "../../shared/protocol.ts";
import { parseConfig, type RoomConfig } from "../../party/config.ts";
import type { PushPort } from "../../party/push/sender.ts";
import type { SocketPresence } from "../../party/core/presence.ts";
import type { Client } from "../../party/core/sockets.ts";
import { issueTicket, ticketKey } from "../../party/core/tickets.ts";
import { Room } from "../../party/room.ts";
import type { RoomPorts } from "../../party/room-ports.ts";
import type { CalendarPort } from "../../party/schedule/calendar-port.ts";
import { nodeSql } from "./node-sql.ts";
import type { VoiceProviders } from "../../party/voice/types.ts";

/**
 * One device's socket. Frames the room sends wait in `#inbound` and frames
 * the device sends wait in `#outbound` until `flush()`; the room's frames are
 * checked against the protocol's schema as they arrive (P-rules).
 */
export class FakeSocket implements Client {
  readonly id: string;
  presence: SocketPresence | null = null;
  /** What the host reads from the upgrade request's user agent (P16); set it before the hello. */
  platform?: string;
  /** Frames delivered to the device so far, in order. */
  readonly received: ServerFrame[] = [];
  closed: { code: number; reason: string } | null = null;
  #inbound: string[] = [];
  #outbound: ({ kind: "json"; raw: string } | { kind: "binary"; bytes: Uint8Array })[] = [];
  #room: FakeRoom;

  constructor(room: FakeRoom, id: string) {
    this.#room = room;
    this.id = id;
  }

  setPresence(presence: SocketPresence): void {
    this.presence = presence;
  }

  send(frame: ServerFrame): void {
    this.#inbound.push(JSON.stringify(frame));
  }

  sendJson(json: string): void {
    this.#inbound.push(json);
  }

  close(code: number, reason: string): void {
    this.closed = { code, reason };
    this.#room.disconnect(this);
  }

  /** Queues a frame from the device to the room. */
  sendFrame(frame: ClientFrameInput): void {
    this.#outbound.push({ kind: "json", raw: JSON.stringify(frame) });
  }

  /** Queues a raw string, for malformed input. */
  sendRaw(raw: string): void {
    this.#outbound.push({ kind: "json", raw });
  }

  /** Queues a Yjs update from this device's document, as a y-protocols sync message. */
  sendUpdate(update: Uint8Array): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeUpdate(encoder, update);
    this.#outbound.push({ kind: "binary", bytes: encoding.toUint8Array(encoder) });
  }

  /** Queues a binary frame as it is: hostile or malformed ones included (D10–D14). */
  sendBinary(bytes: Uint8Array): void {
    this.#outbound.push({ kind: "binary", bytes });
  }

  /** Delivers what the device sent to the room, in order. Returns how many frames went. */
  flushOut(): number {
    const batch = this.#outbound.splice(0);
    for (const item of batch) {
      if (this.closed) break;
      if (item.kind === "json") this.#room.room.frame(this, item.raw);
      else this.#room.room.binary(this, item.bytes, () => this.#room.applySync(this, item.bytes));
    }
    return batch.length;
  }

  /** Delivers what the room sent to the device, each frame parsed with ServerFrameSchema. */
  flushIn(): ServerFrame[] {
    const delivered = this.#inbound.splice(0).map((raw) => {
      const parsed = ServerFrameSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) throw new Error(`the room sent a frame outside the protocol: ${raw.slice(0, 300)}`);
      return parsed.data;
    });
    this.received.push(...delivered);
    return delivered;
  }

  /** Frames of one type delivered so far. */
  of<T extends ServerFrame["type"]>(type: T): Extract<ServerFrame, { type: T }>[] {
    return this.received.filter((f): f is Extract<ServerFrame, { type: T }> => f.type === type);
  }

  /** Says hello and flushes both ways; returns the welcome. */
  hello(deviceId: string, over: Partial<Extract<ClientFrameInput, { type: "hello" }>> = {}): Extract<ServerFrame, { type: "welcome" }> {
    this.sendFrame({ type: "hello", v: PROTOCOL_VERSION, deviceId, name: deviceId, kind: "web", ...over });
    this.flushOut();
    this.flushIn();
    const welcome = this.of("welcome").at(-1);
    if (!welcome) throw new Error(`no welcome for ${deviceId}: ${JSON.stringify(this.received.at(-1))}`);
    return welcome;
  }
}

/** `sql`: an existing database, to start a room again over what another one stored (a restart). */
export type FakeRoomOptions = {
  userId?: string;
  now?: number;
  env?: Record<string, string>;
  sql?: ReturnType<typeof nodeSql>;
  /** The host's Web Push sender (N13); set VAPID_* in `env` too, or push stays off. */
  push?: PushPort;
  /** Calendars in place of the room's store (agenda tests). */
  calendar?: CalendarPort;
  /** The host's network for calendar syncs (K4). */
  fetch?: typeof fetch;
  /** The host's voice providers (V6–V10); absent, server voice is off. */
  voice?: () => VoiceProviders;
};

/** A room core with a movable clock and fake sockets; `flush()` runs every queue until nothing moves. */
export class FakeRoom {
  readonly sql: ReturnType<typeof nodeSql>;
  readonly doc = new Y.Doc();
  readonly room: Room;
  readonly config: RoomConfig;
  readonly logs: { level: string; event: string; code?: string }[] = [];
  /** Exceptions Yjs threw on a device's frame, which the host would log with their stack (applySync, with `collectYjsErrors`). */
  readonly yjsErrors: unknown[] = [];
  /** Catch Yjs exceptions on device frames as the host does, into `yjsErrors`, instead of throwing them to the test. */
  collectYjsErrors = false;
  alarmAt: number | null = null;
  clock: number;
  #sockets: FakeSocket[] = [];
  #next = 0;
  #ids = 0;

  constructor(options: FakeRoomOptions = {}) {
    this.sql = options.sql ?? nodeSql();
    this.clock = options.now ?? Date.parse("2026-11-25T10:00:00.000Z");
    this.config = parseConfig({ LLM_PROVIDER: "offline", OFFLINE_TOKEN_DELAY_MS: "0", ...options.env });
    const userId = options.userId ?? "alice";
    const ports: RoomPorts = {
      userId,
      sql: this.sql,
      doc: this.doc,
      now: () => this.clock,
      clients: () => this.#sockets,
      clientOf: (origin) => this.#sockets.find((s) => s === origin) ?? null,
      setAlarm: (at) => {
        this.alarmAt = at;
      },
      log: (level, fields) => this.logs.push({ level, event: fields.event, code: fields.code }),
      abort: (reason) => {
        throw new Error(`room aborted: ${reason}`);
      },
      newId: () => `req-${++this.#ids}`,
      issueTicket: async () => issueTicket(await ticketKey("fake-room-ticket-secret-0123456789abcdef"), userId, this.clock),
      config: this.config,
      ...(options.push ? { push: options.push } : {}),
      ...(options.calendar ? { calendar: options.calendar } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.voice ? { voice: options.voice } : {}),
    };
    this.room = new Room(ports);
  }

  /** A new socket, accepted by the room (as after a redeemed ticket). */
  connect(): FakeSocket {
    const socket = new FakeSocket(this, `conn-${++this.#next}`);
    this.#sockets = [...this.#sockets, socket];
    this.room.connect(socket);
    return socket;
  }

  disconnect(socket: FakeSocket): void {
    if (!this.#sockets.includes(socket)) return;
    this.room.close(socket);
    this.#sockets = this.#sockets.filter((s) => s !== socket);
  }

  get sockets(): readonly FakeSocket[] {
    return this.#sockets;
  }

  /** Delivers every queued frame both ways until nothing is left (device → room first). */
  flush(): void {
    for (;;) {
      let moved = 0;
      for (const socket of this.#sockets) moved += socket.flushOut();
      for (const socket of this.#sockets) moved += socket.flushIn().length;
      if (moved === 0) return;
    }
  }

  /**
   * What y-partyserver does with a sync frame: apply it to the room's document
   * with the connection as origin. With `collectYjsErrors`, a Yjs exception is
   * caught as y-partyserver catches it (and logs it with its stack) and lands
   * in `yjsErrors`, which a guarded room keeps empty (D10); otherwise it is
   * thrown to the test.
   */
  applySync(socket: FakeSocket, bytes: Uint8Array): void {
    const collect = this.collectYjsErrors ? (error: unknown) => this.yjsErrors.push(error) : undefined;
    try {
      const decoder = decoding.createDecoder(bytes);
      // The first varuint is the message kind (0 = sync, 1 = awareness); the rest is a y-protocols sync message.
      if (decoding.readVarUint(decoder) !== 0) return;
      syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), this.doc, socket, collect);
    } catch (error) {
      if (!collect) throw error;
      collect(error);
    }
  }
}
