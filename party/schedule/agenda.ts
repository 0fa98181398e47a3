/**
 * The agenda's merge (docs/PROTOCOL.md K20, K22, K23): pure, from what the
 * room holds — calendar events (already expanded into occurrences by the
 * calendar store), open tasks with a due date or time, pending reminders
 * (each occurrence of a recurring one inside the range) and the plans' timed
 * items, and the document's time blocks (B4) — to one list of instants in the user's zone, sorted by start.
 */
import type { AgendaEvent, AgendaItem, AgendaKind } from "../../shared/agenda.ts";
import { datesIn, dayRange, dayStart, isoInZone } from "../../shared/zoned.ts";
import { nextDayStart } from "../../shared/dates.ts";
import type { Plan, Reminder, Task } from "../../shared/domain.ts";
import { nextOccurrence } from "../../shared/recurrence.ts";
import type { Block } from "../../shared/goals.ts";

export type AgendaInput = {
  /** The range, epoch ms: an item is in it when it overlaps [from, to). */
  from: number;
  to: number;
  timeZone: string;
  events: readonly AgendaEvent[];
  tasks: readonly Task[];
  reminders: readonly Reminder[];
  plans: Readonly<Record<string, Plan>>;
  /** B4: time blocks from the document; absent, none (callers that predate blocks). */
  blocks?: readonly Block[];
};

/** Most occurrences of one recurring reminder listed (an hourly rule over 62 days would be 1,488). */
export const MAX_OCCURRENCES = 200;

const KIND_ORDER: readonly AgendaKind[] = ["event", "block", "plan", "task", "reminder"];

export function buildAgenda(input: AgendaInput): AgendaItem[] {
  const { from, to, timeZone: tz } = input;
  const at = (ms: number) => isoInZone(ms, tz);
  const overlaps = (start: number, end: number) => start < to && end > from;
  const within = (t: number) => t >= from && t < to;
  const items: { item: AgendaItem; ms: number }[] = [];
  const add = (item: AgendaItem, ms: number) => items.push({ item, ms });

  for (const e of input.events) {
    const start = Date.parse(e.start);
    const end = Date.parse(e.end);
    if (!overlaps(start, Math.max(end, start + 1))) continue;
    add({ kind: "event", id: e.id, title: e.title, start: at(start), end: at(end), ...(e.allDay ? { allDay: true } : {}), source: e.sourceId }, start);
  }

  for (const t of input.tasks) {
    if (t.status !== "open" || t.due === null) continue;
    if (t.due.length === 10) {
      // K22: a task due on a date is an all-day item of that local date.
      const start = dayStart(t.due, tz);
      const end = nextDayStart(start, tz);
      if (overlaps(start, end)) add({ kind: "task", id: t.id, title: t.title, start: at(start), end: at(end), allDay: true }, start);
      continue;
    }
    const due = Date.parse(t.due);
    if (within(due)) add({ kind: "task", id: t.id, title: t.title, start: at(due) }, due);
  }

  for (const r of input.reminders) {
    if (r.status !== "pending") continue;
    const first = Date.parse(r.at);
    if (!r.rrule) {
      if (within(first)) add({ kind: "reminder", id: r.id, title: r.title, start: at(first) }, first);
      continue;
    }
    // K23: `at` is the next occurrence; the ones after it inside the range follow the rule.
    let next: number | null = first >= from ? first : nextOccurrence(r.rrule, tz, from - 1);
    for (let n = 0; next !== null && next < to && n < MAX_OCCURRENCES; n++) {
      if (next >= first) add({ kind: "reminder", id: `${r.id}@${at(next)}`, title: r.title, start: at(next) }, next);
      next = nextOccurrence(r.rrule, tz, next);
    }
  }

  // B4: a block is `kind: "block"` with its source (user, plan, architect, calendar-sync).
  for (const b of input.blocks ?? []) {
    const start = Date.parse(b.start);
    const end = Date.parse(b.end);
    if (overlaps(start, end)) add({ kind: "block", id: b.id, title: b.title, start: at(start), end: at(end), source: b.source }, start);
  }

  for (const date of datesIn(from, to, tz)) {
    for (const item of input.plans[date]?.items ?? []) {
      if (item.status === "rejected" || !item.start || !item.end) continue;
      const start = Date.parse(item.start);
      const end = Date.parse(item.end);
      if (overlaps(start, end)) add({ kind: "plan", id: item.id, title: item.text, start: at(start), end: at(end) }, start);
    }
  }

  return items
    .sort((a, b) => a.ms - b.ms || Number(b.item.allDay ?? false) - Number(a.item.allDay ?? false) || KIND_ORDER.indexOf(a.item.kind) - KIND_ORDER.indexOf(b.item.kind) || a.item.title.localeCompare(b.item.title))
    .map((x) => x.item);
}


export { datesIn, dayRange, dayStart, isoInZone };
