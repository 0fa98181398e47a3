import { describe, expect, it } from "vitest";
import { readBreakdown } from "../../party/architect/breakdown.ts";
import type { ArchitectContext } from "../../party/architect/calls.ts";
import { placeBreakdown } from "../../party/architect/place.ts";
import { addDays, raceDistance, ruleBreakdown } from "../../party/architect/rules.ts";
import { architectTool, parseGoalRequest } from "../../party/architect/tool.ts";
import { matchTool } from "../../party/chat/registry.ts";
import { BUILT_IN_TOOLS } from "../../party/chat/tools.ts";
import { ArchitectEntrySchema } from "../../shared/goals.ts";

const PARIS = "Europe/Paris";
const MONDAY = new Date("2027-01-04T07:00:00Z");
const at = { timeZone: PARIS, now: MONDAY };

describe("Architect — offline rules", () => {
  it("[B34] a half marathon ten weeks out: weekly long runs building up, a taper, the kit the day before", () => {
    const b = ruleBreakdown({ goal: "Half marathon", targetDate: "2027-03-15", today: "2027-01-04" });
    const runs = b.tasks.filter((t) => t.id.startsWith("run-"));
    expect(runs).toHaveLength(9);
    const kms = runs.map((t) => Number(/Long run ([\d.]+) km/.exec(t.title)![1]));
    for (let i = 1; i < kms.length; i++) expect(kms[i]).toBeGreaterThanOrEqual(kms[i - 1]!);
    expect(kms[0]).toBeGreaterThanOrEqual(5);
    expect(kms.at(-1)).toBeLessThan(21.1);
    expect(kms.at(-1)).toBeGreaterThanOrEqual(18);
    // One a week, each within its week, none before today, all before race day.
    for (const [i, run] of runs.entries()) {
      expect(run.notBefore! >= "2027-01-04").toBe(true);
      expect(run.due! < "2027-03-15").toBe(true);
      if (i > 0) {
        expect(run.after).toEqual([runs[i - 1]!.id]);
        expect(run.notBefore! > runs[i - 1]!.due!).toBe(true);
      }
    }
    const taper = b.tasks.find((t) => t.id === "taper")!;
    expect(taper.notBefore! > runs.at(-1)!.due!).toBe(true);
    const kit = b.tasks.find((t) => t.id === "kit")!;
    expect(kit.due).toBe("2027-03-14");
    expect(b.milestones.map((m) => m.id)).toEqual(["base", "peak", "race"]);
    expect(b.milestones.at(-1)!.due).toBe("2027-03-15");
  });

  it("[B34] race distances from the goal's words; anything else is not a race", () => {
    expect(raceDistance("the half marathon")).toBe(21.1);
    expect(raceDistance("Berlin Marathon")).toBe(42.2);
    expect(raceDistance("a 10k")).toBe(10);
    expect(raceDistance("my 5 km fun run")).toBe(5);
    expect(raceDistance("the product launch")).toBeNull();
  });

  it("[B34] a race days away gets no build-up, only the taper-free kit; a far race is capped at 16 weeks", () => {
    const soon = ruleBreakdown({ goal: "10k race", targetDate: "2027-01-08", today: "2027-01-04" });
    expect(soon.tasks.map((t) => t.id)).toEqual(["kit"]);
    const far = ruleBreakdown({ goal: "Marathon", targetDate: "2027-12-01", today: "2027-01-04" });
    expect(far.tasks.filter((t) => t.id.startsWith("run-"))).toHaveLength(15);
    expect(far.tasks[0]!.notBefore! >= addDays("2027-12-01", -7 * 16)).toBe(true);
  });

  it("[B34] any other goal: outline, one session a week, a halfway review, a wrap-up by the target", () => {
    const b = ruleBreakdown({ goal: "Launch the podcast", targetDate: "2027-02-01", today: "2027-01-04" });
    expect(b.milestones).toHaveLength(3);
    expect(b.tasks.filter((t) => t.id.startsWith("work-"))).toHaveLength(4);
    expect(b.tasks.at(-1)).toMatchObject({ id: "wrap", due: "2027-02-01" });
    const undated = ruleBreakdown({ goal: "Learn Spanish", targetDate: null, today: "2027-01-04" });
    expect(undated.milestones.at(-1)!.due).toBe(addDays("2027-01-04", 28));
  });
});

