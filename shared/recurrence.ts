/**
 * Recurring reminders (docs/PROTOCOL.md S15–S19): RFC 5545 RRULE text read as
 * wall-clock time in the user's zone, DST-correct.
 *
 * rrule's own `tzid` support goes through the host's local zone and is known
 * to be unreliable across DST changes, so the rule runs in "floating" time
 * instead: a Date's UTC fields stand for local wall-clock
 * parts. Each floating occurrence is then turned into an instant in the zone
 * (`localToInstant`): a wall time that does not exist (a spring-forward gap)
 * moves forward by the gap, as RFC 5545 §3.3.5 reads a DTSTART in a gap
 * (02:30 on 2026-03-08 in New York is 03:30 EDT); an ambiguous one (fall-back)
 * takes the first instant (01:30 EDT, not 01:30 EST).
 *
 * A stored rule is normalized (`normalizeRule`): its hour, minute and the day
 * fields its FREQ needs are written out, COUNT is turned into UNTIL, so the
 * rule no longer depends on a DTSTART and every occurrence follows from the
 * text alone. INTERVAL other than 1 would need a DTSTART to align to, which
 * the contract's RRULE text does not carry, so it is refused.
 */
import { z } from "zod";
import { RRule } from "rrule";
import { fail, ok, type Result } from "./errors.ts";
import { zoneOffsetMinutes } from "./dates.ts";

export const RRULE_MAX_LENGTH = 500;
/** Only these: SECONDLY, MINUTELY and HOURLY rules would flood the inbox (S16). */
export const RRULE_FREQS = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"] as const;
/** At most this many occurrences a day (BYHOUR × BYMINUTE values). */
export const MAX_TIMES_A_DAY = 12;
export const MAX_COUNT = 1000;
/** A rule must occur within this long from now, else it is refused as never firing. */
const HORIZON_MS = 5 * 366 * 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const KEYS = ["FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS", "BYHOUR", "BYMINUTE", "WKST"] as const;
type Key = (typeof KEYS)[number];
type Parts = Partial<Record<Key, string>>;
const isKey = (k: string): k is Key => (KEYS as readonly string[]).includes(k);

const DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
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

const nums = (v: string | undefined) => (v ? v.split(",").map(Number) : []);

