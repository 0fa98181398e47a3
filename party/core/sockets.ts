/**
 * The JSON side of a socket (docs/PROTOCOL.md P1–P14), independent of the
 * Durable Object: the room adapts its connections to `Client` and calls
 * `handleFrame` for every custom message. No frame can throw out of here;
 * every failure becomes a typed error frame and the socket stays up.
 */
import { cardsAt } from "../../shared/action-card.ts";
import type { Command } from "../../shared/commands.ts";
import type { LlmFrame } from "../../shared/chat.ts";
import { type Device, TimeZoneSchema } from "../../shared/domain.ts";
import type { AppError, Result } from "../../shared/errors.ts";
import {
  type BatchedFrame,
  CLOSE_CODES,
  type ClientFrame,
  type HelloFrame,
  parseClientFrame,
  PROTOCOL_VERSION,
  type ServerFrame,
} from "../../shared/protocol.ts";
import type { Applied, CommandContext } from "./commands.ts";
import { applyInput, type ChatPort, clientActionIdOf, type InputName, isInputName } from "./inputs.ts";
import type { Ledger } from "./ledger.ts";
import { memoriesOf } from "./projections.ts";
import { devicesOf, LAST_SEEN_RESOLUTION_MS, samePresence, type SocketPresence } from "./presence.ts";

/** A client further behind than this gets a snapshot instead of events (P8). */
export const BACKFILL_MAX_EVENTS = 500;

export interface Client {
  readonly id: string;
  /** Set by hello; null until then. */
  readonly presence: SocketPresence | null;
  /** Browser and OS from the socket's upgrade request (P16); optional: hosts and fakes without one leave it out. */
  readonly platform?: string;
  setPresence(presence: SocketPresence): void;
  send(frame: ServerFrame): void;
  /** Sends a frame already serialized, so a broadcast stringifies once, not once per device. */
  sendJson(json: string): void;
  close(code: number, reason: string): void;
}

export type SocketDeps = {
  userId: string;
  ledger: Ledger;
  /** Rate limit of a batch's items beyond the first (R13): the frame itself was admitted by `admit`. */
  admitMore?: (client: Client, count: number) => number | null;
  clients: () => Iterable<Client>;
  execute: (command: Command, ctx: CommandContext) => Result<Applied>;
  /** The chat engine: the chat inputs (C1–C8) and the catch-up of a device joining mid-stream (C5). */
  chat: ChatPort & { catchUp(resume?: { turnId: string; seq: number }): LlmFrame[] };
  /** Rate limit per socket; returns seconds to wait when over. */
  admit: (client: Client) => number | null;
  now: () => number;
  /** Called after presence changed (hello, focus): notifications follow the device in use (S8). */
  onPresence?: () => void;
  /** B48: progress lines of work still running, sent to a device after its hello. */
  progress?: () => ServerFrame[];
  newRequestId: () => string;
  onError: (client: Client, requestId: string, error: AppError, frameType?: string) => void;
};

function helloedClients(deps: Pick<SocketDeps, "clients">): Client[] {
  return [...deps.clients()].filter((c) => c.presence !== null);
}

export function currentDevices(deps: Pick<SocketDeps, "clients">): Device[] {
  return devicesOf(helloedClients(deps).map((c) => c.presence!));
}

/** The `event` frames of a batch frame being applied, held to go out as one `events` frame (R19). */
type Envelope = Extract<ServerFrame, { type: "event" }>["event"];
let held: { clients: SocketDeps["clients"]; events: Envelope[]; lastSeq: () => number } | null = null;

/** Sends to every client that said hello (P3: nothing app-level reaches a socket before its welcome). */
export function broadcast(deps: Pick<SocketDeps, "clients">, frame: ServerFrame): void {
  if (held !== null && held.clients === deps.clients) {
    if (frame.type === "event") {
      held.events.push(frame.event);
      return;
    }
    // Anything else broadcast meanwhile (a follow-up's frame) goes after the events held before it, as it would unheld.
    flushHeld();
  }
  sendAll(deps, JSON.stringify(frame));
}

function sendAll(deps: Pick<SocketDeps, "clients">, json: string): void {
  // Per token at 50 devices: no filtered copy of the client list.
  for (const client of deps.clients()) if (client.presence !== null) client.sendJson(json);
}

function flushHeld(): void {
  if (held === null || held.events.length === 0) return;
  const { clients, events, lastSeq } = held;
  held.events = [];
  // One event alone keeps its usual `event` frame; several are one page of `events` (P8's frame, folded alike by clients).
  const frame: ServerFrame = events.length === 1 ? { type: "event", event: events[0]! } : { type: "events", events, lastEventSeq: lastSeq(), hasMore: false };
  sendAll({ clients }, JSON.stringify(frame));
}

/**
 * R19: runs `fn` (a batch frame's transaction, which publishes its events after
 * the commit) with the room's `event` broadcasts held, then sends them as one
 * `events` frame — before whatever the caller sends next (the `batch.result`, R11).
 * Synchronous, so nothing of another turn interleaves.
 */