describe("Architect — reading a model's answer", () => {
  const valid = JSON.stringify(ruleBreakdown({ goal: "Half marathon", targetDate: "2027-03-15", today: "2027-01-04" }));

  it("[B32][B33] strict JSON only: prose, unknown fields and forward dependencies are refused with the problem named", () => {
    expect(readBreakdown(valid).ok).toBe(true);
    expect(readBreakdown("```json\n" + valid + "\n```").ok).toBe(true);
    expect(readBreakdown("Sure! Here is your plan")).toEqual({ ok: false, problem: "not JSON" });
    const extra = JSON.parse(valid) as Record<string, unknown>;
    expect(readBreakdown(JSON.stringify({ ...extra, note: "hi" })).ok).toBe(false);
    const forward = { milestones: [], tasks: [{ id: "a", title: "A", minutes: 30, after: ["b"] }, { id: "b", title: "B", minutes: 30 }], rationale: "r" };
    const read = readBreakdown(JSON.stringify(forward));
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problem).toMatch(/not an earlier task/);
    const huge = { milestones: [], tasks: [{ id: "a", title: "A", minutes: 5000 }], rationale: "r" };
    expect(readBreakdown(JSON.stringify(huge)).ok).toBe(false);
  });
});

describe("Architect — the chat's phrase", () => {
  it("[B46] 'help me prepare for the half marathon on March 15' names the goal and its date in the user's zone", () => {
    expect(parseGoalRequest("help me prepare for the half marathon on March 15", at)).toEqual({ goal: "Half marathon", targetDate: "2027-03-15" });
    expect(parseGoalRequest("Can you help me get ready for my driving test by Feb 20?", at)).toEqual({ goal: "Driving test", targetDate: "2027-02-20" });
    expect(parseGoalRequest("help me train for a marathon", at)).toEqual({ goal: "Marathon", targetDate: null });
    expect(parseGoalRequest("plan my day", at)).toBeNull();
    expect(parseGoalRequest("add a task to prepare for the exam", at)).toBeNull();
  });

  it("[B45][B46] the offline assistant reads the phrase as the architect tool; the daily plan and tasks keep theirs", () => {
    const tools = [...BUILT_IN_TOOLS, architectTool(() => { throw new Error("not started in this test"); })];
    expect(matchTool(tools, "help me prepare for the half marathon on March 15", at)?.call).toEqual({ toolName: "architect", input: { goal: "Half marathon", targetDate: "2027-03-15" } });
    expect(matchTool(tools, "plan my day", at)?.call.toolName).toBe("plan_day");
    expect(matchTool(tools, "add a task to prepare for the exam tomorrow", at)?.call.toolName).toBe("create_task");
  });
});

describe("Architect — placing the breakdown", () => {
  const context = (busy: ArchitectContext["busy"]): ArchitectContext => ({
    runId: "r1",
    goal: "Half marathon",
    targetDate: "2027-03-15",
    turnId: null,
    timeZone: PARIS,
    workHours: { start: "09:00", end: "17:00", days: [1, 2, 3, 4, 5] },
    now: "2027-01-04T08:00:00+01:00",
    today: "2027-01-04",
    until: "2027-03-16T00:00:00+01:00",
    busy,
  });

  it("[B42][B43][B44] every task gets a block in work hours, around events, after what it follows; entries pass the proposal's schema", () => {
    const b = ruleBreakdown({ goal: "Half marathon", targetDate: "2027-03-15", today: "2027-01-04" });
    // Monday 4 January is booked from 09:00 to 12:00 Paris time.
    const busy = [{ start: "2027-01-04T09:00:00+01:00", end: "2027-01-04T12:00:00+01:00" }];
    const { entries, placed, unplaced } = placeBreakdown(b, context(busy));
    expect(unplaced).toBe(0);
    expect(placed).toBe(b.tasks.length);
    for (const entry of entries) expect(ArchitectEntrySchema.safeParse(entry).success).toBe(true);
    const blocks = entries.filter((e) => e.kind === "block");
    const tasks = new Set(entries.filter((e) => e.kind === "task").map((e) => e.id));
    for (const block of blocks) {
      expect(tasks.has(block.taskId!)).toBe(true);
      const [s, e] = [Date.parse(block.start!), Date.parse(block.end!)];
      expect(s >= Date.parse("2027-01-04T12:00:00+01:00") || e <= Date.parse("2027-01-04T09:00:00+01:00")).toBe(true);
      const hour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: PARIS, hour: "2-digit", hourCycle: "h23" }).format(s));
      expect(hour).toBeGreaterThanOrEqual(9);
    }
    const first = blocks.find((x) => x.id === "b-run-1")!;
    const second = blocks.find((x) => x.id === "b-run-2")!;
    expect(Date.parse(second.start!)).toBeGreaterThanOrEqual(Date.parse(first.end!));
  });

  it("[B44] a task with no free time before its date is still proposed, saying why, with no block", () => {
    const b = ruleBreakdown({ goal: "Half marathon", targetDate: "2027-03-15", today: "2027-01-04" });
    // The whole first week is busy.
    const busy = [{ start: "2027-01-04T00:00:00+01:00", end: "2027-01-11T00:00:00+01:00" }];
    const { entries } = placeBreakdown(b, context(busy));
    const task = entries.find((e) => e.id === "t-run-1")!;
    expect(task.detail).toMatch(/not scheduled: no free time in your work hours before/);
    expect(entries.some((e) => e.id === "b-run-1")).toBe(false);
  });
});
