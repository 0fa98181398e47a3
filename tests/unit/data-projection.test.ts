/**
 * U7: ids from events (and from imported archives) are data: a conversation
 * id like `constructor` or `__proto__` never finds Object.prototype's entry.
 */
import { describe, expect, it } from "vitest";
import type { LedgerEvent } from "../../shared/events.ts";
import { INITIAL_PROJECTION, replay } from "../../party/core/projections.ts";
import { checkReplay } from "../../party/data/import.ts";

const at = "2026-11-01T08:00:00.000Z";
const added = (id: string, conversationId: string): LedgerEvent => ({
  id: `e-${id}`,
  seq: 1,
  type: "message.added",
  ts: at,
  actor: { kind: "user" },
  correlationId: "c",
  payload: { message: { id, role: "user", text: "hi", channel: "chat", status: "complete", createdAt: at, conversationId } },
});
const updated = (conversationId: string): LedgerEvent => ({
  id: `u-${conversationId}`,
  seq: 2,
  type: "conversation.updated",
  ts: at,
  actor: { kind: "user" },
  correlationId: "c",
  payload: { conversationId, title: "x", updatedAt: at },
});

describe("projection — own keys only", () => {
  for (const id of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
    it(`[U7] a message or an update naming conversation "${id}" creates no conversation`, () => {
      const state = replay([added(`m-${id}`, id), updated(id)], INITIAL_PROJECTION);
      expect(Object.keys(state.conversations ?? {})).toEqual([]);
      expect(Object.getPrototypeOf(state.conversations ?? {})).toBe(Object.prototype);
      expect(checkReplay([added(`m-${id}`, id)])).toMatch(/never create/);
    });
  }
});
