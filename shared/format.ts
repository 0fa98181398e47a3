/**
 * The one formatter of dates the user reads (docs/PROTOCOL.md W5), shared by
 * the room (chat replies, action cards, notifications) and the web app (tasks,
 * reminders, plan, activity, devices): every instant is shown in the
 * preference zone, never in the zone of the device or the server, so "3:00 PM"
 * in a reply is "3:00 PM" on the task it made.
 *
 * Always `en-US`: the assistant speaks English and its replies quote these
 * strings, so the views say a time the way the chat does.
 */

const LOCALE = "en-US";

/** `zone: true` names the zone ("3:00 PM EST"): for a device whose own zone is another one (a traveller). */
export type FormatOptions = { zone?: boolean };

const TIME = { hour: "numeric", minute: "2-digit" } as const;
/** The shapes dates take, by name: the name is the formatter cache's key. */
const SHAPES = {
  day: { weekday: "short", month: "short", day: "numeric" },
  dayTime: { weekday: "short", month: "short", day: "numeric", ...TIME },
  moment: { month: "short", day: "numeric", ...TIME },
  time: TIME,
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

const formats = new Map<string, Intl.DateTimeFormat>();

/** Intl formatters are costly to build and an activity list formats hundreds of times: one per shape and zone. */
function formatter(timeZone: string, shape: keyof typeof SHAPES, options: FormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${shape}|${options.zone ? 1 : 0}`;
  let found = formats.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(LOCALE, { ...SHAPES[shape], timeZone, ...(options.zone ? { timeZoneName: "short" } : {}) });
    formats.set(key, found);
  }
  return found;
}

/** A calendar date `YYYY-MM-DD` as "Thu, Nov 21": a date has no zone, so none is applied (noon UTC is that date everywhere). */
export function formatDay(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return formatter("UTC", "day", {}).format(new Date(Date.UTC(y!, m! - 1, d!, 12)));
}

/** A due value — a date, or a date-time — as "Thu, Nov 21" or "Thu, Nov 21, 3:00 PM" in `timeZone`. */
export function formatDue(due: string, timeZone: string, options: FormatOptions = {}): string {
  if (due.length === 10) return formatDay(due);
  return formatter(timeZone, "dayTime", options).format(new Date(due));
}

/** When something happened (the activity timeline, a notification): "Nov 21, 3:00 PM" in `timeZone`. */
export function formatMoment(iso: string, timeZone: string, options: FormatOptions = {}): string {
  return formatter(timeZone, "moment", options).format(new Date(iso));
}

/** A time of day: "3:00 PM" in `timeZone` (a device last seen, a reminder today). */
export function formatTime(iso: string, timeZone: string, options: FormatOptions = {}): string {
  return formatter(timeZone, "time", options).format(new Date(iso));
}

/**
 * How long ago, for "last used" (Y4, W106): "just now", "12 minutes ago", "3 hours ago", "2 days ago";
 * a week or more ago, the moment itself ("Nov 21, 3:00 PM") in `timeZone`.
 */
export function formatAgo(iso: string, now: number, timeZone: string): string {
  const ms = now - Date.parse(iso);
  const minutes = Math.floor(ms / 60_000);
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"} ago`;
  if (minutes < 1) return "just now";
  if (minutes < 60) return plural(minutes, "minute");
  if (minutes < 24 * 60) return plural(Math.floor(minutes / 60), "hour");
  if (minutes < 7 * 24 * 60) return plural(Math.floor(minutes / (24 * 60)), "day");
  return formatMoment(iso, timeZone);
}
