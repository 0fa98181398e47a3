/**
 * The standing attack suite, idempotency across paths (docs/PROTOCOL.md X5,
 * G2, L3, H7, H14): the same client action sent over HTTP with the key in the
 * body, in the `Idempotency-Key` header, in both, and as a socket frame — in a
 * seeded random order, with duplicates, HTTP requests racing socket frames —
 * is applied once, for every input of the one input table
 * (party/core/inputs.ts). "Once" is checked against a control room that got
 * the action a single time: the same events, nothing more.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { INPUTS, type InputName } from "../../party/core/inputs.ts";
import { AcceptedSchema } from "../../shared/chat.ts";
import type { ServerFrame } from "../../shared/protocol.ts";
import type { JsonValue } from "../support/fuzz.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";
import { type Rng, seededRng } from "../support/random.ts";

const ROUNDS = 8;

type Path = "http-body" | "http-header" | "http-both" | "socket";

/** One action on every path: its HTTP route and body, and its socket frame (absent for HTTP-only inputs). */
type Action = {
  method: "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  /** The HTTP body without its key; null for an input that has none (the key can then only be a header). */
  body: { [key: string]: JsonValue } | null;
  /** The socket frame without `rid` and without the key; null when the input has no frame. */
  frame: { [key: string]: JsonValue } | null;
};

type Setup = { room: FakeRoom; device: FakeSocket; action: Action };

/** A room with one device, made ready for one input: what the input acts on exists. Deterministic, so a control room and a test room start equal. */
type Case = { input: InputName; label: string; env?: Record<string, string>; prepare: (room: FakeRoom, device: FakeSocket) => Promise<Action> };

let requests = 0;

/** A request to the room's HTTP API, as the worker forwards it (the room core's own dispatcher, H14). */
async function http(room: FakeRoom, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const init: RequestInit = { method, headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers } };
  if (body !== undefined) init.body = JSON.stringify(body);
  return room.room.request(new Request(`https://room.test${path}`, init), `http-${++requests}`);
}

/** A setup request's answer, parsed: `{id}` of what it made, or C1's `Accepted`. */
async function ok<T>(res: Promise<Response>, schema: z.ZodType<T>): Promise<T> {
  const r = await res;
  if (r.status >= 300) throw new Error(`setup: ${r.status} ${await r.text()}`);
  return schema.parse(await r.json());
}

const Made = z.looseObject({ id: z.string() });

async function settle(room: FakeRoom): Promise<void> {
  room.flush();
  await room.room.chat.idle();
  room.flush();
}

const idOf = async (res: Promise<Response>) => (await ok(res, Made)).id;

/** A turn of the offline assistant, run to its end; returns its id. */
async function turn(room: FakeRoom, text: string): Promise<string> {
  const { turnId } = await ok(http(room, "POST", "/api/v1/message", { text }), AcceptedSchema);
  await settle(room);
  return turnId;
}

