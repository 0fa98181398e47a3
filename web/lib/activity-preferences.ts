/** How a change of preferences reads in the Activity view (W34): each changed setting in words, never a field name. */
import type { LedgerEvent } from "../../shared/events.ts";

export function preferencesUpdate(patch: Extract<LedgerEvent, { type: "preferences.updated" }>["payload"]["patch"]): string {
  const parts: string[] = [];
  // S12: a zone a device's hello set (nobody had chosen one) says so, so it does not read as the user's choice.
  if (patch.timezone) parts.push(`set the time zone to ${patch.timezone}${patch.timezoneSource === "device" ? ", the device's own" : ""}`);
  const work = patch.workHours;
  if (work?.start && work.end) parts.push(`set work hours to ${work.start}–${work.end}`);
  else if (work) parts.push("changed the work hours");
  const n = patch.notifications;
  if (n?.enabled !== undefined) parts.push(`turned notifications ${n.enabled ? "on" : "off"}`);
  if (n?.quietHours !== undefined) parts.push(n.quietHours ? `set quiet hours to ${n.quietHours.start}–${n.quietHours.end}` : "turned quiet hours off");
  if (n?.dailyPlan !== undefined) parts.push(n.dailyPlan ? `turned the daily plan on${n.dailyPlanTime ? ` at ${n.dailyPlanTime}` : ""}` : "turned the daily plan off");
  else if (n?.dailyPlanTime) parts.push(`moved the daily plan to ${n.dailyPlanTime}`);
  if (n?.reminders !== undefined) parts.push(`turned reminders ${n.reminders ? "on" : "off"}`);
  if (n?.assistant !== undefined) parts.push(`turned reply notifications ${n.assistant ? "on" : "off"}`);
  return parts.length ? parts.join("; ") : "changed the preferences";
}
