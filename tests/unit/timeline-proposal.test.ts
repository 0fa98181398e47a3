/** The architect's proposal reviewed entry by entry (docs/PROTOCOL.md W79, W80) and its progress lines (W81). */
import { describe, expect, it } from "vitest";
import type { ProposalEntry } from "../../shared/goals.ts";
import { foldProgress } from "../../web/lib/architect-progress.ts";
import { confirmSelection, edit, emptyReview, fromWall, isAccepted, rejectable, shownEntry, timeProblem, toggle, toWall } from "../../web/lib/proposal-entries.ts";

const NY = "America/New_York";
const entries: ProposalEntry[] = [
  { id: "g", kind: "goal", title: "Half marathon" },
  { id: "t1", kind: "task", title: "Buy shoes" },
  { id: "b1", kind: "block", title: "Easy run", start: "2027-03-01T07:00:00-05:00", end: "2027-03-01T08:00:00-05:00" },
  { id: "b2", kind: "block", title: "Long run", start: "2027-03-06T08:00:00-05:00", end: "2027-03-06T10:00:00-05:00" },
];

describe("Timeline — the architect's proposal card", () => {
  it("[W80] every entry is accepted until rejected; the confirm names the accepted ones in order", () => {
    expect(confirmSelection(entries, emptyReview())).toEqual({ items: ["g", "t1", "b1", "b2"] });
    let r = toggle(emptyReview(), "t1", false);
    r = toggle(r, "b2", false);
    expect(confirmSelection(entries, r)).toEqual({ items: ["g", "b1"] });
    r = toggle(r, "t1", true);
    expect(confirmSelection(entries, r)).toEqual({ items: ["g", "t1", "b1"] });
  });

  it("[W80][B11] the goal entry cannot be rejected: implied by the plan, always in the confirm; the others can", () => {
    expect(entries.map(rejectable)).toEqual([false, true, true, true]);
    const r = toggle(toggle(toggle(emptyReview(), "g", false), "t1", false), "b1", false);
    expect(isAccepted(entries[0]!, r)).toBe(true);
    expect(confirmSelection(entries, r)).toEqual({ items: ["g", "b2"] });
    expect(confirmSelection(entries, edit(r, entries[0]!, { title: "Half marathon in March" }))).toEqual({ items: ["g", "b2"], edits: { g: { title: "Half marathon in March" } } });
  });

  it("[W80] edits are sent for accepted entries only, and only the fields that changed", () => {
    let r = edit(emptyReview(), entries[2]!, { title: "Easy run 5 km", start: "2027-03-01T07:00:00-05:00", end: fromWall("2027-03-01T08:30", NY)! });
    expect(r.edits.b1).toEqual({ title: "Easy run 5 km", end: "2027-03-01T08:30:00-05:00" });
    expect(shownEntry(entries[2]!, r).end).toBe("2027-03-01T08:30:00-05:00");
    r = edit(r, entries[3]!, { title: "Long run" });
    expect(r.edits.b2).toBeUndefined();
    expect(confirmSelection(entries, r)).toEqual({ items: ["g", "t1", "b1", "b2"], edits: { b1: { title: "Easy run 5 km", end: "2027-03-01T08:30:00-05:00" } } });
    expect(confirmSelection(entries, toggle(r, "b1", false))).toEqual({ items: ["g", "t1", "b2"] });
  });

  it("[W80] times are typed on the preference zone's clock, DST included, and checked", () => {
    expect(toWall("2027-03-14T12:00:00Z", NY)).toBe("2027-03-14T08:00");
    expect(fromWall("2027-03-14T08:00", NY)).toBe("2027-03-14T08:00:00-04:00");
    expect(fromWall("2027-03-13T08:00", NY)).toBe("2027-03-13T08:00:00-05:00");
    expect(fromWall("8am", NY)).toBeNull();
    expect(timeProblem({ ...entries[2]!, end: entries[2]!.start })).toBe("The end must be after the start.");
    expect(timeProblem({ ...entries[2]!, end: "2027-03-02T08:00:00-05:00" })).toBe("A block is at most 24 hours long.");
    expect(timeProblem(entries[2]!)).toBeNull();
  });

  it("[W81] progress lines: one per run, replaced in place; a finished run is not reopened by a late frame", () => {
    let runs = foldProgress([], { runId: "r1", step: "context", message: "Reading your calendar…" });
    runs = foldProgress(runs, { runId: "r1", step: "breakdown", message: "Breaking down…" });
    expect(runs).toEqual([{ runId: "r1", step: "breakdown", message: "Breaking down…" }]);
    runs = foldProgress(runs, { runId: "r1", step: "propose", message: "Ready: 12 items to review" });
    runs = foldProgress(runs, { runId: "r1", step: "place", message: "Placing 12 blocks…" });
    expect(runs).toEqual([{ runId: "r1", step: "propose", message: "Ready: 12 items to review" }]);
    for (const id of ["r2", "r3", "r4"]) runs = foldProgress(runs, { runId: id, step: "context", message: id });
    expect(runs.map((r) => r.runId)).toEqual(["r2", "r3", "r4"]);
  });
});
