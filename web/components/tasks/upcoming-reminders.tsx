/**
 * Upcoming reminders (W23, S24): the pending ones, soonest first, in the user's
 * zone (W5), each with Snooze (10 min, 1 hour, tomorrow morning), Edit and
 * Cancel. A recurring one shows its repeat in words ("Every weekday at
 * 8:30 AM") and its next time. All go to the room (S4, S21), so every device
 * sees the reminder move, change or go.
 */
import { Bell, BellOff, Pencil, Repeat } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import type { Reminder } from "../../../shared/domain.ts";
import type { Zone } from "../../hooks/use-zone.ts";
import { api } from "../../lib/api.ts";
import { SNOOZE_CHOICES, type SnoozeChoice, snoozeMinutes } from "../../lib/reminder-snooze.ts";
import { describeRecurrence } from "../../../shared/rrule-text.ts";
import { ReminderDialog, type ReminderEdit } from "./reminder-dialog.tsx";

/** The pending reminders, soonest first. */
export const upcoming = (reminders: readonly Reminder[]): Reminder[] => reminders.filter((r) => r.status === "pending").sort((a, b) => a.at.localeCompare(b.at));

const SMALL = "rounded-md px-2 py-1 text-xs font-medium outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50 max-md:min-h-11 max-md:min-w-11";

export function UpcomingReminders({ reminders, zone }: { reminders: readonly Reminder[]; zone: Zone }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const list = upcoming(reminders);
  // The live reminder, so an edit made on another device shows in an open dialog; gone (dismissed) closes it.
  const edited = list.find((r) => r.id === editing) ?? null;
  /** True when the room took it; a failure is told and leaves an open dialog open. */
  const run = async (reminder: Reminder, call: () => Promise<Reminder>, said: (r: Reminder) => string): Promise<boolean> => {
    setBusy(reminder.id);
    try {
      const result = await call();
      toast(said(result));
      return true;
      // W10: the event this write records reaches every device — this one too — on the socket and is folded into the cached state; no refetch.
    } catch (err) {
      toast.error(err instanceof Error ? err.message : String(err));
      return false;
    } finally {
      setBusy(null);
    }
  };
  const snooze = (r: Reminder, choice: SnoozeChoice) => run(r, () => api.snoozeReminder(r.id, snoozeMinutes(choice, new Date(), zone.zone)), (s) => `Snoozed until ${zone.due(s.at)}`);
  const cancel = (r: Reminder) => run(r, () => api.dismissReminder(r.id), () => (r.rrule ? "Repeating reminder cancelled" : "Reminder cancelled"));
  const save = (r: Reminder, edit: ReminderEdit) =>
    run(r, () => api.updateReminder(r.id, edit), (s) => `Reminder saved — ${s.rrule ? `${describeRecurrence(s.rrule, zone.zone)}, next ${zone.due(s.at)}` : zone.due(s.at)}`).then((done) => done && setEditing(null));
  return (
    <section aria-labelledby="upcoming-title" className="mt-8">
      <h2 id="upcoming-title" className="flex items-center gap-2 text-sm font-semibold tracking-wide text-stone-600 uppercase dark:text-stone-400">
        <Bell className="size-4" aria-hidden /> Upcoming reminders
      </h2>
      {list.length === 0 ? (
        <p className="mt-2 text-sm text-stone-600 dark:text-stone-400">No reminders set. Ask in Chat: “remind me to call John tomorrow at 3pm”.</p>
      ) : (
        <ul data-testid="reminders" className="mt-2 divide-y divide-stone-200 rounded-xl border border-stone-200 bg-white dark:divide-stone-800 dark:border-stone-800 dark:bg-stone-900">
          {list.map((r) => (
            <li key={r.id} data-reminder-id={r.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2.5">
              <div className="min-w-0 flex-1 max-md:basis-full">
                <div className="truncate text-sm font-medium">{r.title}</div>
                {r.rrule && (
                  <div data-testid="reminder-repeat" className="flex items-center gap-1 text-xs text-indigo-700 dark:text-indigo-300">
                    <Repeat className="size-3" aria-hidden />
                    {describeRecurrence(r.rrule, zone.zone)}
                  </div>
                )}
                <div data-testid="reminder-at" className="text-xs text-stone-600 dark:text-stone-400">
                  {r.rrule ? `Next: ${zone.due(r.at)}` : zone.due(r.at)}
                </div>
              </div>
              <div role="group" aria-label={`Snooze ${r.title}`} className="flex items-center gap-1">
                <span aria-hidden className="text-xs text-stone-600 max-md:hidden dark:text-stone-400">
                  Snooze
                </span>
                {SNOOZE_CHOICES.map((c) => (
                  <button key={c.choice} disabled={busy === r.id} aria-label={`Snooze “${r.title}” ${c.spoken}`} onClick={() => void snooze(r, c.choice)} className={`${SMALL} bg-stone-100 text-stone-800 hover:bg-stone-200 dark:bg-stone-800 dark:text-stone-200 dark:hover:bg-stone-700`}>
                    {c.label}
                  </button>
                ))}
              </div>
              <button disabled={busy === r.id} aria-label={`Edit reminder “${r.title}”`} onClick={() => setEditing(r.id)} className={`${SMALL} flex items-center justify-center gap-1 text-stone-700 hover:bg-stone-100 dark:text-stone-300 dark:hover:bg-stone-800`}>
                <Pencil className="size-3.5" aria-hidden /> <span className="max-md:hidden">Edit</span>
              </button>
              <button disabled={busy === r.id} aria-label={`Cancel reminder “${r.title}”`} onClick={() => void cancel(r)} className={`${SMALL} flex items-center justify-center gap-1 text-red-700 hover:bg-red-50 dark:text-red-400 dark:hover:bg-red-950/50`}>
                <BellOff className="size-3.5" aria-hidden /> <span className="max-md:hidden">Cancel</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <ReminderDialog reminder={edited} zone={zone} busy={busy !== null} onSave={(r, edit) => void save(r, edit)} onCancelReminder={(r) => void cancel(r).then((done) => done && setEditing(null))} onClose={() => setEditing(null)} />
    </section>
  );
}
