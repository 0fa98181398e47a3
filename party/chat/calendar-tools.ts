/**
 * The assistant's calendar tools (docs/PROTOCOL.md K24, K25, K27): the agenda
 * of a day or a week, whether the user is free at a time — both read-only —
 * and an event proposed for a calendar, which leaves the room and so only
 * ever proposes (C8, G7): nothing is written until the user confirms.
 */
import { z } from "zod";
import type { AgendaItem } from "../../shared/agenda.ts";
import { DEFAULT_EVENT_MINUTES } from "../../shared/calendar-write.ts";
import { capitalize, clean, dueDay, isOverdue, localDate } from "../../shared/dates.ts";
import { IsoDateSchema, IsoDateTimeSchema, LIMITS } from "../../shared/domain.ts";
import { formatDay, formatDue, formatTime } from "../../shared/format.ts";
import { dayRange, isoInZone } from "../schedule/agenda.ts";
import { workWindow } from "../schedule/plan-slots.ts";
import { NO_WRITABLE_CALENDAR } from "../schedule/calendar-port.ts";
import { MAX_AGENDA_DAYS, momentInstant, readDays, readMoment } from "./calendar-phrases.ts";
import { defineTool, type ToolContext, type ToolHost } from "./registry.ts";
import { field } from "./wording.ts";

/** Open tasks due today or overdue; overdue is judged by instant (S12): due at 15:01 today, overdue at 15:02. */
export function agendaOf(host: Pick<ToolHost, "tasks" | "preferences" | "now">) {
  const tz = host.preferences().timezone;
  const now = host.now();
  const today = localDate(tz, now);
  const open = host.tasks().flatMap((t) => (t.status === "open" && t.due !== null ? [{ ...t, due: t.due }] : []));
  const due = open
    .filter((t) => dueDay(t.due, tz) <= today)
    .map((t) => ({ id: t.id, title: t.title, due: t.due, overdue: isOverdue(t.due, now, tz) }))
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.due.localeCompare(b.due));
  return { date: today, timezone: tz, tasks: due };
}

const calendarName = (ctx: ToolContext, sourceId: string | undefined) => (sourceId ? (ctx.calendars().find((c) => c.id === sourceId)?.name ?? null) : null);

/** One agenda entry as the model and the reply read it: its time words in the user's zone, its calendar by name. */
function line(ctx: ToolContext, item: AgendaItem) {
  const tz = ctx.preferences().timezone;
  const when = item.allDay ? "all day" : item.end ? `${formatTime(item.start, tz)}–${formatTime(item.end, tz)}` : formatTime(item.start, tz);
  const calendar = calendarName(ctx, item.source);
  return { kind: item.kind, title: item.title, when, day: localDate(tz, new Date(item.start)), start: item.start, ...(item.end ? { end: item.end } : {}), ...(calendar ? { calendar } : {}) };
}
type Line = ReturnType<typeof line>;

const LineSchema = z.object({ kind: z.string(), title: z.string(), when: z.string(), day: z.string(), calendar: z.string().optional() });
const LinesSchema = z.array(LineSchema).catch([]);
const OverdueSchema = z.array(z.object({ title: z.string(), due: z.string() })).catch([]);

/** "9:00 AM Team sync (Work calendar)", "All day: Pay rent (task)". */
function spoken(l: z.infer<typeof LineSchema>): string {
  const what = l.kind === "event" ? `${l.title}${l.calendar ? ` (${l.calendar} calendar)` : ""}` : l.kind === "reminder" ? `Reminder: ${l.title}` : `${l.title} (${l.kind === "plan" ? "plan" : l.kind === "block" ? "time block" : "task"})`;
  return l.when === "all day" ? `All day: ${what}` : `${l.when.split("–")[0]} ${what}`;
}

