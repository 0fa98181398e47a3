import { describe, expect, it } from "vitest";
import { DEFAULT_PREFERENCES, type Device, type LedgerEvent, type Memory, type Message, type Notification, type Plan } from "../../shared/domain.ts";
import { ERROR_STATUS, ErrorBodySchema, ErrorCodeSchema } from "../../shared/errors.ts";
import {
  type ClientFrameInput,
  ClientFrameSchema,
  MAX_FRAME_CHARS,
  parseClientFrame,
  parseServerFrame,
  PROTOCOL_VERSION,
  type ServerFrame,
  ServerFrameSchema,
} from "../../shared/protocol.ts";

const hello = { type: "hello", v: PROTOCOL_VERSION, deviceId: "d1", name: "Laptop", kind: "web" };

describe("Protocol — client frame parsing", () => {
  it("[P2] accepts a well-formed hello and defaults focused to false", () => {
    const parsed = parseClientFrame(JSON.stringify(hello));
    expect(parsed).toEqual({ ok: true, frame: { ...hello, focused: false } });
  });

  it("[P6] accepts each command frame with the HTTP body schemas", () => {
    const frames = [
      { type: "task", rid: "r1", command: { action: "create", task: { title: "Call John" } } },
      { type: "task", command: { action: "complete", taskId: "t1", clientActionId: "abcdefgh" } },
      { type: "memory.pin", command: { type: "place", key: "favorite airport", value: "JFK" } },
      { type: "preferences.update", command: { timezone: "Europe/Paris" } },
      { type: "events.backfill", since: 3, limit: 10 },
      { type: "focus", focused: true },
      { type: "ping" },
    ];
    for (const frame of frames) expect(parseClientFrame(JSON.stringify(frame)).ok, JSON.stringify(frame)).toBe(true);
  });

  const malformed: [string, string, string][] = [
    ["non-JSON", "{not json", "invalid_request"],
    ["a JSON string", '"hello"', "invalid_request"],
    ["null", "null", "invalid_request"],
    ["an array", "[1,2]", "invalid_request"],
    ["unknown type", JSON.stringify({ type: "nuke" }), "invalid_request"],
    ["missing type", JSON.stringify({ v: 1 }), "invalid_request"],
    ["wrong field type", JSON.stringify({ ...hello, v: "1" }), "invalid_request"],
    ["unknown field", JSON.stringify({ ...hello, admin: true }), "invalid_request"],
    ["__proto__ key", `{"type":"ping","__proto__":{"admin":true}}`, "invalid_request"],
    ["deep nesting", `{"type":"ping","x":${"[".repeat(5000)}${"]".repeat(5000)}}`, "invalid_request"],
    ["oversized", JSON.stringify({ type: "ping", pad: "x".repeat(MAX_FRAME_CHARS) }), "too_large"],
    ["empty title", JSON.stringify({ type: "task", command: { action: "create", task: { title: "  " } } }), "invalid_request"],
    ["bad due date", JSON.stringify({ type: "task", command: { action: "create", task: { title: "x", due: "tomorrow" } } }), "invalid_request"],
    ["unknown time zone", JSON.stringify({ type: "preferences.update", command: { timezone: "Mars/Olympus" } }), "invalid_request"],
    ["negative backfill", JSON.stringify({ type: "events.backfill", since: -1 }), "invalid_request"],
  ];

  for (const [name, raw, code] of malformed) {
    it(`[P11] refuses ${name} with ${code}`, () => {
      const parsed = parseClientFrame(raw);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.code).toBe(code);
    });
  }

  it("[P5] echoes a valid rid on a rejected frame, and no other", () => {
    const parsed = parseClientFrame(JSON.stringify({ type: "task", rid: "abc", command: {} }));
    expect(parsed).toMatchObject({ ok: false, rid: "abc" });
    const long = parseClientFrame(JSON.stringify({ type: "task", rid: "x".repeat(500), command: {} }));
    expect(long).toMatchObject({ ok: false, rid: undefined });
  });
});