/** Splits and checks the text before rrule reads it: caps first (G5), one value shape per key. */
function split(text: string): Result<Parts> {
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

/** The wall-clock parts of an instant in `timeZone`, as a floating Date (UTC fields = local parts), to the minute. */
export function toFloating(timeZone: string, instant: number): Date {
  return new Date(Math.floor(instant / 60_000) * 60_000 + zoneOffsetMinutes(timeZone, new Date(instant)) * 60_000);
}

/**
 * The instant of a floating wall time in `timeZone`. Gap: forward by the gap
 * (the offset before the change). Ambiguous: the first instant (S17).
 */
export function localToInstant(timeZone: string, floating: Date): number {
  const wall = floating.getTime();
  const offsets = new Set([zoneOffsetMinutes(timeZone, new Date(wall - DAY_MS)), zoneOffsetMinutes(timeZone, new Date(wall)), zoneOffsetMinutes(timeZone, new Date(wall + DAY_MS))]);
  const valid = [...offsets].map((o) => wall - o * 60_000).filter((t) => toFloating(timeZone, t).getTime() === wall);
  if (valid.length > 0) return Math.min(...valid);
  return wall - zoneOffsetMinutes(timeZone, new Date(wall - DAY_MS)) * 60_000;
}

const floatingUntil = (v: string): string => v.replace(/Z$/, "").padEnd(15, v.length === 8 ? "T235959" : "");

/** The normalized parts as one RRULE text, keys in a fixed order (so the same rule reads the same). */
function join(parts: Parts): string {
  return KEYS.filter((k) => parts[k] !== undefined && k !== "INTERVAL").map((k) => `${k}=${parts[k]}`).join(";");
}

function build(parts: Parts, dtstart: Date) {
  const options = RRule.parseString(join({ ...parts, UNTIL: undefined, COUNT: undefined }));
  // UNTIL is a floating wall time here (normalizeRule made it so); rrule reads it as a UTC field set, as it reads everything.
  const until = parts.UNTIL ? floatingDate(parts.UNTIL) : null;
  return new RRule({ ...options, dtstart, until, count: parts.COUNT ? Number(parts.COUNT) : null, bysecond: [0] });
}

function floatingDate(until: string): Date {
  const s = floatingUntil(until);
  return new Date(Date.UTC(Number(s.slice(0, 4)), Number(s.slice(4, 6)) - 1, Number(s.slice(6, 8)), Number(s.slice(9, 11)), Number(s.slice(11, 13)), Number(s.slice(13, 15))));
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").slice(0, 15);

/** Checks a rule's text: the caps of S16, then rrule must read it. */
export function validateRrule(text: string): Result<string> {
  const parts = split(text);
  if (!parts.ok) return parts;
  try {
    build(parts.value, new Date(Date.UTC(2026, 0, 1)));
  } catch {
    return fail("invalid_request", "rrule could not be read");
  }
  return ok(text);
}

/** The RRULE text field of a command: caps and shape checked by zod (G5). */
export const RruleSchema = z
  .string()
  .max(RRULE_MAX_LENGTH)
  .superRefine((text, ctx) => {
    const checked = validateRrule(text);
    if (!checked.ok) ctx.addIssue({ code: "custom", message: checked.error.message });
  });

/**
 * The rule as stored (S16): hour and minute written out (from `start`'s wall
 * time, or 9:00 when `start` is null), the day a WEEKLY, MONTHLY or YEARLY rule
 * repeats on (from the start day), a `Z` UNTIL moved to local wall time, and
 * COUNT turned into the UNTIL of its last occurrence counted from `from`.
 * Then the rule needs no DTSTART. Fails when the rule never occurs.
 */
export function normalizeRule(text: string, timeZone: string, start: number | null, from: number): Result<string> {
  const checked = split(text);
  if (!checked.ok) return checked;
  const parts: Parts = { ...checked.value };
  const anchor = toFloating(timeZone, start ?? from);
  if (parts.BYHOUR === undefined) parts.BYHOUR = String(start === null ? 9 : anchor.getUTCHours());
  if (parts.BYMINUTE === undefined) parts.BYMINUTE = String(start === null ? 0 : anchor.getUTCMinutes());
  const weekday = DAY_CODES[(anchor.getUTCDay() + 6) % 7]!;
  if (parts.FREQ === "WEEKLY" && parts.BYDAY === undefined) parts.BYDAY = weekday;
  if (parts.FREQ === "MONTHLY" && parts.BYDAY === undefined && parts.BYMONTHDAY === undefined) parts.BYMONTHDAY = String(anchor.getUTCDate());
  if (parts.FREQ === "YEARLY" && parts.BYMONTH === undefined && parts.BYDAY === undefined) parts.BYMONTH = String(anchor.getUTCMonth() + 1);
  if (parts.FREQ === "YEARLY" && parts.BYMONTHDAY === undefined && parts.BYDAY === undefined) parts.BYMONTHDAY = String(anchor.getUTCDate());
  if (parts.UNTIL?.endsWith("Z")) parts.UNTIL = stamp(toFloating(timeZone, floatingDate(parts.UNTIL).getTime()));
  else if (parts.UNTIL) parts.UNTIL = floatingUntil(parts.UNTIL);
  delete parts.INTERVAL;
  if (parts.COUNT !== undefined) {
    const count = Number(parts.COUNT);
    delete parts.COUNT;
    let last: number | null = from - 1;
    for (let i = 0; i < count && last !== null; i++) {
      const next = nextOccurrence(join(parts), timeZone, last);
      if (next === null) break;
      last = next;
    }
    if (last === null || last < from) return fail("invalid_request", "the rule has no occurrence from now on");
    parts.UNTIL = stamp(toFloating(timeZone, last));
  }
  const normalized = join(parts);
  // Bounded: rrule would look for a never-occurring rule (February 30) up to the year 9999.
  const { from: lower, rule: r } = rule(normalized, timeZone, from);
  const upper = new Date(lower.getTime() + HORIZON_MS);
  let found = false;
  r.between(lower, upper, true, (d) => !(found = localToInstant(timeZone, d) >= from));
  if (!found) return fail("invalid_request", "the rule has no occurrence in the next five years");
  return ok(normalized);
}

function rule(text: string, timeZone: string, instant: number) {
  const parts = split(text);
  if (!parts.ok) throw new Error(`recurrence: stored rule is invalid (${parts.error.message}); normalize it before storing`);
  // The rule writes its hour, minute and day out (normalizeRule), so dtstart is only a lower bound:
  // two days before covers every zone's offset.
  const from = new Date(toFloating(timeZone, instant).getTime() - 2 * DAY_MS);
  return { from, rule: build(parts.value, from) };
}

/** The first occurrence strictly after `after` (epoch ms), as epoch ms; null when the series has ended (S17). */
export function nextOccurrence(text: string, timeZone: string, after: number): number | null {
  const { from, rule: r } = rule(text, timeZone, after);
  let cursor = from;
  for (let i = 0; i < 64; i++) {
    const next = r.after(cursor, i === 0);
    if (!next) return null;
    const t = localToInstant(timeZone, next);
    if (t > after) return t;
    cursor = next;
  }
  throw new Error("recurrence: more than 64 occurrences in two days; the caps of split() should prevent it");
}

/** The last occurrence at or before `at`, no earlier than `since`; null if none (S19: the latest missed one). */
export function lastOccurrence(text: string, timeZone: string, since: number, at: number): number | null {
  // Only the latest counts: a room asleep for years looks back at most one year (a YEARLY rule's period).
  const start = Math.max(since, at - 367 * DAY_MS);
  const { from, rule: r } = rule(text, timeZone, start);
  const until = new Date(toFloating(timeZone, at).getTime() + 2 * DAY_MS);
  const found = r.between(from, until, true).map((d) => localToInstant(timeZone, d)).filter((t) => t >= start && t <= at);
  return found.length ? Math.max(...found) : null;
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
 * a rule this cannot word is "Custom repeat (…)".
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
  if (p.BYSETPOS || p.BYMONTH && p.FREQ !== "YEARLY") return `Custom repeat (${text})`;
  let what: string | null = null;
  if (p.FREQ === "DAILY" && !p.BYDAY && !p.BYMONTHDAY) what = "Every day";
  else if ((p.FREQ === "DAILY" || p.FREQ === "WEEKLY") && plainDays && days.length > 0 && !p.BYMONTHDAY) {
    const set = [...days].sort((a, b) => DAY_CODES.indexOf(a as (typeof DAY_CODES)[number]) - DAY_CODES.indexOf(b as (typeof DAY_CODES)[number]));
    const key = set.join(",");
    what = key === "MO,TU,WE,TH,FR" ? "Every weekday" : key === DAY_CODES.join(",") ? "Every day" : `Every ${list(set.map((d) => DAY_NAMES[d]!))}`;
  } else if (p.FREQ === "MONTHLY" && p.BYMONTHDAY && !p.BYDAY) what = `Every month on the ${list(nums(p.BYMONTHDAY).map(ordinal))}`;
  else if (p.FREQ === "YEARLY" && p.BYMONTH && p.BYMONTHDAY && !p.BYDAY && !p.BYMONTH.includes(",")) what = `Every year on ${MONTHS[Number(p.BYMONTH) - 1]} ${list(nums(p.BYMONTHDAY).map(String))}`;
  return what ? `${what}${at}${until}` : `Custom repeat (${text})`;
}
