import { describe, expect, it } from "vitest";
import { MAX_FRAME_CHARS, parseClientFrame, PROTOCOL_VERSION } from "../../shared/protocol.ts";

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