const ts = "2026-11-21T09:00:00.000Z";
const event: LedgerEvent = { id: "e1", seq: 1, type: "task.created", ts, actor: { kind: "user", deviceId: "d1" }, correlationId: "r1", payload: { task: { id: "t1", title: "Call John", status: "open", due: null, tags: [], order: 1, createdAt: ts, updatedAt: ts, createdBy: "user:d1" } } };
const device: Device = { deviceId: "d1", name: "Laptop", kind: "web", connectedAt: ts, lastSeen: ts, focused: true };
const memory: Memory = { id: "m1", type: "place", key: "airport", value: "JFK", pinnedAt: ts, updatedAt: ts };
const message: Message = { id: "msg1", role: "assistant", text: "Done.", channel: "chat", turnId: "turn1", status: "complete", createdAt: ts };
const plan: Plan = { date: "2026-11-21", createdAt: ts, source: "schedule", items: [{ id: "i1", kind: "priority", text: "Call John", taskId: null, status: "proposed" }] };
const notification: Notification = { id: "n1", kind: "reminder", title: "Call John", body: "now", ref: "r1", createdAt: ts };

/**
 * One frame of each type the room sends, as the room builds them. The mapped type makes this
 * list exhaustive: a frame type added to ServerFrameSchema without a sample here does not compile.
 */
const sent: { [T in ServerFrame["type"]]: Extract<ServerFrame, { type: T }>[] } = {
  welcome: [{ type: "welcome", v: PROTOCOL_VERSION, rid: "h1", userId: "alice", connectionId: "c1", lastEventSeq: 0 }],
  events: [{ type: "events", rid: "b1", events: [event], lastEventSeq: 3, hasMore: true }],
  snapshot: [{ type: "snapshot", snapshot: { memories: [memory], preferences: DEFAULT_PREFERENCES, recentMessages: [message], lastEventSeq: 600 } }],
  event: [{ type: "event", event }],
  presence: [{ type: "presence", devices: [device] }],
  ack: [
    { type: "ack", rid: "a1", result: { id: "t1" }, duplicate: false, seq: 4 },
    { type: "ack", rid: "a2", result: { status: "accepted", messageId: "m", turnId: "t", streamUrl: "/api/v1/stream/t" }, duplicate: true, seq: 4 },
  ],
  pong: [{ type: "pong", rid: "p1", ts }],
  "batch.result": [
    {
      type: "batch.result",
      rid: "b1",
      results: [
        { type: "ack", rid: "b1-0", result: { id: "t1" }, duplicate: false, seq: 5 },
        { type: "error", rid: "b1-1", requestId: "req3", code: "not_found", message: "no such task" },
      ],
    },
  ],
  error: [
    { type: "error", requestId: "req1", code: "invalid_request", message: "send hello first" },
    { type: "error", rid: "x", requestId: "req2", code: "rate_limited", message: "too many frames", retryAfter: 3 },
  ],
  notification: [{ type: "notification", notification }],
  "notification.cleared": [{ type: "notification.cleared", notificationId: "n1" }],
  "plan.available": [{ type: "plan.available", date: "2026-11-21", plan }],
  "architect.progress": [
    { type: "architect.progress", runId: "run1", step: "breakdown", message: "Breaking down “Half marathon”…" },
    { type: "architect.progress", runId: "run1", step: "failed", message: "I couldn't plan “Half marathon”." },
  ],
  "llm.token": [{ type: "llm.token", turnId: "turn1", seq: 0, token: "Hello" }],
  "llm.action": [
    { type: "llm.action", turnId: "turn1", action: { id: "call1", tool: "create_task", status: "done", summary: "Created “Call John”" } },
    { type: "llm.action", turnId: "turn1", action: { id: "call2", tool: "delete_task", status: "proposed", summary: "Delete “x”?", proposalId: "p1", expiresAt: ts } },
  ],
  "llm.completed": [{ type: "llm.completed", turnId: "turn1", messageId: "msg1", text: "Hello" }],
  "llm.interrupted": [{ type: "llm.interrupted", turnId: "turn1", text: "Hel", reason: "stopped" }],
  "llm.failed": [{ type: "llm.failed", turnId: "turn1", code: "rate_limited", message: "daily budget reached; your message is saved", retryAfter: 3600 }],
};
const allSent = Object.values(sent).flat();

