import { describe, expect, it } from "vitest";
import { describeRecurrence, lastOccurrence, localToInstant, nextOccurrence, normalizeRule, RruleSchema, validateRrule } from "../../shared/recurrence.ts";

const WEEKDAYS_830 = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=30";
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The occurrences after `from`, `n` of them, as ISO instants. */
function series(rule: string, zone: string, from: string, n: number): string[] {
  const out: string[] = [];
  let t = Date.parse(from);
  for (let i = 0; i < n; i++) {
    const next = nextOccurrence(rule, zone, t);
    if (next === null) break;
    out.push(new Date(next).toISOString());
    t = next;
  }
  return out;
}

describe("Recurrence — wall-clock rules across DST", () => {
  it("[S17] every weekday at 8:30 in New York, across 2026-03-08 (spring forward): weekdays only, 8:30 local before and after", () => {
    // Thu 5 Mar .. Wed 11 Mar 2026. EST = UTC-5 until Sun 8 Mar 02:00, then EDT = UTC-4.
    expect(series(WEEKDAYS_830, "America/New_York", "2026-03-05T00:00:00Z", 5)).toEqual([
      "2026-03-05T13:30:00.000Z", // Thu, EST
      "2026-03-06T13:30:00.000Z", // Fri, EST
      "2026-03-09T12:30:00.000Z", // Mon, EDT (weekend skipped)
      "2026-03-10T12:30:00.000Z",
      "2026-03-11T12:30:00.000Z",
    ]);
  });

  it("[S17] every weekday at 8:30 in New York, across 2026-11-01 (fall back)", () => {
    expect(series(WEEKDAYS_830, "America/New_York", "2026-10-29T00:00:00Z", 4)).toEqual([
      "2026-10-29T12:30:00.000Z", // Thu, EDT
      "2026-10-30T12:30:00.000Z", // Fri, EDT
      "2026-11-02T13:30:00.000Z", // Mon, EST
      "2026-11-03T13:30:00.000Z",
    ]);
  });

  it("[S17] every weekday at 8:30 in Berlin, across 2026-03-29 and 2026-10-25", () => {
    expect(series(WEEKDAYS_830, "Europe/Berlin", "2026-03-26T00:00:00Z", 4)).toEqual([
      "2026-03-26T07:30:00.000Z", // Thu, CET = UTC+1
      "2026-03-27T07:30:00.000Z", // Fri
      "2026-03-30T06:30:00.000Z", // Mon, CEST = UTC+2
      "2026-03-31T06:30:00.000Z",
    ]);
    expect(series(WEEKDAYS_830, "Europe/Berlin", "2026-10-22T00:00:00Z", 4)).toEqual([
      "2026-10-22T06:30:00.000Z", // Thu, CEST
      "2026-10-23T06:30:00.000Z", // Fri
      "2026-10-26T07:30:00.000Z", // Mon, CET
      "2026-10-27T07:30:00.000Z",
    ]);
  });

  it("[S17] a daily time in the spring-forward gap moves forward by the gap; an ambiguous one takes the first instant", () => {
    const daily0230 = "FREQ=DAILY;BYHOUR=2;BYMINUTE=30";
    // New York 2026-03-08 02:30 does not exist: 03:30 EDT = 07:30Z. The day before, 02:30 EST = 07:30Z as well; the day after 02:30 EDT = 06:30Z.
    expect(series(daily0230, "America/New_York", "2026-03-07T00:00:00Z", 3)).toEqual(["2026-03-07T07:30:00.000Z", "2026-03-08T07:30:00.000Z", "2026-03-09T06:30:00.000Z"]);
    // Berlin 2026-03-29 02:30 does not exist: 03:30 CEST = 01:30Z.
    expect(iso(nextOccurrence(daily0230, "Europe/Berlin", Date.parse("2026-03-28T12:00:00Z")))).toBe("2026-03-29T01:30:00.000Z");
    // New York 2026-11-01 01:30 happens twice: the first (EDT, 05:30Z), once.
    const daily0130 = "FREQ=DAILY;BYHOUR=1;BYMINUTE=30";
    expect(series(daily0130, "America/New_York", "2026-10-31T12:00:00Z", 2)).toEqual(["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"]);
    // Berlin 2026-10-25 02:30 happens twice: the first (CEST, 00:30Z).
    expect(iso(nextOccurrence("FREQ=DAILY;BYHOUR=2;BYMINUTE=30", "Europe/Berlin", Date.parse("2026-10-24T12:00:00Z")))).toBe("2026-10-25T00:30:00.000Z");
    expect(iso(localToInstant("America/New_York", new Date(Date.UTC(2026, 2, 8, 2, 30))))).toBe("2026-03-08T07:30:00.000Z");
  });

  it("[S17] next is strictly after; the last missed one is found", () => {
    const at = Date.parse("2026-03-09T12:30:00Z");
    expect(iso(nextOccurrence(WEEKDAYS_830, "America/New_York", at))).toBe("2026-03-10T12:30:00.000Z");
    expect(iso(nextOccurrence(WEEKDAYS_830, "America/New_York", at - 1))).toBe("2026-03-09T12:30:00.000Z");
    // Asleep from Thu 5 Mar to Wed 11 Mar 10:00 local: the latest missed is Wed 8:30 EDT.
    expect(iso(lastOccurrence(WEEKDAYS_830, "America/New_York", Date.parse("2026-03-05T13:30:00Z"), Date.parse("2026-03-11T14:00:00Z")))).toBe("2026-03-11T12:30:00.000Z");
    expect(lastOccurrence(WEEKDAYS_830, "America/New_York", Date.parse("2026-03-07T00:00:00Z"), Date.parse("2026-03-08T23:00:00Z"))).toBeNull();
  });
});