const CASES: Case[] = [
  { input: "task", label: "create", prepare: async () => ({ method: "POST", path: "/api/v1/tasks", body: { action: "create", task: { title: "Call John" } }, frame: { type: "task" } }) },
  {
    input: "task",
    label: "update",
    prepare: async (room) => {
      const taskId = await idOf(http(room, "POST", "/api/v1/tasks", { action: "create", task: { title: "Call John" } }));
      return { method: "POST", path: "/api/v1/tasks", body: { action: "update", taskId, patch: { title: "Call John back" } }, frame: { type: "task" } };
    },
  },
  { input: "note", label: "create", prepare: async () => ({ method: "POST", path: "/api/v1/notes", body: { action: "create", note: { title: "Mood", body: "ok" } }, frame: { type: "note" } }) },
  {
    input: "undo",
    label: "an assistant turn",
    prepare: async (room) => ({ method: "POST", path: "/api/v1/undo", body: { turnId: await turn(room, "remind me to call John tomorrow at 3pm") }, frame: { type: "undo" } }),
  },
  { input: "memory.pin", label: "pin", prepare: async () => ({ method: "POST", path: "/api/v1/memory/pin", body: { type: "place", key: "airport", value: "JFK" }, frame: { type: "memory.pin" } }) },
  {
    input: "memory.unpin",
    label: "unpin (HTTP only)",
    prepare: async (room) => {
      const memoryId = await idOf(http(room, "POST", "/api/v1/memory/pin", { type: "fact", key: "dog", value: "Rex" }));
      return { method: "POST", path: "/api/v1/memory/unpin", body: { memoryId }, frame: null };
    },
  },
  { input: "preferences.update", label: "time zone", prepare: async () => ({ method: "PUT", path: "/api/v1/preferences", body: { timezone: "Europe/Paris" }, frame: { type: "preferences.update" } }) },
  { input: "reminder.set", label: "set", prepare: async () => ({ method: "POST", path: "/api/v1/reminders", body: { at: "2026-11-26T09:00:00Z", title: "Tea" }, frame: { type: "reminder.set" } }) },
  {
    input: "reminder.snooze",
    label: "snooze",
    prepare: async (room) => {
      const reminderId = await idOf(http(room, "POST", "/api/v1/reminders", { at: "2026-11-26T09:00:00Z", title: "Tea" }));
      return { method: "POST", path: `/api/v1/reminders/${reminderId}/snooze`, body: { minutes: 10 }, frame: { type: "reminder.snooze", reminderId } };
    },
  },
  {
    input: "reminder.dismiss",
    label: "dismiss",
    prepare: async (room) => {
      const reminderId = await idOf(http(room, "POST", "/api/v1/reminders", { at: "2026-11-26T09:00:00Z", title: "Tea" }));
      return { method: "POST", path: `/api/v1/reminders/${reminderId}/dismiss`, body: null, frame: { type: "reminder.dismiss", reminderId } };
    },
  },
  {
    input: "reminder.update",
    label: "update",
    prepare: async (room) => {
      const reminderId = await idOf(http(room, "POST", "/api/v1/reminders", { at: "2026-11-26T09:00:00Z", title: "Tea" }));
      return { method: "POST", path: `/api/v1/reminders/${reminderId}/update`, body: { rrule: "FREQ=DAILY;BYHOUR=9;BYMINUTE=0", title: "Tea daily" }, frame: { type: "reminder.update", reminderId } };
    },
  },
  {
    input: "notification.ack",
    label: "ack",
    prepare: async (room) => {
      await ok(http(room, "PUT", "/api/v1/preferences", { notifications: { quietHours: null } }), z.unknown());
      await ok(http(room, "POST", "/api/v1/reminders", { at: new Date(room.clock + 60_000).toISOString(), title: "Tea" }), Made);
      room.clock += 120_000;
      await room.room.alarm();
      room.flush();
      const notificationId = Object.keys(room.room.ledger.state.notifications)[0];
      if (!notificationId) throw new Error("setup: the reminder made no notification");
      return { method: "POST", path: `/api/v1/notifications/${notificationId}/ack`, body: null, frame: { type: "notification.ack", notificationId } };
    },
  },
  {
    input: "plan.item",
    label: "accept",
    prepare: async (room) => {
      await ok(http(room, "POST", "/api/v1/tasks", { action: "create", task: { title: "Call John", due: "2026-11-25" } }), Made);
      await turn(room, "plan my day");
      const plan = Object.values(room.room.ledger.state.plans)[0];
      const item = plan?.items[0];
      if (!plan || !item) throw new Error("setup: no plan");
      return { method: "POST", path: "/api/v1/plan/items", body: { date: plan.date, itemId: item.id, action: "accept" }, frame: { type: "plan.item" } };
    },
  },
  { input: "message.send", label: "send", prepare: async () => ({ method: "POST", path: "/api/v1/message", body: { text: "remember that my favorite airport is JFK" }, frame: { type: "message.send" } }) },
  {
    input: "turn.stop",
    label: "a streaming turn",
    // The offline assistant, slowed down, so the turn is still streaming when the stops arrive.
    env: { OFFLINE_TOKEN_DELAY_MS: "100" },
    prepare: async (room) => {
      const { turnId } = await ok(http(room, "POST", "/api/v1/message", { text: "what's on my agenda today?" }), AcceptedSchema);
      while ((room.room.chat.active?.tokens.length ?? 0) < 1) await new Promise((r) => setTimeout(r, 5));
      return { method: "POST", path: `/api/v1/turns/${turnId}/stop`, body: null, frame: { type: "turn.stop", turnId } };
    },
  },
  {
    input: "proposal.confirm",
    label: "confirm",
    prepare: async (room) => {
      await ok(http(room, "POST", "/api/v1/tasks", { action: "create", task: { title: "Old report" } }), Made);
      await turn(room, "delete old report");
      const proposalId = room.room.chat.store.pendingProposals(room.clock)[0]?.id;
      if (!proposalId) throw new Error("setup: no proposal");
      return { method: "POST", path: `/api/v1/proposals/${proposalId}/confirm`, body: null, frame: { type: "proposal.confirm", proposalId } };
    },
  },
  {
    input: "proposal.reject",
    label: "reject",
    prepare: async (room) => {
      await ok(http(room, "POST", "/api/v1/tasks", { action: "create", task: { title: "Old report" } }), Made);
      await turn(room, "delete old report");
      const proposalId = room.room.chat.store.pendingProposals(room.clock)[0]?.id;
      if (!proposalId) throw new Error("setup: no proposal");
      return { method: "POST", path: `/api/v1/proposals/${proposalId}/reject`, body: null, frame: { type: "proposal.reject", proposalId } };
    },
  },
  // T12: HTTP only here — the frame names its message in `command`, where the HTTP route has it in the path.
  {
    input: "message.regenerate",
    label: "regenerate",
    prepare: async (room) => {
      const turnId = await turn(room, "hello there");
      const reply = room.room.ledger.state.recentMessages.find((m) => m.role === "assistant" && m.turnId === turnId);
      if (!reply) throw new Error("setup: no reply");
      return { method: "POST", path: `/api/v1/messages/${reply.id}/regenerate`, body: {}, frame: null };
    },
  },
  { input: "conversation.create", label: "create", prepare: async () => ({ method: "POST", path: "/api/v1/conversations", body: { title: "Trip" }, frame: { type: "conversation.create" } }) },
  {
    input: "conversation.update",
    label: "rename",
    prepare: async (room) => {
      await ok(http(room, "POST", "/api/v1/conversations", { id: "work", title: "Work" }), Made);
      return { method: "PATCH", path: "/api/v1/conversations/work", body: { title: "Work, Q4" }, frame: { type: "conversation.update", conversationId: "work" } };
    },
  },
  {
    // T6: an empty conversation is deleted at once; its frame carries no key, so a repeat finds nothing (404).
    input: "conversation.delete",
    label: "delete small",
    prepare: async (room) => {
      await ok(http(room, "POST", "/api/v1/conversations", { id: "tiny", title: "Tiny" }), Made);
      return { method: "DELETE", path: "/api/v1/conversations/tiny", body: null, frame: { type: "conversation.delete", conversationId: "tiny" } };
    },
  },
];

