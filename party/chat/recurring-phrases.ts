/**
 * How the offline assistant reads a repeat in the user's words (docs/PROTOCOL.md
 * S22, S23): "every weekday at 8:30", "every Monday and Thursday", "every week
 * on Friday", "every month on the 1st", "daily at 7pm", "weekdays at 9". The
 * result is RRULE text (shared/recurrence.ts reads it in the user's zone) and
 * what is left of the sentence once the repeat and its time are taken out.
 */
import { capitalize, clean } from "../../shared/dates.ts";

export type Repeat = {
  /** RRULE text with BYHOUR/BYMINUTE, normalized later against the zone. */
  rrule: string;
  /** The words without the repeat and the time. */
  rest: string;
  /** No time was said: 9:00 AM was chosen, and the reply says so. */
  timeChosen: boolean;
};

export const DEFAULT_HOUR = 9;

const DAYS: Record<string, string> = {
  monday: "MO", mon: "MO", tuesday: "TU", tue: "TU", tues: "TU", wednesday: "WE", wed: "WE",
  thursday: "TH", thu: "TH", thurs: "TH", friday: "FR", fri: "FR", saturday: "SA", sat: "SA", sunday: "SU", sun: "SU",
};
const DAY = "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs)?|fri|sat|sun)s?";
const DAY_LIST = `${DAY}(?:\\s*(?:,|and|&|,\\s*and)\\s*${DAY})*`;
const ORDER = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

function days(list: string): string {
  const codes = list.toLowerCase().split(/\s*(?:,|\band\b|&)\s*/).map((d) => DAYS[d.trim().replace(/s$/, "")] ?? DAYS[d.trim()]).filter((d): d is string => d !== undefined);
  return [...new Set(codes)].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)).join(",");
}

/**
 * "daily", "weekly", "monthly" say how often only as adverbs ("daily at 7pm", "remind me … monthly"),
 * not as adjectives: "my daily plan" is the plan, "the monthly budget" a title.
 */
const ADVERB = "(?=\\s+(?:at|on|to|from|in|remind)\\b|\\s*[,.!?]|\\s*$)";

/** The repeat patterns, most specific first; each gives the rule's frequency part. */
const PATTERNS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/\b(?:every|each)\s+week\s+on\s+(DAYS)\b/i, (m) => `FREQ=WEEKLY;BYDAY=${days(m[1]!)}`],
  [/\bweekly\s+on\s+(DAYS)\b/i, (m) => `FREQ=WEEKLY;BYDAY=${days(m[1]!)}`],
  [/\b(?:every|each)\s+(?:weekday|work\s?day|business\s+day)s?\b|\b(?:on\s+)?weekdays\b/i, () => "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"],
  [/\b(?:every|each)\s+weekend(?:\s+day)?s?\b|\b(?:on\s+)?weekends\b/i, () => "FREQ=WEEKLY;BYDAY=SA,SU"],
  [/\b(?:every|each)\s+(DAYS)\b/i, (m) => `FREQ=WEEKLY;BYDAY=${days(m[1]!)}`],
  [/\bon\s+((?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s(?:\s*(?:,|and|&)\s*(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s)*)\b/i, (m) => `FREQ=WEEKLY;BYDAY=${days(m[1]!)}`],
  [/\b(?:(?:every|each)\s+month|monthly)\s+on\s+the\s+(\d{1,2})(?:st|nd|rd|th)?\b|\bon\s+the\s+(\d{1,2})(?:st|nd|rd|th)?\s+of\s+(?:every|each)\s+month\b/i, (m) => `FREQ=MONTHLY;BYMONTHDAY=${Number(m[1] ?? m[2])}`],
  [/\b(?:every|each)\s+day\b|\bdaily\bADVERB|\bevery\s+(?:morning|evening)\b/i, () => "FREQ=DAILY"],
  // Without a day: the day it is set on (normalizeRule takes it from then).
  [/\b(?:every|each)\s+week\b|\bweekly\bADVERB/i, () => "FREQ=WEEKLY"],
  [/\b(?:every|each)\s+month\b|\bmonthly\bADVERB/i, () => "FREQ=MONTHLY"],
];

const TIME = /\b(?:at\s+)?(noon|midnight|(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?)(?=\s|$|[,.!?])/i;

/** The time of day in the words ("at 8:30", "at 5pm", "7am", "at noon"), and the words without it. */
function timeOf(text: string): { hour: number; minute: number; rest: string } | null {
  // A bare number is a time only after "at" ("at 9"); "7am" or "8:30" stand on their own.
  for (const re of [/\bat\s+(noon|midnight|(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?)(?=\s|$|[,.!?])/i, TIME]) {
    const m = re.exec(text);
    if (!m) continue;
    const word = m[1]!.toLowerCase();
    if (re === TIME && !m[3] && !m[4] && word !== "noon" && word !== "midnight") continue;
    let hour = word === "noon" ? 12 : word === "midnight" ? 0 : Number(m[2]);
    const minute = m[3] ? Number(m[3]) : 0;
    const meridiem = m[4]?.toLowerCase().replace(/\./g, "");
    if (meridiem === "pm" && hour < 12) hour += 12;
    if (meridiem === "am" && hour === 12) hour = 0;
    if (hour > 23 || minute > 59) return null;
    return { hour, minute, rest: text.slice(0, m.index) + text.slice(m.index + m[0].length) };
  }
  return null;
}

/** A repeat in `text`, or null when it names none. "every morning" is 8:00 AM and "every evening" 6:00 PM unless a time is said. */
export function parseRepeat(text: string): Repeat | null {
  for (const [pattern, rule] of PATTERNS) {
    const re = new RegExp(pattern.source.replaceAll("DAYS", DAY_LIST).replaceAll("ADVERB", ADVERB), pattern.flags);
    const m = re.exec(text);
    if (!m) continue;
    const freq = rule(m);
    if (freq.endsWith("BYDAY=")) return null;
    const without = text.slice(0, m.index) + " " + text.slice(m.index + m[0].length);
    const time = timeOf(without);
    const part = /morning/i.test(m[0]) ? 8 : /evening/i.test(m[0]) ? 18 : null;
    const hour = time?.hour ?? part ?? DEFAULT_HOUR;
    const minute = time?.minute ?? 0;
    return { rrule: `${freq};BYHOUR=${hour};BYMINUTE=${minute}`, rest: clean((time?.rest ?? without).replace(/\s+/g, " ")), timeChosen: !time && part === null };
  }
  return null;
}

/** "remind me to X" once the repeat is out: the reminder's title. */
export function reminderTitle(rest: string): string | null {
  const m = /^(?:please\s+)?remind me\s+(?:to|about|that i need to)\s+(.+)$/i.exec(rest.trim());
  return m ? capitalize(clean(m[1]!)) || null : null;
}

/**
 * A request the assistant can answer on its own schedule ("give me my agenda",
 * "plan my day"): a routine's prompt. Only plain requests — a sentence that
 * merely mentions a repeat ("I swim every Monday") is not one.
 */
export function routinePrompt(rest: string): string | null {
  const t = clean(rest.replace(/^(?:please|can you|could you)\s+/i, ""));
  return /^(?:give|show|tell|send|plan|list|summari[sz]e|review|prepare|what(?:'s| is| are)?|check)\b/i.test(t) && t.length <= 500 ? t : null;
}
