import { describe, expect, it } from "vitest";
import { DEFAULT_PREFERENCES } from "../../shared/domain.ts";
import type { LedgerEvent, NewEventBody } from "../../shared/events.ts";
import { INITIAL_PROJECTION, memoriesOf, RECENT_MESSAGES, reduce, replay } from "../../party/core/projections.ts";

let seq = 0;
const event = (body: NewEventBody): LedgerEvent => ({
  ...body,
  id: `e${++seq}`,
  seq,
  ts: new Date(Date.UTC(2026, 10, 21, 9, 0, seq)).toISOString(),
  actor: { kind: "user" },
  correlationId: "r",
});
const memory = (key: string, value: string, at: string) => ({
  id: `m-${key}`,
  type: "place" as const,
  key,
  value,
  pinnedAt: at,
  updatedAt: at,
});

describe("Brain — projections", () => {
  it("[L5] is pure: reducing does not mutate the input state", () => {
    const before = structuredClone(INITIAL_PROJECTION);
    reduce(INITIAL_PROJECTION, event({ type: "memory.pinned", payload: { memory: memory("airport", "JFK", "2026-11-21T09:00:00.000Z") } }));
    expect(INITIAL_PROJECTION).toEqual(before);
  });

  it("[H5] pinning the same type and key replaces the value", () => {
    const state = replay([
      event({ type: "memory.pinned", payload: { memory: memory("airport", "JFK", "2026-11-21T09:00:00.000Z") } }),
      event({ type: "memory.pinned", payload: { memory: memory("airport", "LGA", "2026-11-21T09:00:00.000Z") } }),
    ]);
    expect(memoriesOf(state).map((m) => m.value)).toEqual(["LGA"]);
  });

  it("[H6] merges partial preference updates level by level", () => {
    const state = replay([
      event({ type: "preferences.updated", payload: { patch: { timezone: "Europe/Paris" } } }),
      event({ type: "preferences.updated", payload: { patch: { workHours: { start: "08:30" } } } }),
    ]);
    expect(state.preferences).toEqual({
      ...DEFAULT_PREFERENCES,
      timezone: "Europe/Paris",
      timezoneSource: "user",
      workHours: { ...DEFAULT_PREFERENCES.workHours, start: "08:30" },
    });
  });

  it("keeps only the most recent messages hot", () => {
    const events = Array.from({ length: RECENT_MESSAGES + 5 }, (_, i) =>
      event({
        type: "message.added",
        payload: { message: { id: `m${i}`, role: "user", text: `hi ${i}`, channel: "chat", status: "complete", createdAt: "2026-11-21T09:00:00.000Z" } },
      }),
    );
    const state = replay(events);
    expect(state.recentMessages).toHaveLength(RECENT_MESSAGES);
    expect(state.recentMessages[0]!.id).toBe("m5");
  });

  it("[L5] ignores event types it does not fold but advances lastEventSeq", () => {
    const at = "2026-11-21T09:00:00.000Z";
    const e = event({
      type: "task.created",
      payload: { task: { id: "t1", title: "a task", status: "open", due: null, tags: [], order: 1, createdAt: at, updatedAt: at, createdBy: "user:d1" } },
    });
    const state = reduce(INITIAL_PROJECTION, e);
    expect(state).toEqual({ ...INITIAL_PROJECTION, lastEventSeq: e.seq });
  });
});
