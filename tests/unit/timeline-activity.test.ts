/** The Activity view by goal, with why (docs/PROTOCOL.md W78), and how it words goals and blocks. */
import { describe, expect, it } from "vitest";
import type { Actor } from "../../shared/domain.ts";
import { type LedgerEvent, LedgerEventSchema, type NewEventBody } from "../../shared/events.ts";
import { formatDay, formatDue } from "../../shared/format.ts";
import type { Block, Goal } from "../../shared/goals.ts";
import { type ActivityContext, activityRows, endWords, undoableTurn } from "../../web/lib/activity.ts";
import { goalsOfEvents, whyOf, whySource } from "../../web/lib/activity-goal.ts";

const ctx: ActivityContext = { due: (v) => formatDue(v, "America/New_York"), day: formatDay, thisDevice: "d1", deviceName: () => "Laptop", taskTitle: () => null, noteTitle: () => null };
let seq = 0;
const ev = (actor: Actor, body: NewEventBody): LedgerEvent =>
  LedgerEventSchema.parse({ id: `0192f0a0-0000-7000-8000-${String(++seq).padStart(12, "0")}`, seq, ts: "2027-03-01T15:00:00.000Z", actor, correlationId: "req", ...body });
const STAMP = "2027-03-01T00:00:00.000Z";
const workflow: Actor = { kind: "assistant", turnId: "turn-1" };
const me: Actor = { kind: "user", deviceId: "d1" };
const why = { turnId: "turn-1", workflowId: "run-1", step: "propose", rationale: "Build up the long run by 2 km a week.", hash: "a".repeat(64) };
const goal: Goal = { id: "g1", title: "Half marathon", targetDate: "2027-03-15", status: "active", taskIds: ["t1"], createdAt: STAMP, updatedAt: STAMP, createdBy: "assistant:turn-1" };
const block = (id: string, goalId: string | null): Block => ({ id, title: `Run ${id}`, start: "2027-03-02T07:00:00-05:00", end: "2027-03-02T08:00:00-05:00", taskId: null, goalId, source: "architect", createdAt: STAMP, updatedAt: STAMP, createdBy: "assistant:turn-1" });
const task = (id: string, goalId?: string) => ({ id, title: `Task ${id}`, status: "open" as const, due: null, tags: [], order: 1, createdAt: STAMP, updatedAt: STAMP, createdBy: "user:d1", ...(goalId ? { goalId } : {}) });

describe("Timeline — Activity by goal, and why", () => {
  it("[W78] a goal's events are its own, its blocks' and its tasks' — followed through the ledger and the document", () => {
    const events = [
      ev(workflow, { type: "goal.created", payload: { goal, why } }),
      ev(workflow, { type: "task.created", payload: { task: task("t1"), why } }),
      ev(workflow, { type: "block.created", payload: { block: block("b1", "g1"), why } }),
      ev(me, { type: "block.created", payload: { block: block("b2", null) } }),
      ev(me, { type: "block.updated", payload: { blockId: "b1", fields: ["start", "end"], changes: { start: "2027-03-02T08:00:00-05:00", end: "2027-03-02T09:00:00-05:00" } } }),
      ev(me, { type: "task.completed", payload: { taskId: "t1" } }),
      ev(me, { type: "task.created", payload: { task: task("t2") } }),
      // Older than the listed events: tied to the goal by the current document.
      ev(me, { type: "block.deleted", payload: { blockId: "b-old" } }),
      ev(me, { type: "task.completed", payload: { taskId: "t-old" } }),
    ];
    const goals = goalsOfEvents(events, { taskGoal: (id) => (id === "t-old" ? "g1" : null), blockGoal: (id) => (id === "b-old" ? "g1" : null) });
    expect(events.map((e) => goals.get(e.id) ?? "-")).toEqual(["g1", "g1", "g1", "-", "g1", "g1", "-", "g1", "g1"]);
  });

  it("[W78] why: the rationale, where it came from, and its hash; none on a user's own change", () => {
    const made = ev(workflow, { type: "block.created", payload: { block: block("b1", "g1"), why } });
    expect(whyOf(made)).toEqual(why);
    expect(whySource(why)).toBe("Planning run, step “propose”");
    expect(whySource({ turnId: "t", rationale: "", hash: "b".repeat(64) })).toBe("A chat turn");
    expect(whyOf(ev(me, { type: "block.created", payload: { block: block("b2", null) } }))).toBeNull();
    expect(whyOf(ev(me, { type: "memory.unpinned", payload: { memoryId: "m1", slot: "place:home" } }))).toBeNull();
  });

  it("[W78] blocks and goals are worded by name: placed, moved, removed", () => {
    const rows = activityRows(
      [
        ev(workflow, { type: "goal.created", payload: { goal, why } }),
        ev(workflow, { type: "block.created", payload: { block: block("b1", "g1"), why } }),
        ev(me, { type: "block.updated", payload: { blockId: "b1", fields: ["start", "end"], changes: { start: "2027-03-02T08:00:00-05:00", end: "2027-03-02T09:00:00-05:00" } } }),
        ev(me, { type: "block.deleted", payload: { blockId: "b1" } }),
        ev(me, { type: "goal.updated", payload: { goalId: "g1", fields: ["status"], changes: { status: "done" } } }),
      ],
      ctx,
    ).map((r) => `${r.who} ${r.what}`);
    expect(rows).toEqual([
      "Chief of staff added the goal “Half marathon”",
      "Chief of staff placed “Run b1” on Tue, Mar 2, 7:00 AM",
      "You (Laptop) moved “Run b1” to Tue, Mar 2, 8:00 AM–9:00 AM",
      "You (Laptop) removed “Run b1” from the timeline",
      "You (Laptop) marked the goal “Half marathon” done",
    ]);
  });

  it("[W78] a block resized past midnight names the end's day; on the same day the time alone", () => {
    const rows = activityRows(
      [
        ev(workflow, { type: "block.created", payload: { block: block("b2", null), why } }),
        ev(me, { type: "block.updated", payload: { blockId: "b2", fields: ["start", "end"], changes: { start: "2027-03-02T23:00:00-05:00", end: "2027-03-03T01:00:00-05:00" } } }),
        ev(me, { type: "block.updated", payload: { blockId: "b2", fields: ["start", "end"], changes: { start: "2027-03-02T21:00:00-05:00", end: "2027-03-02T22:30:00-05:00" } } }),
      ],
      ctx,
    ).map((r) => r.what);
    expect(rows.slice(1)).toEqual(["moved “Run b2” to Tue, Mar 2, 11:00 PM–Wed, Mar 3, 1:00 AM", "moved “Run b2” to Tue, Mar 2, 9:00 PM–10:30 PM"]);
    expect(endWords("Tue, Mar 2, 11:00 PM", "Tue, Mar 2, 11:30 PM")).toBe("11:30 PM");
  });

  it("[W78][B16] the assistant's goals and blocks offer the turn's Undo in Activity; a user's own do not", () => {
    const made = ev(workflow, { type: "block.created", payload: { block: block("b3", "g1"), why } });
    const goalMade = ev(workflow, { type: "goal.created", payload: { goal, why } });
    const mine = ev(me, { type: "block.deleted", payload: { blockId: "b3" } });
    expect([undoableTurn(made), undoableTurn(goalMade), undoableTurn(mine)]).toEqual(["turn-1", "turn-1", null]);
  });
});
