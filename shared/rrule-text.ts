/**
 * RRULE text (docs/PROTOCOL.md S16, S18), without the `rrule` package: the
 * caps and shape every rule must pass before anything reads it, the words a
 * person reads for it, and the presets the reminder dialog offers. The web app
 * imports this; the date arithmetic lives in recurrence.ts.
 */
import { z } from "zod";
import { fail, ok, type Result } from "./errors.ts";

export const RRULE_MAX_LENGTH = 500;
/** Only these: SECONDLY, MINUTELY and HOURLY rules would flood the inbox (S16). */
export const RRULE_FREQS = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"] as const;
/** At most this many occurrences a day (BYHOUR × BYMINUTE values). */
export const MAX_TIMES_A_DAY = 12;
export const MAX_COUNT = 1000;
/** A rule must occur within this long from now, else it is refused as never firing. */
export const HORIZON_MS = 5 * 366 * 24 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

export const KEYS = ["FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS", "BYHOUR", "BYMINUTE", "WKST"] as const;
type Key = (typeof KEYS)[number];
export type Parts = Partial<Record<Key, string>>;
const isKey = (k: string): k is Key => (KEYS as readonly string[]).includes(k);

export const DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
const VALUE: Record<Key, RegExp> = {
  FREQ: /^[A-Z]+$/,
  INTERVAL: /^\d{1,3}$/,
  COUNT: /^\d{1,4}$/,
  UNTIL: /^\d{8}(T\d{6}Z?)?$/,
  BYMONTH: /^\d{1,2}(,\d{1,2}){0,11}$/,
  BYMONTHDAY: /^-?\d{1,2}(,-?\d{1,2}){0,30}$/,
  BYDAY: /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)(,([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)){0,34}$/,
  BYSETPOS: /^-?\d{1,3}(,-?\d{1,3}){0,9}$/,
  BYHOUR: /^\d{1,2}(,\d{1,2}){0,23}$/,
  BYMINUTE: /^\d{1,2}(,\d{1,2}){0,59}$/,
  WKST: /^(MO|TU|WE|TH|FR|SA|SU)$/,
};

export const nums = (v: string | undefined) => (v ? v.split(",").map(Number) : []);

/** Splits and checks the text before rrule reads it: caps first (G5), one value shape per key. */
export function split(text: string): Result<Parts> {
  if (text.length > RRULE_MAX_LENGTH) return fail("invalid_request", `rrule is longer than ${RRULE_MAX_LENGTH} characters`);
  if (!/^[A-Z0-9=;,+-]+$/.test(text)) return fail("invalid_request", "rrule must be RRULE text like FREQ=WEEKLY;BYDAY=MO (no RRULE: prefix, no DTSTART)");
  const parts: Parts = {};
  for (const item of text.split(";")) {
    const [key, value, extra] = item.split("=");
    if (!key || value === undefined || extra !== undefined || !isKey(key)) return fail("invalid_request", `rrule part "${item.slice(0, 40)}" is not supported`);
    if (parts[key] !== undefined) return fail("invalid_request", `rrule names ${key} twice`);
    if (!VALUE[key].test(value)) return fail("invalid_request", `rrule ${key}=${value.slice(0, 40)} is malformed`);
    parts[key] = value;
  }
  const freq = parts.FREQ;
  if (!freq) return fail("invalid_request", "rrule needs FREQ");
  if (!(RRULE_FREQS as readonly string[]).includes(freq)) return fail("invalid_request", `FREQ=${freq} is not allowed: use DAILY, WEEKLY, MONTHLY or YEARLY`);
  if (parts.INTERVAL !== undefined && Number(parts.INTERVAL) !== 1) return fail("invalid_request", "INTERVAL other than 1 is not supported");
  if (parts.COUNT !== undefined && parts.UNTIL !== undefined) return fail("invalid_request", "rrule cannot have both COUNT and UNTIL");
  if (parts.COUNT !== undefined && (Number(parts.COUNT) < 1 || Number(parts.COUNT) > MAX_COUNT)) return fail("invalid_request", `COUNT must be 1–${MAX_COUNT}`);
  const hours = nums(parts.BYHOUR);
  const minutes = nums(parts.BYMINUTE);
  if (hours.some((h) => h > 23) || minutes.some((m) => m > 59)) return fail("invalid_request", "BYHOUR must be 0–23 and BYMINUTE 0–59");
  if (Math.max(1, hours.length) * Math.max(1, minutes.length) > MAX_TIMES_A_DAY) return fail("invalid_request", `a rule may fire at most ${MAX_TIMES_A_DAY} times a day`);
  if (nums(parts.BYMONTH).some((m) => m < 1 || m > 12)) return fail("invalid_request", "BYMONTH must be 1–12");
  if (nums(parts.BYMONTHDAY).some((d) => d === 0 || Math.abs(d) > 31)) return fail("invalid_request", "BYMONTHDAY must be 1–31 or -31–-1");
  return ok(parts);
}

