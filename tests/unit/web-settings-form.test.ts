import { describe, expect, it } from "vitest";
import { DEFAULT_PREFERENCES, type Preferences } from "../../shared/domain.ts";
import { draftOf, patchOf, validateDraft } from "../../web/lib/settings-form.ts";

const prefs: Preferences = { ...DEFAULT_PREFERENCES, timezone: "America/New_York", timezoneSource: "device" };

describe("Web — the Settings form (W35)", () => {
  it("[W35] an untouched form sends nothing; a change sends only its own fields", () => {
    const draft = draftOf(prefs, "America/New_York");
    expect(validateDraft(draft)).toEqual({});
    expect(patchOf(prefs, "America/New_York", draft)).toBeNull();
    expect(patchOf(prefs, "America/New_York", { ...draft, workStart: "08:00", quietOn: false })).toEqual({
      workHours: { start: "08:00" },
      notifications: { quietHours: null },
    });
    expect(patchOf(prefs, "America/New_York", { ...draft, workDays: [5, 1, 2, 3, 4] })).toBeNull();
  });

  it("[W35][S12] the zone is sent only when changed, and then as the user's choice", () => {
    const draft = draftOf(prefs, "America/New_York");
    expect(patchOf(prefs, "America/New_York", { ...draft, timezone: " Europe/Paris " })).toEqual({ timezone: "Europe/Paris", timezoneSource: "user" });
  });

  it("[W35][S5] invalid values are named by field: zone, equal times, no work day, a plan time outside work hours", () => {
    const draft = draftOf(prefs, "UTC");
    const errors = validateDraft({ ...draft, timezone: "Mars/Olympus_Mons", workDays: [], quietEnd: "22:00", dailyPlanTime: "20:00" });
    expect(Object.keys(errors).sort()).toEqual(["dailyPlanTime", "quietEnd", "timezone", "workDays"]);
    expect(validateDraft({ ...draft, workStart: "09:00", workEnd: "09:00" }).workEnd).toMatch(/same time/);
    // Night work wraps midnight: a plan at 23:00 is inside 22:00–06:00.
    expect(validateDraft({ ...draft, workStart: "22:00", workEnd: "06:00", dailyPlanTime: "23:00" })).toEqual({});
  });
});
