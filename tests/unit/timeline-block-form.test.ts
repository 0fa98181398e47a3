/** A block placed or edited by hand: the form's fields to a document block (docs/PROTOCOL.md W82). */
import { describe, expect, it } from "vitest";
import { BlockSchema } from "../../shared/goals.ts";
import { blockFromDraft, draftAt, draftOf, draftSpan } from "../../web/lib/block-form.ts";

const NY = "America/New_York";
const by = { id: "b-new", deviceId: "dev-1", now: new Date("2027-03-01T12:00:00Z") };

describe("Timeline — a block by hand", () => {
  it("[W82] a click's slot: the half hour before it, one hour long, in the zone", () => {
    // 14:47 New York (EST, -05:00).
    expect(draftAt(Date.parse("2027-03-02T19:47:00Z"), NY)).toEqual({ title: "", date: "2027-03-02", start: "14:30", end: "15:30" });
    expect(draftAt(Date.parse("2027-03-02T04:40:00Z"), NY)).toEqual({ title: "", date: "2027-03-01", start: "23:30", end: "00:30" });
  });

  it("[W82] a block from the form: source user, created by this device, valid for the document", () => {
    const b = blockFromDraft({ title: "Deep work", date: "2027-03-02", start: "09:00", end: "10:30" }, NY, by);
    expect(b).toEqual({ id: "b-new", title: "Deep work", start: "2027-03-02T09:00:00-05:00", end: "2027-03-02T10:30:00-05:00", taskId: null, goalId: null, source: "user", createdAt: "2027-03-01T12:00:00.000Z", updatedAt: "2027-03-01T12:00:00.000Z", createdBy: "user:dev-1" });
    expect(BlockSchema.safeParse(b).success).toBe(true);
    expect(draftOf(BlockSchema.parse(b), NY)).toEqual({ title: "Deep work", date: "2027-03-02", start: "09:00", end: "10:30" });
  });

  it("[W82] an end before the start is the next day; across DST the wall times hold", () => {
    expect(draftSpan({ title: "x", date: "2027-03-02", start: "23:00", end: "01:00" }, NY)).toEqual({ start: "2027-03-02T23:00:00-05:00", end: "2027-03-03T01:00:00-05:00" });
    // 2027-03-14: clocks go forward at 2:00 in New York.
    expect(draftSpan({ title: "x", date: "2027-03-14", start: "01:00", end: "04:00" }, NY)).toEqual({ start: "2027-03-14T01:00:00-05:00", end: "2027-03-14T04:00:00-04:00" });
  });

  it("[W82] refused with a reason: no title, no times", () => {
    expect(blockFromDraft({ title: "  ", date: "2027-03-02", start: "09:00", end: "10:00" }, NY, by)).toEqual({ error: "Give the block a title." });
    expect(blockFromDraft({ title: "Run", date: "", start: "09:00", end: "10:00" }, NY, by)).toEqual({ error: "Give a date and a start time." });
    expect(blockFromDraft({ title: "Run", date: "2027-03-02", start: "09:00", end: "" }, NY, by)).toEqual({ error: "Give an end time." });
  });
});
