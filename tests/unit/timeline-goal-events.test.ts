/** The Activity view by goal reads the room's goal filter page by page (docs/PROTOCOL.md W78, B21). */
import { describe, expect, it } from "vitest";
import type { EventsPage } from "../../shared/api.ts";
import { readGoalEvents } from "../../web/lib/goal-events.ts";

/** A fake room: `total` events of the goal at seqs 2, 4, 6, …; pages as the route does (after `since`, at most `limit`). */
function fakeRoom(total: number) {
  const all = Array.from({ length: total }, (_, i) => ({ id: `e${i}`, seq: 2 * (i + 1), ts: "2027-03-01T15:00:00.000Z", type: "task.created", actor: { kind: "user" }, correlationId: "c", payload: {} }));
  const calls: { goalId: string; since: number; limit: number }[] = [];
  const page = async (goalId: string, since: number, limit: number): Promise<EventsPage> => {
    calls.push({ goalId, since, limit });
    return { events: all.filter((e) => e.seq > since).slice(0, limit) as EventsPage["events"], lastEventSeq: 2 * total + 7 };
  };
  return { page, calls };
}

describe("Activity by goal — paging the room's list", () => {
  it("[W78] pages forward with since = the last seq until a page is empty, keeping every event in order", async () => {
    const room = fakeRoom(2_345);
    const read = await readGoalEvents(room.page, "g1", 10_000);
    expect(read.events.map((e) => e.seq)).toEqual(Array.from({ length: 2_345 }, (_, i) => 2 * (i + 1)));
    expect(read.clipped).toBe(false);
    expect(room.calls.map((c) => c.since)).toEqual([0, 2_000, 4_000, 4_690]);
    expect(room.calls.every((c) => c.goalId === "g1" && c.limit === 1_000)).toBe(true);
  });

  it("[W78] past the cap, the newest events are kept and the read says so", async () => {
    const room = fakeRoom(2_345);
    const read = await readGoalEvents(room.page, "g1", 2_000);
    expect(read.events).toHaveLength(2_000);
    expect(read.events[0]!.seq).toBe(2 * 346);
    expect(read.events.at(-1)!.seq).toBe(2 * 2_345);
    expect(read.clipped).toBe(true);
  });

  it("[W78] a goal with no events is one request", async () => {
    const room = fakeRoom(0);
    expect((await readGoalEvents(room.page, "g1")).events).toEqual([]);
    expect(room.calls).toHaveLength(1);
  });
});