export const getAgenda = defineTool({
  name: "get_agenda",
  description:
    "The user's agenda: calendar events, tasks due, reminders and the plan's time blocks, in their time zone, for `days` days from `date` " +
    "(YYYY-MM-DD, local; today when absent), with overdue tasks when the range starts today. Read-only.",
  input: z.object({ date: IsoDateSchema.optional(), days: z.number().int().min(1).max(MAX_AGENDA_DAYS).optional() }),
  effect: {
    kind: "read",
    read: (input, ctx) => {
      const tz = ctx.preferences().timezone;
      const today = localDate(tz, ctx.now());
      const date = input.date ?? today;
      const days = input.days ?? 1;
      const { from, to } = dayRange(date, tz, days);
      const items: Line[] = ctx.agenda(from, to).map((item) => line(ctx, item));
      const overdue = date === today ? agendaOf(ctx).tasks.filter((t) => t.overdue && dueDay(t.due, tz) < today).map((t) => ({ title: t.title, due: t.due })) : [];
      return { ok: true, date, days, timezone: tz, items, overdue };
    },
  },
  offline: {
    // Tests and logs have always called this intent "agenda".
    intent: "agenda",
    rank: 20,
    parse: (text, at) => {
      const t = text.trim().toLowerCase();
      if (!/\b(agenda|schedule|calendar)\b|what('| i)?s on (my plate|today|tomorrow|my (to-?do )?list)|what do i have (today|on|tomorrow)|what('| i)?s due (today|now)|^(show|list) (me )?my (tasks|to-?dos?)\b/i.test(t)) return null;
      const span = readDays(text, at.timeZone, at.now);
      // Today is what the tool answers when told nothing: the call stays `{}`.
      return span.date === localDate(at.timeZone, at.now) && span.days === 1 ? {} : span;
    },
    input: (fields) => fields,
    reply: (fields, out, at) => {
      const items = LinesSchema.parse(out.items ?? []);
      const overdue = OverdueSchema.parse(out.overdue ?? []);
      const today = localDate(at.timeZone, at.now);
      const date = "date" in fields && typeof fields.date === "string" ? fields.date : today;
      const days = "days" in fields && typeof fields.days === "number" ? fields.days : 1;
      const label = days > 1 ? `from ${formatDay(date)} for ${days} days` : date === today ? "today" : `on ${formatDay(date)}`;
      const late = overdue.map((t) => `• ${t.title} (overdue — ${formatDue(t.due, at.timeZone)})`);
      if (items.length === 0 && late.length === 0) return date === today && days === 1 ? "Nothing is due today and nothing is overdue. Enjoy the breathing room." : `Nothing is on your agenda ${label}.`;
      const body =
        days > 1
          ? [...new Set(items.map((i) => i.day))].map((day) => `${formatDay(day)}:\n${items.filter((i) => i.day === day).map((i) => `• ${spoken(i)}`).join("\n")}`).join("\n")
          : items.map((i) => `• ${spoken(i)}`).join("\n");
      return `Here's what's on your agenda ${label}:\n${[body, ...late].filter(Boolean).join("\n")}`;
    },
  },
});

/** What makes the user busy at a time (K25): a timed event, a timed task or a plan block overlapping it; all-day items and reminders do not. */
function conflicts(ctx: ToolContext, from: number, to: number): Line[] {
  return ctx
    .agenda(from, to)
    .filter((i) => !i.allDay && i.kind !== "reminder")
    .filter((i) => {
      const start = Date.parse(i.start);
      const end = i.end ? Date.parse(i.end) : start + 1;
      return start < to && end > from;
    })
    .map((i) => line(ctx, i));
}

