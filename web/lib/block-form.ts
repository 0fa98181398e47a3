/**
 * A block placed or edited by hand (docs/PROTOCOL.md W82): the form's fields
 * (a local date and wall times in the preference zone) to and from a `Block`
 * of the document. Plain code, tested in Node (tests/unit/timeline-block-form.test.ts).
 * An end at or before the start is read as the next day (a block past
 * midnight); the document's own schema (B2) then has the last word.
 */
import { localDate, zonedToUtc } from "../../shared/dates.ts";
import { type Block, BlockSchema } from "../../shared/goals.ts";
import { isoInZone } from "../../shared/zoned.ts";
import { addDays, MINUTE_MS } from "./timeline-time.ts";

export type BlockDraft = { title: string; date: string; start: string; end: string };

/** The slot a click or tap chose: on the half hour before it. */
export const SLOT_MINUTES = 30;

/** "HH:MM" of an instant in the zone. */
const wall = (ms: number, timeZone: string) => new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(ms));

/** A new block's fields from the instant chosen: its slot, one hour long. */
export function draftAt(ms: number, timeZone: string): BlockDraft {
  const slot = Math.floor(ms / (SLOT_MINUTES * MINUTE_MS)) * SLOT_MINUTES * MINUTE_MS;
  return { title: "", date: localDate(timeZone, new Date(slot)), start: wall(slot, timeZone), end: wall(slot + 60 * MINUTE_MS, timeZone) };
}

/** An existing block's fields, for the edit form. */
export function draftOf(block: Block, timeZone: string): BlockDraft {
  const start = Date.parse(block.start);
  return { title: block.title, date: localDate(timeZone, new Date(start)), start: wall(start, timeZone), end: wall(Date.parse(block.end), timeZone) };
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant of a local date and wall time in the zone, or null when either does not read. */
function instant(date: string, time: string, timeZone: string): number | null {
  const d = DATE.exec(date);
  const t = TIME.exec(time);
  if (!d || !t) return null;
  return zonedToUtc(timeZone, Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2])).getTime();
}

/** The span of a draft as ISO instants in the zone, or the reason it is not one. */
export function draftSpan(draft: BlockDraft, timeZone: string): { start: string; end: string } | { error: string } {
  const start = instant(draft.date, draft.start, timeZone);
  if (start === null) return { error: "Give a date and a start time." };
  const sameDay = instant(draft.date, draft.end, timeZone);
  if (sameDay === null) return { error: "Give an end time." };
  // An end at or before the start: the next day (a block past midnight).
  const end = sameDay > start ? sameDay : instant(addDays(draft.date, 1), draft.end, timeZone);
  if (end === null || end <= start) return { error: "The end must be after the start." };
  return { start: isoInZone(start, timeZone), end: isoInZone(end, timeZone) };
}

/** A new block placed by hand (source "user"), checked against the document's schema; or the reason not. */
export function blockFromDraft(draft: BlockDraft, timeZone: string, by: { id: string; deviceId: string; now: Date }): Block | { error: string } {
  const span = draftSpan(draft, timeZone);
  if ("error" in span) return span;
  const at = by.now.toISOString();
  const parsed = BlockSchema.safeParse({ id: by.id, title: draft.title, ...span, taskId: null, goalId: null, source: "user", createdAt: at, updatedAt: at, createdBy: `user:${by.deviceId}` });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return { error: issue?.path[0] === "title" ? "Give the block a title." : (issue?.message ?? "This block cannot be saved.") };
}
