/** Overlapping items side by side (docs/PROTOCOL.md W72), and what one day column holds (W70). */
import { describe, expect, it } from "vitest";
import type { AgendaItem } from "../../shared/agenda.ts";
import { dayColumn, fromAgenda, fromBlocks } from "../../web/lib/timeline-items.ts";
import { layoutLanes } from "../../web/lib/timeline-layout.ts";
import { dayOfDate } from "../../web/lib/timeline-time.ts";
import { seededRng } from "../support/random.ts";

const NY = "America/New_York";

describe("Timeline — layout", () => {
  it("[W72] overlapping items get separate lanes; touching items share one; a cluster shares its lane count", () => {
    const placed = layoutLanes([
      { key: "a", start: 0, end: 60 },
      { key: "b", start: 30, end: 90 },
      { key: "c", start: 60, end: 120 },
      { key: "d", start: 200, end: 260 },
    ]);
    const by = Object.fromEntries(placed.map((p) => [p.key, p]));
    expect(by.a).toEqual({ key: "a", lane: 0, lanes: 2 });
    expect(by.b).toEqual({ key: "b", lane: 1, lanes: 2 });
    expect(by.c).toEqual({ key: "c", lane: 0, lanes: 2 });
    expect(by.d).toEqual({ key: "d", lane: 0, lanes: 1 });
  });

  it("[W72] seeded: no two overlapping items share a lane, every lane is inside its cluster's count", () => {
    const rng = seededRng("timeline lanes");
    for (let round = 0; round < 300; round++) {
      const items = Array.from({ length: 1 + rng.int(12) }, (_, i) => {
        const start = rng.int(1400);
        return { key: `i${i}`, start, end: start + 1 + rng.int(180) };
      });
      const placed = new Map(layoutLanes(items).map((p) => [p.key, p]));
      expect(placed.size, `seed ${rng.seed}`).toBe(items.length);
      for (const a of items)
        for (const b of items) {
          if (a.key >= b.key || a.start >= b.end || b.start >= a.end) continue;
          const pa = placed.get(a.key)!;
          const pb = placed.get(b.key)!;
          expect(pa.lane, `seed ${rng.seed}: ${a.key} and ${b.key} overlap`).not.toBe(pb.lane);
          expect(pa.lanes).toBe(pb.lanes);
        }
      for (const p of placed.values()) expect(p.lane).toBeLessThan(p.lanes);
    }
  });

  it("[W70] a day column: agenda blocks are dropped for the document's, items are clipped to the day, all-day apart, moments get room", () => {
    const day = dayOfDate("2026-03-09", NY);
    const agenda: AgendaItem[] = [
      { kind: "event", id: "e1", title: "Standup", start: "2026-03-09T09:00:00-04:00", end: "2026-03-09T09:30:00-04:00", source: "cal" },
      { kind: "event", id: "e2", title: "Trip", start: "2026-03-09T00:00:00-04:00", end: "2026-03-10T00:00:00-04:00", allDay: true },
      { kind: "reminder", id: "r1", title: "Call", start: "2026-03-09T09:15:00-04:00" },
      { kind: "block", id: "b1", title: "Stale copy", start: "2026-03-09T07:00:00-04:00", end: "2026-03-09T08:00:00-04:00" },
    ];
    const blocks = [
      { id: "b1", title: "Run", start: "2026-03-09T10:00:00-04:00", end: "2026-03-09T11:00:00-04:00", source: "architect", goalId: "g1" },
      { id: "b2", title: "Night", start: "2026-03-09T23:00:00-04:00", end: "2026-03-10T01:00:00-04:00", source: "user", goalId: null },
    ];
    const col = dayColumn([...fromAgenda(agenda), ...fromBlocks(blocks)], day);
    expect(col.allDay.map((i) => i.id)).toEqual(["e2"]);
    const by = Object.fromEntries(col.timed.map((i) => [i.key, i]));
    expect(Object.keys(by).sort()).toEqual(["block:b1", "block:b2", "event:e1", "reminder:r1"]);
    expect(by["block:b1"]!.top).toBe(600);
    expect(by["block:b1"]!.editable).toBe(true);
    expect(by["event:e1"]!.editable).toBe(false);
    expect(by["block:b2"]!.height).toBe(60);
    expect(by["block:b2"]!.clippedEnd).toBe(true);
    expect(by["reminder:r1"]!.height).toBe(30);
    expect(by["event:e1"]!.lanes).toBe(2);
  });
});