/** The RRULE text field of a command or a stored reminder: caps and shape (G5, S16). */
export const RruleSchema = z
  .string()
  .max(RRULE_MAX_LENGTH)
  .superRefine((text, ctx) => {
    const checked = split(text);
    if (!checked.ok) ctx.addIssue({ code: "custom", message: checked.error.message });
  });

/** The normalized parts as one RRULE text, keys in a fixed order (so the same rule reads the same). */
export function join(parts: Parts): string {
  return KEYS.filter((k) => parts[k] !== undefined && k !== "INTERVAL").map((k) => `${k}=${parts[k]}`).join(";");
}

const DAY_NAMES: Record<string, string> = { MO: "Monday", TU: "Tuesday", WE: "Wednesday", TH: "Thursday", FR: "Friday", SA: "Saturday", SU: "Sunday" };
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

function ordinal(n: number): string {
  if (n < 0) return n === -1 ? "last day" : `${ordinal(-n)} to last day`;
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${s}`;
}

const list = (items: string[]) => (items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`);

function clock(h: number, m: number): string {
  return `${h % 12 === 0 ? 12 : h % 12}:${String(m).padStart(2, "0")} ${h < 12 ? "AM" : "PM"}`;
}

/**
 * The rule in English (S18): "Every weekday at 8:30 AM", "Every Monday and
 * Thursday at 9:00 AM", "Every month on the 1st at 9:00 AM". Times are the
 * rule's wall-clock times, which are the same in every season in `timeZone`;
 * a rule this cannot word is "Custom repeat" (the dialog shows its text).
 */
export function describeRecurrence(text: string, _timeZone: string): string {
  const checked = split(text);
  if (!checked.ok) return "Custom repeat";
  const p = checked.value;
  const hours = nums(p.BYHOUR);
  const minutes = nums(p.BYMINUTE);
  const times = hours.length ? list(hours.flatMap((h) => (minutes.length ? minutes : [0]).map((m) => clock(h, m)))) : "";
  const at = times ? ` at ${times}` : "";
  const until = p.UNTIL ? `, until ${MONTHS[Number(p.UNTIL.slice(4, 6)) - 1]} ${Number(p.UNTIL.slice(6, 8))}, ${p.UNTIL.slice(0, 4)}` : p.COUNT ? `, ${p.COUNT} times` : "";
  const days = p.BYDAY?.split(",") ?? [];
  const plainDays = days.every((d) => /^[A-Z]{2}$/.test(d));
  if (p.BYSETPOS || (p.BYMONTH && p.FREQ !== "YEARLY")) return CUSTOM;
  let what: string | null = null;
  if (p.FREQ === "DAILY" && !p.BYDAY && !p.BYMONTHDAY) what = "Every day";
  else if ((p.FREQ === "DAILY" || p.FREQ === "WEEKLY") && plainDays && days.length > 0 && !p.BYMONTHDAY) {
    const set = [...days].sort((a, b) => dayIndex(a) - dayIndex(b));
    const key = set.join(",");
    what = key === "MO,TU,WE,TH,FR" ? "Every weekday" : key === DAY_CODES.join(",") ? "Every day" : `Every ${list(set.map((d) => DAY_NAMES[d]!))}`;
  } else if (p.FREQ === "MONTHLY" && p.BYMONTHDAY && !p.BYDAY) what = `Every month on the ${list(nums(p.BYMONTHDAY).map(ordinal))}`;
  else if (p.FREQ === "MONTHLY" && !p.BYMONTHDAY && days.length > 0 && days.every((d) => NTH.test(d))) what = `Every month on the ${list(days.map(nthDay))}`;
  else if (p.FREQ === "YEARLY" && p.BYMONTH && p.BYMONTHDAY && !p.BYDAY && !p.BYMONTH.includes(",")) what = `Every year on ${MONTHS[Number(p.BYMONTH) - 1]} ${list(nums(p.BYMONTHDAY).map(String))}`;
  return what ? `${what}${at}${until}` : CUSTOM;
}