describe("Protocol — room frames (ServerFrameSchema)", () => {
  it("[P14] every frame type the room sends parses back to itself after JSON", () => {
    for (const frame of allSent) expect(parseServerFrame(JSON.stringify(frame)), frame.type).toEqual(frame);
    expect(new Set(allSent.map((f) => f.type))).toEqual(new Set(ServerFrameSchema.options.map((o) => o.shape.type.value)));
  });

  it("[P14] a frame of an unknown type, or not a frame at all, is refused and never throws", () => {
    for (const raw of [JSON.stringify({ type: "welcome.v2", v: 2 }), JSON.stringify({ v: 1 }), "null", "[]", '"pong"', "{not json"]) {
      expect(parseServerFrame(raw), raw).toBeNull();
    }
  });

  const bad: [string, string, unknown][] = [
    ["[E2] an error with an unknown code", "error", { type: "error", requestId: "r", code: "teapot", message: "short and stout" }],
    ["[P5] an error without its requestId", "error", { type: "error", code: "internal", message: "x" }],
    ["[C3] an interruption for an unknown reason", "llm.interrupted", { type: "llm.interrupted", turnId: "t", text: "", reason: "bored" }],
    ["[C3] an action card with an unknown status", "llm.action", { ...sent["llm.action"][0], action: { ...sent["llm.action"][0]!.action, status: "maybe" } }],
    ["[C5] a token with a negative seq", "llm.token", { type: "llm.token", turnId: "t", seq: -1, token: "x" }],
    ["[P2] a welcome whose version is a string", "welcome", { ...sent.welcome[0], v: "1" }],
    ["[P6] an ack without rid", "ack", { type: "ack", result: null, duplicate: false, seq: 1 }],
    ["[P7] an event frame with a field it does not declare", "event", { type: "event", event, extra: true }],
    ["[P7] an event whose seq is not positive", "event", { type: "event", event: { ...event, seq: 0 } }],
    ["[P9] presence with a device of an unknown kind", "presence", { type: "presence", devices: [{ ...device, kind: "toaster" }] }],
    ["[S6] a plan for a date that is not a date", "plan.available", { type: "plan.available", date: "tomorrow", plan }],
  ];
  for (const [name, type, frame] of bad) {
    it(`[P14] refuses ${name}`, () => {
      expect(ServerFrameSchema.safeParse(frame).success, `${type}: ${JSON.stringify(frame)}`).toBe(false);
    });
  }

  it("[E2] the error codes are exactly the keys of ERROR_STATUS", () => {
    expect(ErrorCodeSchema.options.toSorted()).toEqual(Object.keys(ERROR_STATUS).toSorted());
    expect(ErrorBodySchema.safeParse({ error: { code: "teapot", message: "x", requestId: "r" } }).success).toBe(false);
  });

  it("[P2][C1] a sender may leave out fields with defaults; the room sees them filled in", () => {
    const frames: ClientFrameInput[] = [
      { type: "hello", v: PROTOCOL_VERSION, deviceId: "d1", name: "Laptop", kind: "web" },
      { type: "message.send", rid: "m1", command: { text: "hi" } },
    ];
    const parsed = frames.map((f) => ClientFrameSchema.parse(f));
    expect(parsed[0]).toMatchObject({ focused: false });
    expect(parsed[1]).toMatchObject({ command: { channel: "chat" } });
  });
});