async function prepared(c: Case): Promise<Setup> {
  const room = new FakeRoom({ env: c.env });
  const device = room.connect();
  device.hello("phone");
  const action = await c.prepare(room, device);
  // Not chat.idle(): a turn.stop case leaves its turn streaming on purpose.
  room.flush();
  return { room, device, action };
}

/** Where an action can go: the key rides in the body, the header, both, or the frame (H7, P6); bodiless inputs take it only as a header. */
function pathsOf(action: Action): Path[] {
  const paths: Path[] = action.body === null ? ["http-header"] : ["http-body", "http-header", "http-both"];
  if (action.frame) paths.push("socket");
  return paths;
}

type Outcome = { path: Path; status: "fresh" | "duplicate" | string; result?: unknown };

/** Sends the action on `path` with key `key`; HTTP answers come back later, frames on flush. */
function send(s: Setup, path: Path, key: string, rid: string): Promise<Outcome> {
  const { action, room, device } = s;
  if (path === "socket") {
    const frame = action.frame!;
    const message = action.body === null ? { ...frame, rid } : { ...frame, rid, command: { ...action.body, clientActionId: key } };
    device.sendRaw(JSON.stringify(message));
    device.flushOut();
    return Promise.resolve().then(() => {
      room.flush();
      const answer = device.received.find((f): f is Extract<ServerFrame, { type: "ack" | "error" }> => (f.type === "ack" || f.type === "error") && f.rid === rid);
      if (!answer) return { path, status: "no answer" };
      if (answer.type === "error") return { path, status: answer.code };
      return { path, status: answer.duplicate ? "duplicate" : "fresh", result: answer.result };
    });
  }
  const headers: Record<string, string> = path === "http-body" ? {} : { "idempotency-key": key };
  const body = action.body === null ? undefined : path === "http-header" ? action.body : { ...action.body, clientActionId: key };
  return http(room, action.method, action.path, body, headers).then(async (res) => {
    const json: unknown = await res.json();
    if (res.status >= 400) return { path, status: String(res.status) };
    return { path, status: res.headers.get("idempotent-replayed") === "true" ? "duplicate" : "fresh", result: json };
  });
}

