/**
 * The plan in the day's free time (docs/PROTOCOL.md K26, S5–S7): each
 * priority and todo of a plan gets a slot — an hour for a priority, half an
 * hour for a todo — in the first free time within the work hours of that
 * day, around the calendar's events and the timed tasks already there, in
 * the preference zone. Pure: the agenda comes in, the plan goes out.
 */
import type { AgendaItem } from "../../shared/agenda.ts";
import type { Plan, Preferences } from "../../shared/domain.ts";
import { dayStart, isoInZone } from "./agenda.ts";
import { momentInstant } from "../chat/calendar-phrases.ts";

export const PRIORITY_MINUTES = 60;
export const TODO_MINUTES = 30;
/** A timed task holds this much of the day around its due time. */
export const TIMED_TASK_MINUTES = 15;
/** Slots start on a quarter hour. */
const STEP_MS = 15 * 60_000;

type Span = { start: number; end: number };

const isoWeekday = (date: string) => ((new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
const clock = (hhmm: string) => ({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)) });

/** What is already in the day: timed events (all-day ones leave the day free), timed tasks. */
export function busyOf(items: readonly AgendaItem[]): Span[] {
  return items.flatMap((i) => {
    if (i.allDay) return [];
    const start = Date.parse(i.start);
    if (i.kind === "event" || i.kind === "block") return [{ start, end: i.end ? Date.parse(i.end) : start + STEP_MS }];
    if (i.kind === "task") return [{ start, end: start + TIMED_TASK_MINUTES * 60_000 }];
    return [];
  });
}

/** The work hours of `date` as instants; null on a day off (S5: the plan is still made, without times). */
export function workWindow(date: string, prefs: Pick<Preferences, "timezone" | "workHours">): Span | null {
  const { start, end, days } = prefs.workHours;
  if (!days.includes(isoWeekday(date))) return null;
  const from = momentInstant({ date, ...clock(start) }, prefs.timezone);
  const to = momentInstant({ date, ...clock(end) }, prefs.timezone);
  return to > from ? { start: from, end: to } : null;
}

export function placeInDay(plan: Plan, busy: readonly Span[], prefs: Pick<Preferences, "timezone" | "workHours">, now: number): Plan {
  const window = workWindow(plan.date, prefs);
  if (!window) return plan;
  // Today's plan starts from now, on the next quarter hour; a later day's from its first work hour.
  const first = Math.max(window.start, Math.ceil(now / STEP_MS) * STEP_MS, dayStart(plan.date, prefs.timezone));
  const taken = [...busy].sort((a, b) => a.start - b.start);
  const fits = (s: Span) => s.end <= window.end && !taken.some((b) => b.start < s.end && b.end > s.start);
  const items = plan.items.map((item) => {
    if (item.kind === "note") return item;
    const length = (item.kind === "priority" ? PRIORITY_MINUTES : TODO_MINUTES) * 60_000;
    for (let at = first; at + length <= window.end; at += STEP_MS) {
      const slot = { start: at, end: at + length };
      if (!fits(slot)) continue;
      taken.push(slot);
      return { ...item, start: isoInZone(slot.start, prefs.timezone), end: isoInZone(slot.end, prefs.timezone) };
    }
    return item;
  });
  return { ...plan, items };
}
