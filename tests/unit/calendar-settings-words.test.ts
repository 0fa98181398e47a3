/** Settings → Calendars in words (docs/PROTOCOL.md K2, K9): status lines and the add form's checks. */
import { describe, expect, it } from "vitest";
import { bodyOf, EMPTY_DRAFT, lastSyncWords, statusWords } from "../../web/lib/calendar-sources.ts";

const NOW = Date.parse("2026-11-25T15:00:00.000Z");
const base = { id: "s1", kind: "caldav" as const, name: "Work", writable: true };

describe("Web — calendar sources in words", () => {
  it("[K9] the last sync reads as a person says it, in the preference zone", () => {
    expect(lastSyncWords(null, NOW, "UTC")).toBe("Never synced");
    expect(lastSyncWords(new Date(NOW - 20_000).toISOString(), NOW, "UTC")).toBe("Synced just now");
    expect(lastSyncWords(new Date(NOW - 60_000).toISOString(), NOW, "UTC")).toBe("Synced 1 minute ago");
    expect(lastSyncWords(new Date(NOW - 14 * 60_000).toISOString(), NOW, "UTC")).toBe("Synced 14 minutes ago");
    expect(lastSyncWords("2026-11-25T09:30:00.000Z", NOW, "America/New_York")).toBe("Last synced Nov 25, 4:30 AM");
  });

  it("[K9] pending, ok and error each have their line; an error says it retries by itself", () => {
    expect(statusWords({ ...base, status: "pending", lastSyncAt: null }, NOW, "UTC")).toBe("Syncing for the first time…");
    expect(statusWords({ ...base, status: "ok", lastSyncAt: new Date(NOW - 5 * 60_000).toISOString() }, NOW, "UTC")).toBe("Synced 5 minutes ago");
    expect(statusWords({ ...base, status: "error", lastSyncAt: null, error: "the server refused the username or password" }, NOW, "UTC")).toBe(
      "Can't sync: the server refused the username or password. Trying again automatically.",
    );
  });

  it("[K2] the form checks the room's caps before sending, and sends no empty name", () => {
    expect(bodyOf({ ...EMPTY_DRAFT, url: "" })).toMatchObject({ ok: false, field: "url" });
    expect(bodyOf({ ...EMPTY_DRAFT, url: "ftp://x.example/a.ics" })).toMatchObject({ ok: false, field: "url" });
    expect(bodyOf({ ...EMPTY_DRAFT, url: " https://calendar.example.com/a.ics " })).toEqual({ ok: true, body: { kind: "ics", url: "https://calendar.example.com/a.ics" } });
    const caldav = { ...EMPTY_DRAFT, kind: "caldav" as const, url: "https://dav.example.com/", username: "hana", password: "pw", name: " Work " };
    expect(bodyOf(caldav)).toEqual({ ok: true, body: { kind: "caldav", url: "https://dav.example.com/", username: "hana", password: "pw", name: "Work" } });
    expect(bodyOf({ ...caldav, password: "" })).toMatchObject({ ok: false, field: "password" });
    expect(bodyOf({ ...caldav, password: "p".repeat(501) })).toMatchObject({ ok: false, field: "password" });
    expect(bodyOf({ ...caldav, username: "u".repeat(201) })).toMatchObject({ ok: false, field: "username" });
    expect(bodyOf({ ...caldav, name: "n".repeat(101) })).toMatchObject({ ok: false, field: "name" });
  });
});