/** What the action recorded: the types of the events appended after setup, in order. */
const eventsAfter = (room: FakeRoom, seq: number) => room.room.ledger.since(seq, 10_000).map((e) => e.type);

/** Single-use inputs (C7, C8) answer a repeat with 409; a keyless repeat of a dismiss or an ack finds nothing (404). */
const REPEAT_ERRORS = new Set(["409", "conflict", "404", "not_found"]);

async function round(c: Case, rng: Rng, n: number): Promise<{ sends: number; problems: string[] }> {
  const control = await prepared(c);
  const controlSeq = control.room.room.ledger.lastSeq;
  const once = await send(control, control.action.body === null ? "http-header" : "http-body", `action-key-${n}`, "once");
  await settle(control.room);
  const expected = eventsAfter(control.room, controlSeq);

  const s = await prepared(c);
  const seq = s.room.room.ledger.lastSeq;
  const paths = pathsOf(s.action);
  const plan = Array.from({ length: 2 + rng.int(5) }, () => rng.pick(paths));
  // HTTP requests and socket frames in flight together, in the seeded order.
  const outcomes = await Promise.all(plan.map((path, i) => send(s, path, `action-key-${n}`, `r${i}`)));
  await settle(s.room);
  const got = eventsAfter(s.room, seq);
  const problems: string[] = [];
  const where = `${c.input} (${c.label}) via ${plan.join(", ")}`;
  if (once.status !== "fresh") problems.push(`${where}: the control send was ${once.status}`);
  if (JSON.stringify(got) !== JSON.stringify(expected)) problems.push(`${where}: events ${JSON.stringify(got)}, once ${JSON.stringify(expected)}`);
  const fresh = outcomes.filter((o) => o.status === "fresh");
  if (fresh.length !== 1) problems.push(`${where}: ${fresh.length} fresh answers: ${JSON.stringify(outcomes.map((o) => `${o.path}:${o.status}`))}`);
  for (const o of outcomes) {
    if (o.status === "duplicate" && JSON.stringify(o.result) !== JSON.stringify(fresh[0]?.result)) problems.push(`${where}: a duplicate answered another result`);
    if (o.status !== "fresh" && o.status !== "duplicate" && !REPEAT_ERRORS.has(o.status)) problems.push(`${where}: ${o.path} answered ${o.status}`);
  }
  return { sends: plan.length, problems };
}

describe("Security — one client action, every path, applied once", () => {
  it("[X5] every input of the input table has a case here", () => {
    expect([...new Set(CASES.map((c) => c.input))].sort()).toEqual(Object.keys(INPUTS).sort());
  });

  it(`[X5][G2][L3][H7][H14] seeded: each input sent 2–6 times over HTTP (body, header, both) and the socket, racing, is applied once`, async () => {
    const rng = seededRng("security idempotency across paths");
    const problems: string[] = [];
    let sends = 0;
    let n = 0;
    for (const c of CASES) {
      for (let r = 0; r < ROUNDS; r++) {
        const result = await round(c, rng, ++n);
        sends += result.sends;
        problems.push(...result.problems);
      }
    }
    console.log(`[X5] idempotency: ${CASES.length} actions of ${Object.keys(INPUTS).length} inputs × ${ROUNDS} seeded orders, ${sends} sends (${sends - n} repeats); applied more than once or answered wrongly ${problems.length}`);
    expect(problems.slice(0, 5), `seed ${rng.seed}`).toEqual([]);
  }, 120_000);
});