export const checkFree = defineTool({
  name: "check_free",
  description:
    "Whether the user is free from `start` (ISO date-time with offset) for `minutes` (60 when absent), or during the work hours of `day` (YYYY-MM-DD, local) — " +
    "and what overlaps: events, timed tasks, plan blocks. Read-only.",
  input: z.union([
    z.object({ start: IsoDateTimeSchema, minutes: z.number().int().min(1).max(24 * 60).optional() }),
    z.object({ day: IsoDateSchema }),
  ]),
  effect: {
    kind: "read",
    read: (input, ctx) => {
      const prefs = ctx.preferences();
      const tz = prefs.timezone;
      // A day without a time: its work hours (S5), or the whole day when it is not a work day.
      const whole = "day" in input ? dayRange(input.day, tz) : null;
      const span = "day" in input ? (workWindow(input.day, prefs) ?? { start: whole!.from, end: whole!.to }) : { start: Date.parse(input.start), end: Date.parse(input.start) + (input.minutes ?? 60) * 60_000 };
      const { start: from, end: to } = span;
      const found = conflicts(ctx, from, to);
      const start = new Date(from).toISOString();
      return { ok: true, free: found.length === 0, window: `${formatDue(start, tz)}–${formatTime(new Date(to).toISOString(), tz)}`, conflicts: found };
    },
  },
  offline: {
    rank: 15,
    parse: (text, at) => {
      if (!/\b(?:am i|are we|i'm|is my (?:calendar|day))\s+(?:free|available|busy|open|booked)\b|\bdo i have (?:anything|time)\b/i.test(text)) return null;
      const tz = at.timeZone;
      const moment = readMoment(text, tz, at.now);
      if (moment?.timeSaid) return { start: isoInZone(momentInstant(moment, tz), tz), minutes: 60 };
      // No time: the work hours of that day (today when no day either).
      return { day: moment?.date ?? localDate(tz, at.now) };
    },
    input: (fields) => fields,
    reply: (_fields, out) => {
      const found = LinesSchema.parse(out.conflicts ?? []);
      const window = String(field(out, "window") ?? "then");
      if (found.length === 0) return `Yes — you're free ${window}. Nothing on your calendar, tasks or plan overlaps it.`;
      const named = found.map((c) => `${spoken(c)}`).join("; ");
      return `No — ${window} you have ${found.length === 1 ? "something" : `${found.length} things`} on: ${named}.`;
    },
  },
});

export const proposeCalendarEvent = defineTool({
  name: "propose_calendar_event",
  description:
    "Propose an event for the user's calendar (\"put lunch with Ana on Friday at 1\"): `start` is an ISO date-time with offset, `minutes` its length (60 when absent), " +
    "`calendar` a calendar's name (the first writable one when absent). Needs the user's confirmation: this only proposes it; nothing is written until they confirm.",
  input: z.object({
    title: z.string().min(1).max(LIMITS.title),
    start: IsoDateTimeSchema,
    minutes: z.number().int().min(5).max(24 * 60).optional(),
    calendar: z.string().max(200).optional(),
  }),
  needsConfirmation: true,
  effect: {
    kind: "command",
    plan: (input, ctx) => {
      const tz = ctx.preferences().timezone;
      const writable = ctx.calendars().filter((c) => c.writable);
      const wanted = input.calendar?.trim().toLowerCase();
      const source = wanted ? writable.find((c) => c.name.toLowerCase() === wanted || c.id === input.calendar) : writable[0];
      if (!source) return { refused: wanted && writable.length > 0 ? `no calendar named “${input.calendar}” that I can write to (yours: ${writable.map((c) => c.name).join(", ")})` : NO_WRITABLE_CALENDAR };
      const minutes = input.minutes ?? DEFAULT_EVENT_MINUTES;
      const startMs = Date.parse(input.start);
      const start = isoInZone(startMs, tz);
      const end = isoInZone(startMs + minutes * 60_000, tz);
      const length = minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
      return {
        summary: `Add “${input.title}” to your ${source.name} calendar: ${formatDue(start, tz)}–${formatTime(end, tz)} (${length})?`,
        command: { kind: "calendar.create", sourceId: source.id, title: input.title, start, end },
      };
    },
  },
  offline: {
    rank: 16,
    parse: (text, at) => {
      const t = text.trim();
      const asked = /^(?:please\s+)?(?:put|schedule|book|block(?: out)?)\s+(.+)$/i.exec(t) ?? /^(?:please\s+)?add\s+(.+?)\s+to my calendar\b(.*)$/i.exec(t);
      if (!asked) return null;
      const words = `${asked[1]!} ${asked[2] ?? ""}`.replace(/\b(?:on|in|to)\s+my\s+calendar\b/i, " ");
      const moment = readMoment(words, at.timeZone, at.now);
      if (!moment) return null;
      const title = capitalize(clean(moment.rest.replace(/\s+(?:on|at|for|from)\s*$/i, "").replace(/\s+(?:on|at)\s*(?=\s|$)/gi, " ")));
      if (!title) return null;
      return { title, start: isoInZone(momentInstant(moment, at.timeZone), at.timeZone), timeChosen: !moment.timeSaid };
    },
    input: ({ title, start }) => ({ title, start }),
    reply: ({ title, start, timeChosen }, out, at) => {
      if (typeof out.nothing === "string") return out.nothing;
      const chosen = timeChosen ? " You didn't say a time, so I picked 9:00 AM." : "";
      return `I can add “${title}” on ${formatDue(start, at.timeZone)} (1 hour) to your calendar — confirm it on your device; nothing is added until you do.${chosen}`;
    },
  },
});