describe("Recurrence — caps and normalization", () => {
  it("[S16] floods, long texts and foreign parts are refused before rrule reads them", () => {
    for (const freq of ["SECONDLY", "MINUTELY", "HOURLY"]) expect(validateRrule(`FREQ=${freq}`).ok).toBe(false);
    expect(validateRrule(`FREQ=DAILY;BYHOUR=${Array.from({ length: 200 }, () => "1").join(",")}`).ok).toBe(false);
    expect(RruleSchema.safeParse(`FREQ=DAILY;${"BYMONTH=1;".repeat(60)}`).success).toBe(false);
    expect(validateRrule("RRULE:FREQ=DAILY").ok).toBe(false);
    expect(validateRrule("FREQ=DAILY\nDTSTART:20260101T000000").ok).toBe(false);
    expect(validateRrule("FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6;BYMINUTE=0,30").ok).toBe(false); // 14 a day
    expect(validateRrule("FREQ=DAILY;BYHOUR=24").ok).toBe(false);
    expect(validateRrule("FREQ=DAILY;COUNT=3;UNTIL=20270101").ok).toBe(false);
    expect(validateRrule("FREQ=WEEKLY;INTERVAL=2").ok).toBe(false);
    expect(validateRrule("FREQ=DAILY;FREQ=WEEKLY").ok).toBe(false);
    expect(validateRrule(WEEKDAYS_830).ok).toBe(true);
    expect(validateRrule("FREQ=MONTHLY;BYMONTHDAY=1;COUNT=3").ok).toBe(true);
  });

  it("[S16] normalizing writes the time and day out, COUNT becomes UNTIL, a never-occurring rule is refused", () => {
    const zone = "America/New_York";
    const now = Date.parse("2026-03-04T15:00:00Z"); // Wed 10:00 EST
    expect(normalizeRule("FREQ=DAILY", zone, null, now)).toEqual({ ok: true, value: "FREQ=DAILY;BYHOUR=9;BYMINUTE=0" });
    expect(normalizeRule("FREQ=WEEKLY", zone, Date.parse("2026-03-06T19:15:00Z"), now)).toEqual({ ok: true, value: "FREQ=WEEKLY;BYDAY=FR;BYHOUR=14;BYMINUTE=15" });
    const counted = normalizeRule("FREQ=DAILY;BYHOUR=8;BYMINUTE=30;COUNT=3", zone, null, now);
    expect(counted).toEqual({ ok: true, value: "FREQ=DAILY;UNTIL=20260307T083000;BYHOUR=8;BYMINUTE=30" });
    if (!counted.ok) return;
    expect(series(counted.value, zone, "2026-03-04T15:00:00Z", 5)).toEqual(["2026-03-05T13:30:00.000Z", "2026-03-06T13:30:00.000Z", "2026-03-07T13:30:00.000Z"]);
    expect(normalizeRule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", zone, null, now).ok).toBe(false);
    expect(normalizeRule("FREQ=DAILY;UNTIL=20250101", zone, null, now).ok).toBe(false);
  });

  it("[S18] rules in English", () => {
    const z = "America/New_York";
    expect(describeRecurrence(WEEKDAYS_830, z)).toBe("Every weekday at 8:30 AM");
    expect(describeRecurrence("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", z)).toBe("Every Monday at 9:00 AM");
    expect(describeRecurrence("FREQ=WEEKLY;BYDAY=TH,MO;BYHOUR=9;BYMINUTE=0", z)).toBe("Every Monday and Thursday at 9:00 AM");
    expect(describeRecurrence("FREQ=DAILY;BYHOUR=18;BYMINUTE=5", z)).toBe("Every day at 6:05 PM");
    expect(describeRecurrence("FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=10;BYMINUTE=0", z)).toBe("Every Saturday and Sunday at 10:00 AM");
    expect(describeRecurrence("FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0", z)).toBe("Every month on the 1st at 9:00 AM");
    expect(describeRecurrence("FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=4;BYHOUR=12;BYMINUTE=0", z)).toBe("Every year on July 4 at 12:00 PM");
    expect(describeRecurrence("FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0", z)).toBe("Every month on the first Monday at 9:00 AM");
    expect(describeRecurrence("FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=17;BYMINUTE=0", z)).toBe("Every month on the last Friday at 5:00 PM");
    expect(describeRecurrence("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1;BYHOUR=9;BYMINUTE=0", z)).toBe("Custom repeat");
    expect(describeRecurrence("FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0;UNTIL=20261231T235959", z)).toBe("Every day at 9:00 AM and 5:00 PM, until December 31, 2026");
  });
});
