/**
 * The architect's path through the room core (docs/PROTOCOL.md B30, B43, B12):
 * context → offline breakdown → place → propose, the steps the workflow calls,
 * with a calendar holding timed events inside work hours every day and blocks
 * already on the timeline. No proposed block overlaps an event, an existing
 * block or another proposed block.
 */
import { describe, expect, it } from "vitest";
import { ArchitectContextSchema, DraftedSchema } from "../../party/architect/calls.ts";
import { placeBreakdown } from "../../party/architect/place.ts";
import type { CalendarPort } from "../../party/schedule/calendar-port.ts";
import type { AgendaEvent } from "../../shared/agenda.ts";
import { BrainStateSchema } from "../../shared/api.ts";
import { zonedToUtc } from "../../shared/dates.ts";
import { writeBlock } from "../../shared/doc-schema.ts";
import { NO_CALENDAR } from "../../party/schedule/calendar-port.ts";
import { FakeRoom } from "../support/fake-room.ts";

const TZ = "Europe/Paris";
const MONDAY = Date.parse("2027-01-04T07:00:00Z"); // 08:00 in Paris
const DAY = 86_400_000;

/** Every local day: a meeting 10:00–12:00 and a call 14:00–15:00, inside 09:00–17:00. */
function dailyEvents(fromMs: number, toMs: number): AgendaEvent[] {
  const out: AgendaEvent[] = [];
  for (let day = Date.parse("2027-01-01T12:00:00Z"); day < toMs + DAY; day += DAY) {
    const [y, m, d] = new Date(day).toISOString().slice(0, 10).split("-").map(Number);
    for (const [h1, h2, title] of [[10, 12, "Team meeting"], [14, 15, "Client call"]] as const) {
      const start = zonedToUtc(TZ, y!, m!, d!, h1, 0).getTime();
      const end = zonedToUtc(TZ, y!, m!, d!, h2, 0).getTime();
      if (start < toMs && end > fromMs) out.push({ id: `${title}-${day}`, sourceId: "work", title, start: new Date(start).toISOString(), end: new Date(end).toISOString(), allDay: false });
    }
  }
  return out;
}

const calendar: CalendarPort = { ...NO_CALENDAR, between: dailyEvents };
const overlaps = (a: { start: string; end: string }, b: { start: string; end: string }) => Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);

describe("the architect places around what is there (B43)", () => {
  it("[B43][B12] context → offline breakdown → place → propose through the room: no proposed block on a calendar event, an existing block or another proposed block", async () => {
    const room = new FakeRoom({ now: MONDAY, calendar });
    const prefs = await room.room.request(new Request("http://room/api/v1/preferences", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ timezone: TZ }) }), "prefs");
    expect(prefs.status).toBe(200);
    // Blocks already on the timeline: the free morning hour of the first two weeks' weekdays.
    const existing = Array.from({ length: 10 }, (_, i) => {
      const day = new Date(MONDAY + (i < 5 ? i : i + 2) * DAY).toISOString().slice(0, 10);
      const [y, m, d] = day.split("-").map(Number);
      return { id: `own-${i}`, title: "Deep work", start: zonedToUtc(TZ, y!, m!, d!, 9, 0).toISOString(), end: zonedToUtc(TZ, y!, m!, d!, 10, 0).toISOString(), taskId: null, goalId: null, source: "user" as const, createdAt: "2027-01-01T00:00:00.000Z", updatedAt: "2027-01-01T00:00:00.000Z", createdBy: "user:laptop" };
    });
    for (const b of existing) writeBlock(room.doc, b, { actorLabel: "user:laptop" });
    room.flush();

    const architect = room.room.architectRuns;
    architect.runs.add({ runId: "run-1", turnId: null, goal: "Half marathon", targetDate: "2027-03-15" });
    // The workflow's steps, in order, as it calls them over RPC.
    const contextAnswer = await architect.handle({ step: "context", runId: "run-1" });
    if (!contextAnswer.ok) throw new Error(contextAnswer.error.message);
    const context = ArchitectContextSchema.parse(contextAnswer.value);
    expect(context.timeZone).toBe(TZ);
    const events = dailyEvents(MONDAY, Date.parse(context.until));
    // B43: the busy time the room hands over holds the events and the blocks.
    for (const span of [...events, ...existing]) expect(context.busy.some((b) => Date.parse(b.start) === Date.parse(span.start) && Date.parse(b.end) === Date.parse(span.end)), span.start).toBe(true);

    const draftedAnswer = await architect.handle({ step: "breakdown", runId: "run-1" });
    if (!draftedAnswer.ok) throw new Error(draftedAnswer.error.message);
    const drafted = DraftedSchema.parse(draftedAnswer.value);
    if (!drafted.ok) throw new Error(drafted.message);
    const placement = placeBreakdown(drafted.breakdown, context);
    const proposed = await architect.handle({ step: "propose", runId: "run-1", entries: placement.entries, rationale: drafted.breakdown.rationale, hash: drafted.hash, tokens: drafted.tokens });
    expect(proposed.ok).toBe(true);

    const state = BrainStateSchema.parse(await (await room.room.request(new Request("http://room/api/v1/state"), "s")).json());
    const blocks = (state.proposals.find((p) => p.tool === "architect")?.entries ?? []).filter((e) => e.kind === "block").map((e) => ({ title: e.title, start: e.start!, end: e.end! }));
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    expect(blocks.length).toBe(placement.placed);
    for (const [i, block] of blocks.entries()) {
      for (const ev of events) expect(overlaps(block, ev), `${block.title} ${block.start} on ${ev.title} ${ev.start}`).toBe(false);
      for (const own of existing) expect(overlaps(block, own), `${block.title} ${block.start} on the block at ${own.start}`).toBe(false);
      for (const other of blocks.slice(i + 1)) expect(overlaps(block, other), `${block.start} on ${other.start}`).toBe(false);
    }
    // Not vacuous: blocks sit on the days of the events, in the gaps between them.
    expect(blocks.some((b) => Date.parse(b.start) < Date.parse(existing[9]!.end))).toBe(true);
  });
});
