/**
 * How long each "Snooze" choice of the Upcoming reminders list waits. The
 * room snoozes by minutes from now (S4); "Tomorrow morning" is 9:00 the next
 * local day in the user's zone, DST-aware — rounded up, since the room counts
 * from its own clock, a moment later: never 8:59.
 */
import { localDate, zonedToUtc } from "../../shared/dates.ts";

export const MORNING_HOUR = 9;
/** The room's cap on one snooze (shared/commands.ts ReminderSnoozeSchema). */
const MAX_MINUTES = 7 * 24 * 60;

export type SnoozeChoice = "10m" | "1h" | "morning";

export const SNOOZE_CHOICES: readonly { choice: SnoozeChoice; label: string; spoken: string }[] = [
  { choice: "10m", label: "10 min", spoken: "10 minutes" },
  { choice: "1h", label: "1 hour", spoken: "1 hour" },
  { choice: "morning", label: "Tomorrow", spoken: "until tomorrow morning" },
];

export function snoozeMinutes(choice: SnoozeChoice, now: Date, timeZone: string): number {
  if (choice === "10m") return 10;
  if (choice === "1h") return 60;
  const [y, m, d] = localDate(timeZone, now).split("-").map(Number);
  const morning = zonedToUtc(timeZone, y!, m!, d! + 1, MORNING_HOUR, 0);
  return Math.min(MAX_MINUTES, Math.max(1, Math.ceil((morning.getTime() - now.getTime()) / 60_000)));
}
