/**
 * The Settings view's form (W35) as plain data: the draft read from the
 * preferences, its validation (shown inline, field by field), and the patch
 * that sends only what the user changed — so the timeline says "set quiet
 * hours to 23:00–07:00", not every preference, and saving work hours is not
 * choosing a time zone (S12).
 */
import { DEFAULT_PREFERENCES, type Preferences, type PreferencesPatch, planTimeProblem, TimeZoneSchema } from "../../shared/domain.ts";

export type SettingsDraft = {
  timezone: string;
  workStart: string;
  workEnd: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  workDays: number[];
  enabled: boolean;
  reminders: boolean;
  assistant: boolean;
  quietOn: boolean;
  quietStart: string;
  quietEnd: string;
  dailyPlan: boolean;
  dailyPlanTime: string;
};

export type DraftErrors = Partial<Record<keyof SettingsDraft, string>>;

/** `zone` is the zone times show in now (useZone): the device's while none was ever set. */
export function draftOf(prefs: Preferences, zone: string): SettingsDraft {
  const n = prefs.notifications;
  return {
    timezone: zone,
    workStart: prefs.workHours.start,
    workEnd: prefs.workHours.end,
    workDays: [...prefs.workHours.days].sort(),
    enabled: n.enabled,
    reminders: n.reminders,
    assistant: n.assistant,
    quietOn: n.quietHours !== null,
    quietStart: n.quietHours?.start ?? "22:00",
    quietEnd: n.quietHours?.end ?? "07:00",
    dailyPlan: n.dailyPlan,
    dailyPlanTime: n.dailyPlanTime,
  };
}

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Inline errors by field; empty when the draft can be saved. */
export function validateDraft(d: SettingsDraft): DraftErrors {
  const errors: DraftErrors = {};
  if (!TimeZoneSchema.safeParse(d.timezone.trim()).success) errors.timezone = "Unknown time zone: pick one from the list, e.g. Europe/Paris.";
  if (!CLOCK.test(d.workStart)) errors.workStart = "Enter a time, e.g. 09:00.";
  if (!CLOCK.test(d.workEnd)) errors.workEnd = "Enter a time, e.g. 17:00.";
  else if (d.workStart === d.workEnd) errors.workEnd = "Work cannot start and end at the same time.";
  if (d.workDays.length === 0) errors.workDays = "Pick at least one work day.";
  if (d.quietOn) {
    if (!CLOCK.test(d.quietStart)) errors.quietStart = "Enter a time, e.g. 22:00.";
    if (!CLOCK.test(d.quietEnd)) errors.quietEnd = "Enter a time, e.g. 07:00.";
    else if (d.quietStart === d.quietEnd) errors.quietEnd = "Quiet hours cannot start and end at the same time.";
  }
  if (!CLOCK.test(d.dailyPlanTime)) errors.dailyPlanTime = "Enter a time, e.g. 09:00.";
  else if (!errors.workStart && !errors.workEnd) {
    // S5: the room refuses a plan time outside work hours; say so here, beside the field.
    const problem = planTimeProblem({
      ...DEFAULT_PREFERENCES,
      workHours: { start: d.workStart, end: d.workEnd, days: d.workDays },
      notifications: { ...DEFAULT_PREFERENCES.notifications, dailyPlanTime: d.dailyPlanTime },
    });
    if (problem) errors.dailyPlanTime = `The daily plan comes during work hours: pick a time from ${d.workStart} to before ${d.workEnd}.`;
  }
  return errors;
}

const sameDays = (a: readonly number[], b: readonly number[]) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

/** Only what changed from `prefs` (and from the zone shown, `zone`); null when nothing did. */
export function patchOf(prefs: Preferences, zone: string, d: SettingsDraft): PreferencesPatch | null {
  const patch: PreferencesPatch = {};
  const timezone = d.timezone.trim();
  // S12: the zone is sent only when the user changed it; then it is their choice.
  if (timezone !== zone) Object.assign(patch, { timezone, timezoneSource: "user" as const });
  const work: NonNullable<PreferencesPatch["workHours"]> = {};
  if (d.workStart !== prefs.workHours.start) work.start = d.workStart;
  if (d.workEnd !== prefs.workHours.end) work.end = d.workEnd;
  if (!sameDays(d.workDays, prefs.workHours.days)) work.days = [...d.workDays].sort();
  if (Object.keys(work).length > 0) patch.workHours = work;
  const n = prefs.notifications;
  const notifications: NonNullable<PreferencesPatch["notifications"]> = {};
  if (d.enabled !== n.enabled) notifications.enabled = d.enabled;
  if (d.reminders !== n.reminders) notifications.reminders = d.reminders;
  if (d.assistant !== n.assistant) notifications.assistant = d.assistant;
  const quiet = d.quietOn ? { start: d.quietStart, end: d.quietEnd } : null;
  if (JSON.stringify(quiet) !== JSON.stringify(n.quietHours)) notifications.quietHours = quiet;
  if (d.dailyPlan !== n.dailyPlan) notifications.dailyPlan = d.dailyPlan;
  if (d.dailyPlanTime !== n.dailyPlanTime) notifications.dailyPlanTime = d.dailyPlanTime;
  if (Object.keys(notifications).length > 0) patch.notifications = notifications;
  return Object.keys(patch).length > 0 ? patch : null;
}
