/** A goal's progress in the goals list (docs/PROTOCOL.md W76). */
import { describe, expect, it } from "vitest";
import { durationWords, goalProgress, progressWords } from "../../web/lib/goal-progress.ts";

describe("Timeline — goals list", () => {
  it("[W76] done of total counts owned and naming tasks once; blocks count only this week's", () => {
    const goal = { id: "g1", title: "Half marathon", status: "active", targetDate: "2026-03-15", taskIds: ["t1", "t2", "gone"] };
    const tasks = [
      { id: "t1", status: "done" as const, goalId: "g1" },
      { id: "t2", status: "open" as const },
      { id: "t3", status: "done" as const, goalId: "g1" },
      { id: "t4", status: "done" as const, goalId: "other" },
    ];
    const week = { from: Date.parse("2026-03-09T04:00:00Z"), to: Date.parse("2026-03-16T04:00:00Z") };
    const blocks = [
      { goalId: "g1", start: "2026-03-10T10:00:00-04:00", end: "2026-03-10T11:30:00-04:00" },
      { goalId: "g1", start: "2026-03-16T10:00:00-04:00", end: "2026-03-16T11:00:00-04:00" },
      { goalId: "g1", start: "2026-03-08T10:00:00-04:00", end: "2026-03-08T11:00:00-04:00" },
      { goalId: null, start: "2026-03-10T10:00:00-04:00", end: "2026-03-10T11:00:00-04:00" },
    ];
    const p = goalProgress(goal, tasks, blocks, week);
    expect(p).toEqual({ done: 2, total: 3, blocksThisWeek: 1, minutesThisWeek: 90 });
    expect(progressWords(p)).toBe("2 of 3 tasks done · 1 block this week (1 h 30 min)");
    expect(progressWords({ done: 0, total: 0, blocksThisWeek: 0, minutesThisWeek: 0 })).toBe("No tasks yet · no blocks this week");
    expect(durationWords(45)).toBe("45 min");
    expect(durationWords(120)).toBe("2 h");
  });
});