function coalescingEvents<T>(deps: Pick<SocketDeps, "clients" | "ledger">, fn: () => T): T {
  if (held !== null) return fn();
  held = { clients: deps.clients, events: [], lastSeq: () => deps.ledger.lastSeq };
  try {
    return fn();
  } finally {
    try {
      flushHeld();
    } finally {
      held = null;
    }
  }
}

export function broadcastPresence(deps: Pick<SocketDeps, "clients">): void {
  broadcast(deps, { type: "presence", devices: currentDevices(deps) });
}

export function handleFrame(deps: SocketDeps, client: Client, raw: string): void {
  const requestId = deps.newRequestId();
  const reject = (error: AppError, rid?: string, frameType?: string) => {
    const frame: ServerFrame = { type: "error", requestId, code: error.code, message: error.message };
    if (rid !== undefined) frame.rid = rid;
    if (error.retryAfter !== undefined) frame.retryAfter = error.retryAfter;
    client.send(frame);
    deps.onError(client, requestId, error, frameType);
  };

  const retryAfter = deps.admit(client);
  if (retryAfter !== null) return reject({ code: "rate_limited", message: "too many frames", retryAfter });

  const parsed = parseClientFrame(raw);
  if (!parsed.ok && parsed.helloVersion !== undefined && parsed.helloVersion !== PROTOCOL_VERSION) {
    return client.close(CLOSE_CODES.protocolMismatch, `protocol ${parsed.helloVersion} unsupported; this room speaks ${PROTOCOL_VERSION}`);
  }
  if (!parsed.ok) return reject({ code: parsed.code, message: parsed.message }, parsed.rid);
  const frame = parsed.frame;

  if (frame.type === "hello") return hello(deps, client, frame, requestId);
  if (client.presence === null) {
    return reject({ code: "invalid_request", message: "send hello first" }, frame.rid, frame.type);
  }
  touch(deps, client);

  if (isInputFrame(frame)) {
    // G2: the same table as the HTTP routes; the frame's own key is the action's key.
    const ctx: CommandContext = {
      actor: { kind: "user", deviceId: client.presence.deviceId },
      correlationId: requestId,
      clientActionId: clientActionIdOf(frame),
    };
    const result = applyInput(deps, frame.type, frame, ctx);
    if (!result.ok) return reject(result.error, frame.rid, frame.type);
    const { result: value, duplicate, seq } = result.value;
    return client.send({ type: "ack", rid: frame.rid ?? requestId, result: value, duplicate, seq });
  }

  switch (frame.type) {
    case "batch":
      return batch(deps, client, frame.frames, frame.rid ?? requestId, requestId);
    case "ping":
      return client.send(withRid({ type: "pong", ts: new Date(deps.now()).toISOString() }, frame.rid));
    case "focus": {
      const before = currentDevices(deps);
      client.setPresence({ ...client.presence, focused: frame.focused });
      if (!samePresence(before, currentDevices(deps))) {
        broadcastPresence(deps);
        deps.onPresence?.();
      }
      return;
    }
    case "events.backfill":
      return page(deps, client, frame.since, frame.limit ?? BACKFILL_MAX_EVENTS, frame.rid);
    default: {
      const unknown: never = frame;
      throw new Error(`unhandled frame ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * R10–R14: a batch's commands run in order inside one ledger transaction, so
 * the room commits once and answers once: `batch.result`, sent after the
 * transaction — behind the output gate, like a single ack (R7). An item
 * refused by validation or a conflict changed nothing (L1) and is an error in
 * its place; the others apply. An invariant broken mid-batch throws: the
 * transaction rolls back whole and nothing is answered but an internal error.
 */
function batch(deps: SocketDeps, client: Client, frames: readonly BatchedFrame[], rid: string, requestId: string): void {
  const more = frames.length - 1;
  const retryAfter = more > 0 ? (deps.admitMore?.(client, more) ?? null) : null;
  if (retryAfter !== null) {
    const error: AppError = { code: "rate_limited", message: "too many commands", retryAfter };
    client.send({ type: "error", rid, requestId, code: error.code, message: error.message, retryAfter });
    return deps.onError(client, requestId, error, "batch");
  }
  const deviceId = client.presence!.deviceId;
  type Answer = Extract<ServerFrame, { type: "batch.result" }>["results"][number];
  const results = coalescingEvents(deps, () => deps.ledger.transaction(() => {
    deps.ledger.prefetchActions(frames.flatMap((frame) => clientActionIdOf(frame) ?? []));
    return frames.map((frame, i): Answer => {
      const itemId = `${requestId}.${i}`;
      const ctx: CommandContext = { actor: { kind: "user", deviceId }, correlationId: itemId, clientActionId: clientActionIdOf(frame) };
      const applied = applyInput(deps, frame.type, frame, ctx);
      const itemRid = frame.rid ?? itemId;
      if (!applied.ok) {
        deps.onError(client, itemId, applied.error, frame.type);
        const error: Answer = { type: "error", rid: itemRid, requestId: itemId, code: applied.error.code, message: applied.error.message };
        if (applied.error.retryAfter !== undefined) error.retryAfter = applied.error.retryAfter;
        return error;
      }
      const { result, duplicate, seq } = applied.value;
      return { type: "ack", rid: itemRid, result, duplicate, seq };
    });
  }));
  client.send({ type: "batch.result", rid, results });
}

/** A frame that is one of the inputs (P6, C1, C7, C8, S4, S6, S9); the rest are the socket's own. */
type InputFrame = Extract<ClientFrame, { type: InputName }>;
const isInputFrame = (frame: ClientFrame): frame is InputFrame => isInputName(frame.type);

function withRid<F extends ServerFrame>(frame: F, rid: string | undefined): F {
  return rid === undefined ? frame : { ...frame, rid };
}

function hello(deps: SocketDeps, client: Client, frame: HelloFrame, requestId: string): void {
  if (frame.v !== PROTOCOL_VERSION) {
    client.close(CLOSE_CODES.protocolMismatch, `protocol ${frame.v} unsupported; this room speaks ${PROTOCOL_VERSION}`);
    return;
  }
  const now = new Date(deps.now()).toISOString();
  client.setPresence({
    deviceId: frame.deviceId,
    name: frame.name,
    kind: frame.kind,
    connectedAt: client.presence?.connectedAt ?? now,
    lastSeen: now,
    focused: frame.focused,
    ...(client.platform ? { platform: client.platform } : {}),
  });
  client.send(
    withRid(
      { type: "welcome", v: PROTOCOL_VERSION, userId: deps.userId, connectionId: client.id, lastEventSeq: deps.ledger.lastSeq },
      frame.rid,
    ),
  );
  if (frame.lastEventSeq !== undefined && frame.lastEventSeq < deps.ledger.lastSeq) {
    backfill(deps, client, frame.lastEventSeq, BACKFILL_MAX_EVENTS, undefined);
  }
  // C5: a device joining mid-stream gets the reply so far, then the rest as it comes.
  for (const token of deps.chat.catchUp(frame.resume)) client.send(token);
  // B48: and the latest line of work still running (an architect run's progress).
  for (const line of deps.progress?.() ?? []) client.send(line);
  adoptZone(deps, frame, requestId);
  broadcastPresence(deps);
  deps.onPresence?.();
}

/**
 * S12: the first device to say hello with a zone sets the user's zone, unless
 * one was already set (by a device or by the user); its `preferences.updated`
 * is recorded before any later frame of this socket is read, so a message sent
 * right after the hello is already read in that zone. Later devices in another
 * zone are not obeyed: the web app offers them the switch (W5).
 */
function adoptZone(deps: SocketDeps, frame: HelloFrame, requestId: string): void {
  const zone = frame.timeZone;
  const prefs = deps.ledger.state.preferences;
  if (zone === undefined || prefs.timezoneSource !== "default" || !TimeZoneSchema.safeParse(zone).success) return;
  const actor = { kind: "user" as const, deviceId: frame.deviceId };
  // The only refusal possible here is a conflict with a zone set meanwhile: nothing to tell the device, its view shows the zone in force.
  deps.execute({ kind: "preferences.update", patch: { timezone: zone, timezoneSource: "device" } }, { actor, correlationId: requestId });
}

/** P8: on hello, the events after `since`, or one snapshot when the client is more than BACKFILL_MAX_EVENTS behind. */
function backfill(deps: SocketDeps, client: Client, since: number, limit: number, rid: string | undefined): void {
  const last = deps.ledger.lastSeq;
  if (last - since > BACKFILL_MAX_EVENTS) {
    const state = deps.ledger.state;
    client.send(
      withRid(
        {
          type: "snapshot",
          snapshot: {
            memories: memoriesOf(state),
            preferences: state.preferences,
            recentMessages: state.recentMessages.map((m) => cardsAt(m, deps.now())),
            lastEventSeq: state.lastEventSeq,
          },
        },
        rid,
      ),
    );
    return;
  }
  page(deps, client, since, limit, rid);
}

/** L7: one page of events after `since`; `events.backfill` always pages, however far behind. */
function page(deps: SocketDeps, client: Client, since: number, limit: number, rid: string | undefined): void {
  const last = deps.ledger.lastSeq;
  const events = deps.ledger.since(since, limit);
  const upTo = events.at(-1)?.seq ?? since;
  client.send(withRid({ type: "events", events, lastEventSeq: last, hasMore: upTo < last }, rid));
}

function touch(deps: SocketDeps, client: Client): void {
  const presence = client.presence!;
  const now = deps.now();
  if (now - Date.parse(presence.lastSeen) >= LAST_SEEN_RESOLUTION_MS) {
    client.setPresence({ ...presence, lastSeen: new Date(now).toISOString() });
  }
}

/** A socket that has not said hello yet is still a device: named by its connection. */
export const deviceIdOf = (client: Client) => client.presence?.deviceId ?? `socket:${client.id}`;

/** A typed error for one socket, outside a JSON frame's handling (a refused Yjs frame, a refused device edit). */
export function sendError(client: Client, error: AppError, requestId: string): void {
  const frame: ServerFrame = { type: "error", requestId, code: error.code, message: error.message };
  if (error.retryAfter !== undefined) frame.retryAfter = error.retryAfter;
  client.send(frame);
}
