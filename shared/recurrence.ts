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
import * as rruleModule from "rrule";
import { fail, ok, type Result } from "./errors.ts";
import { zoneOffsetMinutes } from "./dates.ts";
import { DAY_CODES, DAY_MS, HORIZON_MS, join, type Parts, split } from "./rrule-text.ts";

/**
 * rrule ships an ES build (what Vite and wrangler bundle) and a UMD one (what plain Node loads,
 * as `npm run bench` runs the room): the class is a named export of the first and sits under
 * `default` in the second. Found in either.
 */
const { RRule } = "RRule" in rruleModule && rruleModule.RRule ? rruleModule : (rruleModule as unknown as { default: typeof rruleModule }).default;

export { describeRecurrence, MAX_TIMES_A_DAY, RRULE_FREQS, RRULE_MAX_LENGTH, RruleSchema } from "./rrule-text.ts";

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

/**
 * The rule as stored (S16): hour and minute written out (from `start`'s wall
 * time, or 9:00 when `start` is null), the day a WEEKLY, MONTHLY or YEARLY rule
 * repeats on (from the start day), a `Z` UNTIL moved to local wall time, and
 * COUNT turned into the UNTIL of its last occurrence counted from `from`.
 * Then the rule needs no DTSTART. Fails when the rule never occurs.
 */
export function normalizeRule(text: string, timeZone: string, start: number | null, from: number): Result<string> {
  try {
    return normalized(text, timeZone, start, from);
  } catch {
    // The caps of split() admit only rules rrule reads; this keeps a surprise from failing the command mid-write.
    return fail("invalid_request", "rrule could not be read");
  }
}

function normalized(text: string, timeZone: string, start: number | null, from: number): Result<string> {
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