const CUSTOM = "Custom repeat";
const dayIndex = (d: string) => DAY_CODES.findIndex((c) => c === d);
const NTH = /^([+-]?[1-5])(MO|TU|WE|TH|FR|SA|SU)$/;
const NTH_WORDS: Record<string, string> = { "1": "first", "2": "second", "3": "third", "4": "fourth", "5": "fifth", "-1": "last", "-2": "second to last" };

/** "1MO" → "first Monday", "-1FR" → "last Friday". */
function nthDay(code: string): string {
  const m = NTH.exec(code)!;
  const n = String(Number(m[1]));
  return `${NTH_WORDS[n] ?? `${ordinal(Number(n))}`} ${DAY_NAMES[m[2]!]}`;
}

/** What the reminder dialog offers (S24): no repeat, three presets, or a rule it shows as it is. */
export type RepeatPreset = { kind: "never" } | { kind: "daily" } | { kind: "weekdays" } | { kind: "weekly"; day: (typeof DAY_CODES)[number] } | { kind: "custom"; rrule: string };

const WEEKDAYS = "MO,TU,WE,TH,FR";

/** The preset a stored rule is, with its time of day; anything else is `custom`. */
export function presetOf(rrule: string | undefined): { preset: RepeatPreset; hour: number | null; minute: number | null } {
  if (!rrule) return { preset: { kind: "never" }, hour: null, minute: null };
  const parsed = split(rrule);
  const custom = { preset: { kind: "custom" as const, rrule }, hour: null, minute: null };
  if (!parsed.ok) return custom;
  const { FREQ, BYDAY, BYHOUR, BYMINUTE, ...others } = parsed.value;
  if (Object.keys(others).length > 0 || !BYHOUR || !BYMINUTE || BYHOUR.includes(",") || BYMINUTE.includes(",")) return custom;
  const time = { hour: Number(BYHOUR), minute: Number(BYMINUTE) };
  if (FREQ === "DAILY" && !BYDAY) return { preset: { kind: "daily" }, ...time };
  if (FREQ === "WEEKLY" && BYDAY === WEEKDAYS) return { preset: { kind: "weekdays" }, ...time };
  const day = DAY_CODES.find((d) => d === BYDAY);
  if (FREQ === "WEEKLY" && day) return { preset: { kind: "weekly", day }, ...time };
  return custom;
}

/** The rule of a preset at `hour`:`minute` (local); null for no repeat, the rule itself for a custom one. */
export function presetRule(preset: RepeatPreset, hour: number, minute: number): string | null {
  const at = `BYHOUR=${hour};BYMINUTE=${minute}`;
  switch (preset.kind) {
    case "never":
      return null;
    case "daily":
      return `FREQ=DAILY;${at}`;
    case "weekdays":
      return `FREQ=WEEKLY;BYDAY=${WEEKDAYS};${at}`;
    case "weekly":
      return `FREQ=WEEKLY;BYDAY=${preset.day};${at}`;
    case "custom":
      return preset.rrule;
  }
}
