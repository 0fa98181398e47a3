import { afterEach, describe, expect, it, vi } from "vitest";
import { callCost, overBudget, tokensToCharge, toolUses } from "../../party/chat/budget.ts";
import { isEnded, TIMEOUT_FAILURE, transition, TURN_IDLE_TIMEOUT_MS, type TurnEvent, type TurnFailure, type TurnState } from "../../party/chat/turn.ts";
import { watchdog } from "../../party/chat/watchdog.ts";
import { seededRng } from "../support/random.ts";

const T = "turn-1";
const NOW = 1_000;
const BOOM: TurnFailure = { code: "provider_error", message: "the assistant is unavailable right now; your message is saved — try again" };

const STATES: Record<string, TurnState> = {
  queued: { status: "queued", turnId: T },
  streaming: { status: "streaming", turnId: T, startedAt: 10 },
  "stopping (stopped)": { status: "stopping", turnId: T, startedAt: 10, reason: "stopped" },
  "stopping (timeout)": { status: "stopping", turnId: T, startedAt: 10, reason: "timeout" },
  completed: { status: "completed", turnId: T, endedAt: 20 },
  interrupted: { status: "interrupted", turnId: T, endedAt: 20, reason: "stopped" },
  failed: { status: "failed", turnId: T, endedAt: 20, failure: BOOM },
};

const EVENTS: Record<TurnEvent["type"], TurnEvent> = {
  start: { type: "start" },
  stop: { type: "stop" },
  stall: { type: "stall" },
  finish: { type: "finish" },
  fail: { type: "fail", failure: BOOM },
  restart: { type: "restart" },
};

/** What each state becomes on each event; "ignored" means the very same state object comes back. */
const EXPECTED: Record<string, Record<TurnEvent["type"], TurnState | "ignored">> = {
  queued: {
    start: { status: "streaming", turnId: T, startedAt: NOW },
    stop: { status: "interrupted", turnId: T, endedAt: NOW, reason: "stopped" },
    stall: "ignored",
    finish: "ignored",
    fail: { status: "failed", turnId: T, endedAt: NOW, failure: BOOM },
    restart: "ignored",
  },
  streaming: {
    start: "ignored",
    stop: { status: "stopping", turnId: T, startedAt: 10, reason: "stopped" },
    stall: { status: "stopping", turnId: T, startedAt: 10, reason: "timeout" },
    finish: { status: "completed", turnId: T, endedAt: NOW },
    fail: { status: "failed", turnId: T, endedAt: NOW, failure: BOOM },
    restart: { status: "interrupted", turnId: T, endedAt: NOW, reason: "restart" },
  },
  "stopping (stopped)": {
    start: "ignored",
    stop: "ignored",
    stall: "ignored",
    finish: { status: "interrupted", turnId: T, endedAt: NOW, reason: "stopped" },
    fail: { status: "interrupted", turnId: T, endedAt: NOW, reason: "stopped" },
    restart: { status: "interrupted", turnId: T, endedAt: NOW, reason: "restart" },
  },
  "stopping (timeout)": {
    start: "ignored",
    stop: { status: "stopping", turnId: T, startedAt: 10, reason: "stopped" },
    stall: "ignored",
    finish: { status: "failed", turnId: T, endedAt: NOW, failure: TIMEOUT_FAILURE },
    fail: { status: "failed", turnId: T, endedAt: NOW, failure: TIMEOUT_FAILURE },
    restart: { status: "interrupted", turnId: T, endedAt: NOW, reason: "restart" },
  },
  completed: { start: "ignored", stop: "ignored", stall: "ignored", finish: "ignored", fail: "ignored", restart: "ignored" },
  interrupted: { start: "ignored", stop: "ignored", stall: "ignored", finish: "ignored", fail: "ignored", restart: "ignored" },
  failed: { start: "ignored", stop: "ignored", stall: "ignored", finish: "ignored", fail: "ignored", restart: "ignored" },
};

const RULES: Partial<Record<TurnEvent["type"], string>> = { start: "[C3]", stop: "[C7]", stall: "[C7]", finish: "[C3]", fail: "[C7][C13]", restart: "[C6]" };

