/**
 * What the room's one alarm must do, and when it must next wake (docs/PROTOCOL.md
 * S2, S5, S10). Pure: state and clock in, decisions out. The alarm multiplexes
 * every pending reminder, the daily plan, quiet-hours deliveries and maintenance.
 */
import type { Preferences, Reminder } from "../../shared/domain.ts";
import { localDate, zonedToUtc } from "../../shared/dates.ts";
import type { Projection } from "../core/projections.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Local wall-clock parts of `instant` in `timeZone`; weekday is ISO (1 = Monday). */
export function localParts(timeZone: string, instant: number) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", weekday: "short" }).formatToParts(new Date(instant));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(get("weekday")) + 1;
  return { y: Number(get("year")), m: Number(get("month")), d: Number(get("day")), hh: Number(get("hour")), mm: Number(get("minute")), weekday };
}

const hm = (clock: string) => [Number(clock.slice(0, 2)), Number(clock.slice(3, 5))] as const;

export function dueReminders(state: Projection, now: number): Reminder[] {
  return Object.values(state.reminders)
    .filter((r) => r.status === "pending" && Date.parse(r.at) <= now)
    .sort((a, b) => a.at.localeCompare(b.at));
}

/** The next instant, at or after `from`, of the daily plan time on a work day; null if not opted in. */
export function nextPlanTime(prefs: Preferences, from: number): number | null {
  if (!prefs.notifications.dailyPlan || prefs.workHours.days.length === 0) return null;
  const [h, m] = hm(prefs.notifications.dailyPlanTime);
  for (let i = 0; i < 9; i++) {
    const p = localParts(prefs.timezone, from + i * DAY_MS);
    if (!prefs.workHours.days.includes(p.weekday)) continue;
    const at = zonedToUtc(prefs.timezone, p.y, p.m, p.d, h, m).getTime();
    if (at >= from) return at;
  }
  return null;
}

/** The local date whose plan is due now (its time has come, none made yet), or null (S5). */
export function planDue(state: Projection, now: number, failedDate: string | null = null): string | null {
  const prefs = state.preferences;
  if (!prefs.notifications.dailyPlan) return null;
  const p = localParts(prefs.timezone, now);
  if (!prefs.workHours.days.includes(p.weekday)) return null;
  const date = localDate(prefs.timezone, new Date(now));
  // A date whose plan failed is not retried in a loop; "plan my day" can still make it.
  if (state.plans[date] || date === failedDate) return null;
  const [h, m] = hm(prefs.notifications.dailyPlanTime);
  const at = zonedToUtc(prefs.timezone, p.y, p.m, p.d, h, m).getTime();
  return now >= at ? date : null;
}

/** Whether `now` falls in the user's quiet hours, and when they end (S10). */
export function quietHours(prefs: Preferences, now: number): { quiet: boolean; endsAt: number } {
  const q = prefs.notifications.quietHours;
  if (!q) return { quiet: false, endsAt: now };
  const p = localParts(prefs.timezone, now);
  const minutes = p.hh * 60 + p.mm;
  const [sh, sm] = hm(q.start);
  const [eh, em] = hm(q.end);
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  const quiet = start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  if (!quiet) return { quiet: false, endsAt: now };
  const endToday = zonedToUtc(prefs.timezone, p.y, p.m, p.d, eh, em).getTime();
  return { quiet: true, endsAt: endToday > now ? endToday : zonedToUtc(prefs.timezone, p.y, p.m, p.d, eh, em).getTime() + DAY_MS };
}

/** When the alarm must next run: the earliest pending job (K10: `syncAt`, the soonest calendar sync due). */
export function nextWake(state: Projection, now: number, maintenanceAt: number, undelivered: boolean, failedPlanDate: string | null = null, syncAt: number | null = null): number {
  const times = [maintenanceAt];
  if (syncAt !== null) times.push(Math.max(now, syncAt));
  for (const r of Object.values(state.reminders)) if (r.status === "pending") times.push(Math.max(now, Date.parse(r.at)));
  const plan = planDue(state, now, failedPlanDate) ? now : nextPlanTime(state.preferences, failedPlanDate ? now + 60_000 : now);
  if (plan !== null) times.push(plan);
  if (undelivered) {
    const q = quietHours(state.preferences, now);
    if (q.quiet) times.push(q.endsAt);
  }
  return Math.min(...times);
}
