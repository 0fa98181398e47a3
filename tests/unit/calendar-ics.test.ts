/**
 * ICS parsing and expansion (docs/PROTOCOL.md K6): exact instants for a weekly
 * meeting across the New York DST change (zone defined by a VTIMEZONE under a
 * non-IANA name), an EXDATE, an overridden occurrence, a TZID that is an IANA
 * name without a VTIMEZONE, an all-day event and a floating time read in the
 * preference zone, and the window.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { eventId, parseIcs } from "../../party/calendar/ics-parse.ts";
import { windowAt } from "../../party/calendar/sync-window.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/ics/${name}`, import.meta.url), "utf8");
const NOW = Date.parse("2026-03-01T00:00:00Z");
const ctx = (timeZone: string) => ({ sourceId: "src-1", timeZone, window: windowAt(NOW) });

function events(name: string, timeZone = "Europe/Paris") {
  const parsed = parseIcs(fixture(name), ctx(timeZone));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value.flatMap((o) => o.events).sort((a, b) => a.start.localeCompare(b.start));
}

describe("Calendar — ICS parsing", () => {
  it("[K6] a weekly meeting keeps 10:00 New York time across the DST change (VTIMEZONE), skips its EXDATE and applies its override", () => {
    const got = events("weekly-dst-vtimezone.ics").map((e) => [e.title, e.start, e.end, e.recurrenceId]);
    expect(got).toEqual([
      ["Weekly sync", "2026-03-02T15:00:00.000Z", "2026-03-02T16:00:00.000Z", "2026-03-02T15:00:00.000Z"],
      // DST began on 8 March: 10:00 is now 14:00 UTC.
      ["Weekly sync", "2026-03-09T14:00:00.000Z", "2026-03-09T15:00:00.000Z", "2026-03-09T14:00:00.000Z"],
      // 16 March is an EXDATE; 23 March was moved to 11:30.
      ["Weekly sync (moved)", "2026-03-23T15:30:00.000Z", "2026-03-23T16:30:00.000Z", "2026-03-23T14:00:00.000Z"],
    ]);
    expect(events("weekly-dst-vtimezone.ics")[0]?.location).toBe("Room 4");
  });

  it("[K6] occurrences keep one id per (source, UID, original start), whatever the override changes", () => {
    const [first, , moved] = events("weekly-dst-vtimezone.ics");
    expect(first?.id).toBe(eventId("src-1", "weekly-sync@fixture", "2026-03-02T15:00:00.000Z"));
    expect(moved?.id).toBe(eventId("src-1", "weekly-sync@fixture", "2026-03-23T14:00:00.000Z"));
    expect(moved?.id).toMatch(/^[A-Za-z0-9-]{1,64}$/);
    expect(new Set(events("weekly-dst-vtimezone.ics").map((e) => e.id)).size).toBe(3);
  });

  it("[K6] a TZID that is an IANA name without a VTIMEZONE is read in that zone (DST included), DURATION gives the end, a cancelled occurrence is gone", () => {
    const got = events("iana-no-vtimezone.ics").map((e) => [e.start, e.end]);
    expect(got).toEqual([
      ["2026-03-06T14:30:00.000Z", "2026-03-06T14:45:00.000Z"],
      // 7 March: STATUS:CANCELLED in its override.
      ["2026-03-08T13:30:00.000Z", "2026-03-08T13:45:00.000Z"],
      ["2026-03-09T13:30:00.000Z", "2026-03-09T13:45:00.000Z"],
    ]);
  });

  it("[K6] an all-day event spans local midnights in the preference zone; a floating time is read in it", () => {
    const paris = events("all-day-and-floating.ics", "Europe/Paris");
    expect(paris.map((e) => [e.title, e.allDay, e.start, e.end])).toEqual([
      ["Team offsite", true, "2026-03-09T23:00:00.000Z", "2026-03-11T23:00:00.000Z"],
      ["Dentist", false, "2026-03-12T08:00:00.000Z", "2026-03-12T08:45:00.000Z"],
    ]);
    const tokyo = events("all-day-and-floating.ics", "Asia/Tokyo");
    expect(tokyo.map((e) => [e.title, e.start])).toEqual([
      ["Team offsite", "2026-03-09T15:00:00.000Z"],
      ["Dentist", "2026-03-12T00:00:00.000Z"],
    ]);
  });

  it("[K7] events wholly outside the window (30 days back, 365 ahead) are not kept", () => {
    expect(events("all-day-and-floating.ics").some((e) => e.title === "Old call")).toBe(false);
    const far = parseIcs(fixture("weekly-dst-vtimezone.ics"), { sourceId: "s", timeZone: "UTC", window: windowAt(Date.parse("2028-01-01T00:00:00Z")) });
    expect(far.ok && far.value.flatMap((o) => o.events)).toEqual([]);
  });

  it("[K6] text that is not iCalendar is an error value, never a throw", () => {
    const bad = parseIcs("<html>hello</html>", ctx("UTC"));
    expect(bad.ok).toBe(false);
    const notCalendar = parseIcs("BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n", ctx("UTC"));
    expect(notCalendar.ok).toBe(false);
  });
});
