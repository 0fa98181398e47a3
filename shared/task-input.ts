/**
 * What a line typed as a task means — "send the budget by Friday #finance" —
 * read the same way by the web's task input and by the offline assistant's
 * "add a task …" (docs/PROTOCOL.md C18): `#tags` first, then the due date
 * (chrono-node, in the user's zone, dates.ts), then the title, without the
 * "by" or "on" that introduced the date.
 */
import { capitalize, clean, extractDue, localDate, zonedToUtc } from "./dates.ts";
import { LIMITS } from "./domain.ts";

export type TaskInput = { title: string; due: string | null; tags: string[] };

/** A `#tag` starts a word: "C#" and "issue#4" are words, not tags. */
const TAG = /(^|\s)#([\p{L}\p{N}_-]{1,64})(?=$|[\s,.;:!?])/gu;

/** Words that only introduced the date, once the date is gone: "by", "on", "due by", "before"… */
const DANGLING_BEFORE_DATE = /\b(?:due(?:\s+(?:by|on|at))?|by|on|at|before|until|till|for)\s*$/i;
/** The same at the very end, when chrono took the date words and left their preposition. */
const DANGLING_AT_END = /\b(?:at|on|by|in|due)\s*$/i;

/** "#words" in what the user typed become tags (lower case, each once, at most LIMITS.tags); the rest is the text. */
export function splitTags(typed: string): { text: string; tags: string[] } {
  const tags = [...new Set([...typed.matchAll(TAG)].map((m) => m[2]!.toLowerCase()))].slice(0, LIMITS.tags);
  return { text: typed.replace(TAG, "$1").replace(/\s+/g, " ").trim(), tags };
}

/** A task said as a sentence, as its title, due date and tags; the title may come out empty. */
export function splitTitleAndDue(text: string, timeZone: string, now: Date): TaskInput {
  const { text: untagged, tags } = splitTags(text);
  const { due, rest, at } = extractDue(untagged, timeZone, now);
  const before = due ? rest.slice(0, at).replace(DANGLING_BEFORE_DATE, "") : rest.slice(0, at);
  const title = capitalize(clean(`${before} ${rest.slice(at)}`.replace(/\s+/g, " ").trim().replace(DANGLING_AT_END, "")));
  return { title, due, tags };
}

/** What the web app's task input makes of a line: never an empty title (the words as typed, without tags, or the line itself). */
export function parseTaskInput(text: string, timeZone: string, now: Date): TaskInput {
  const parsed = splitTitleAndDue(text, timeZone, now);
  if (parsed.title) return parsed;
  const words = capitalize(clean(splitTags(text).text));
  return words ? { title: words, due: null, tags: parsed.tags } : { title: capitalize(clean(text)), due: null, tags: [] };
}

/**
 * A due date typed in words for a task that exists ("tomorrow 3pm", "next
 * fri", "in 2 hours"): chrono-node in the user's zone, as the task input reads
 * it; null when the words hold no date.
 */
export function parseDueText(text: string, timeZone: string, now: Date): string | null {
  return extractDue(text.trim(), timeZone, now).due;
}

/** The due value a date picker and an optional time picker mean, in the user's zone: a date alone stays a date. */
export function dueFromPicker(date: string, time: string, timeZone: string): string | null {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!day) return null;
  const clock = /^(\d{2}):(\d{2})$/.exec(time);
  if (!clock) return date;
  return zonedToUtc(timeZone, Number(day[1]), Number(day[2]), Number(day[3]), Number(clock[1]), Number(clock[2])).toISOString();
}

/** What the date and time pickers show for a due value, in the user's zone. */
export function pickerFromDue(due: string | null, timeZone: string): { date: string; time: string } {
  if (!due) return { date: "", time: "" };
  if (due.length === 10) return { date: due, time: "" };
  const instant = new Date(due);
  const time = new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", hour: "2-digit", minute: "2-digit" }).format(instant);
  return { date: localDate(timeZone, instant), time };
}