describe("Assistant — the turn as a state machine", () => {
  for (const [name, state] of Object.entries(STATES)) {
    for (const [type, event] of Object.entries(EVENTS) as [TurnEvent["type"], TurnEvent][]) {
      const expected = EXPECTED[name]![type];
      const says = expected === "ignored" ? "is ignored" : `→ ${expected.status}${"reason" in expected ? ` (${expected.reason})` : ""}`;
      it(`${RULES[type] ?? ""} ${name} + ${type} ${says}`, () => {
        const next = transition(state, event, NOW);
        if (expected === "ignored") expect(next).toBe(state);
        else expect(next).toEqual(expected);
      });
    }
  }

  it("[C7] a stopped turn never completes, and a stalled one fails as a timeout, whatever the stream did last", () => {
    const streaming = transition(STATES.queued!, EVENTS.start, 1);
    const stopped = transition(transition(streaming, EVENTS.stop, 2), EVENTS.finish, 3);
    expect(stopped).toMatchObject({ status: "interrupted", reason: "stopped" });
    const stalled = transition(transition(streaming, EVENTS.stall, 2), EVENTS.finish, 3);
    expect(stalled).toMatchObject({ status: "failed", failure: { code: "timeout" } });
  });

  it("[C3][C7] random event sequences: an ended turn never changes, and every run of events ends in at most one end", () => {
    const rng = seededRng("turn transitions");
    const events = Object.values(EVENTS);
    for (let round = 0; round < 500; round++) {
      let state: TurnState = STATES.queued!;
      let ended: TurnState | null = null;
      const seen: string[] = [];
      for (let step = 0; step < 12; step++) {
        const event = rng.pick(events);
        seen.push(event.type);
        state = transition(state, event, step);
        if (ended) {
          expect(state, `seed ${rng.seed}, events ${seen.join(" ")}`).toBe(ended);
        } else if (isEnded(state)) {
          ended = state;
          // Once the user asked to stop, the turn cannot end as if they had not.
          if (state.status === "completed") expect(seen, `seed ${rng.seed}`).not.toContain("stop");
        }
      }
    }
  });
});

describe("Assistant — daily limits (G6)", () => {
  const usage = { day: "2026-11-21", tokens: 99_000, tools: { create_task: 3 } };
  const noon = Date.parse("2026-11-21T12:00:00Z");

  it("[C13] a turn over today's token budget fails rate_limited, retrying at the local midnight (UTC here)", () => {
    expect(overBudget(usage, noon, "UTC", 100_000, 999)).toBeNull();
    expect(overBudget(usage, noon, "UTC", 100_000, 1_001)).toEqual({ code: "rate_limited", message: "today's assistant budget (100000 tokens) is used up", retryAfter: 12 * 60 * 60 });
  });

  it("[C13] yesterday's spending does not count today", () => {
    expect(overBudget(usage, Date.parse("2026-11-22T00:00:01Z"), "UTC", 100_000, 50_000)).toBeNull();
    expect(toolUses(usage, "2026-11-21", "create_task")).toBe(3);
    expect(toolUses(usage, "2026-11-22", "create_task")).toBe(0);
  });

  it("[C13] a call's bound counts the prompt and the tool schemas as sent, byte by byte, and the output cap", () => {
    const prompt = [{ role: "system", content: "Be brief." }, { role: "user", content: [{ type: "text", text: "mood: 😀 日本" }] }];
    const tools = [{ type: "function", name: "get_agenda", inputSchema: { type: "object", properties: {} } }];
    const bare = callCost({ prompt, tools: undefined, maxOutputTokens: 0 });
    const full = callCost({ prompt, tools, maxOutputTokens: 1_024 });
    expect(bare.bound).toBe(new TextEncoder().encode(JSON.stringify(prompt) + "[]").length);
    expect(full.bound).toBe(bare.bound - 2 + JSON.stringify(tools).length + 1_024);
    // The estimate (what is charged when the provider does not count) is the usual ≈ 4 characters a token, well under the bound.
    expect(full.estimate).toBe(Math.ceil((JSON.stringify(prompt) + JSON.stringify(tools)).length / 4));
    expect(full.estimate * 3).toBeLessThan(full.bound - 1_024);
  });

  it("[C13] a model call that completed is charged the provider's count; any other, the estimate plus the text it produced", () => {
    expect(tokensToCharge({ completed: true, reported: 129, estimate: 600, text: "abcd" })).toBe(129);
    expect(tokensToCharge({ completed: true, reported: 0, estimate: 600, text: "abcd" })).toBe(601);
    expect(tokensToCharge({ completed: false, reported: 129, estimate: 600, text: "abcdefgh" })).toBe(602);
  });
});

describe("Assistant — the stall watchdog (C7)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("[C7] fires once after TURN_IDLE_TIMEOUT_MS without progress; progress starts the wait over; an ended turn cancels it", () => {
    vi.useFakeTimers();
    let stalls = 0;
    const dog = watchdog(TURN_IDLE_TIMEOUT_MS, () => stalls++);
    vi.advanceTimersByTime(TURN_IDLE_TIMEOUT_MS - 1);
    dog.touch();
    vi.advanceTimersByTime(TURN_IDLE_TIMEOUT_MS - 1);
    expect(stalls).toBe(0);
    vi.advanceTimersByTime(1);
    expect(stalls).toBe(1);
    dog.touch();
    vi.advanceTimersByTime(10 * TURN_IDLE_TIMEOUT_MS);
    expect(stalls).toBe(1);

    const cancelled = watchdog(TURN_IDLE_TIMEOUT_MS, () => stalls++);
    cancelled.cancel();
    vi.advanceTimersByTime(10 * TURN_IDLE_TIMEOUT_MS);
    expect(stalls).toBe(1);
  });
});
