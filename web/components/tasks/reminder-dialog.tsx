/**
 * Edits a reminder (S24, S21): its title, its time in the user's zone (W5),
 * and whether it repeats — never, every day, every weekday, every week on a
 * day — or, for a rule made elsewhere (the assistant, the API), the rule in
 * words, kept as it is. Cancel ends the reminder, the whole series for a
 * recurring one (S4).
 */
import { useState } from "react";
import type { Reminder } from "../../../shared/domain.ts";
import { DAY_CODES, describeRecurrence, presetOf, presetRule, type RepeatPreset } from "../../../shared/rrule-text.ts";
import { dueFromPicker, pickerFromDue } from "../../../shared/task-input.ts";
import type { Zone } from "../../hooks/use-zone.ts";
import { Modal } from "./modal.tsx";

export type ReminderEdit = { title?: string; at?: string; rrule?: string | null };

type Props = { reminder: Reminder | null; zone: Zone; busy: boolean; onSave: (reminder: Reminder, edit: ReminderEdit) => void; onCancelReminder: (reminder: Reminder) => void; onClose: () => void };

const FIELD = "w-full rounded-lg border border-stone-300 bg-white px-3 py-2 text-sm outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:min-h-11 dark:border-stone-600 dark:bg-stone-800 dark:[color-scheme:dark]";
const DAY_LABELS: Record<(typeof DAY_CODES)[number], string> = { MO: "Monday", TU: "Tuesday", WE: "Wednesday", TH: "Thursday", FR: "Friday", SA: "Saturday", SU: "Sunday" };
type Kind = RepeatPreset["kind"];
const KINDS: readonly Kind[] = ["never", "daily", "weekdays", "weekly", "custom"];

export function ReminderDialog({ reminder, zone, busy, onSave, onCancelReminder, onClose }: Props) {
  return (
    <Modal open={reminder !== null} onClose={onClose} labelledBy="reminder-edit-title" testId="reminder-dialog">
      {reminder && <ReminderForm key={`${reminder.id}|${reminder.at}|${reminder.rrule ?? ""}`} reminder={reminder} zone={zone} busy={busy} onSave={(edit) => onSave(reminder, edit)} onCancelReminder={() => onCancelReminder(reminder)} onClose={onClose} />}
    </Modal>
  );
}

const two = (n: number) => String(n).padStart(2, "0");

function ReminderForm({ reminder, zone, busy, onSave, onCancelReminder, onClose }: { reminder: Reminder; zone: Zone; busy: boolean; onSave: (edit: ReminderEdit) => void; onCancelReminder: () => void; onClose: () => void }) {
  const initial = presetOf(reminder.rrule);
  const picked = pickerFromDue(reminder.at, zone.zone);
  const [title, setTitle] = useState(reminder.title);
  const [kind, setKind] = useState<Kind>(initial.preset.kind);
  // The local day of its next time: "every week on…" starts on that day.
  const weekday = DAY_CODES[(new Date(`${picked.date}T12:00:00Z`).getUTCDay() + 6) % 7] ?? "MO";
  const [day, setDay] = useState<(typeof DAY_CODES)[number]>(initial.preset.kind === "weekly" ? initial.preset.day : weekday);
  const [date, setDate] = useState(picked.date);
  const [time, setTime] = useState(initial.hour !== null && initial.minute !== null ? `${two(initial.hour)}:${two(initial.minute)}` : picked.time);
  const custom = initial.preset.kind === "custom" ? initial.preset.rrule : null;
  const clock = /^(\d{2}):(\d{2})$/.exec(time);
  const preset: RepeatPreset = kind === "weekly" ? { kind, day } : kind === "custom" ? { kind, rrule: custom ?? "" } : { kind };
  const rrule = clock ? presetRule(preset, Number(clock[1]), Number(clock[2])) : null;
  const at = kind === "never" ? dueFromPicker(date, time, zone.zone) : null;
  const valid = title.trim().length > 0 && (kind === "never" ? at !== null && at.length > 10 : kind === "custom" || clock !== null);
  const recurring = reminder.rrule !== undefined;

  const submit = () => {
    if (!valid) return;
    const edit: ReminderEdit = {};
    if (title.trim() !== reminder.title) edit.title = title.trim();
    if (kind === "never") {
      if (at && at !== reminder.at) edit.at = at;
      if (recurring) edit.rrule = null;
    } else if (kind !== "custom" && rrule !== reminder.rrule) {
      edit.rrule = rrule;
    }
    if (Object.keys(edit).length === 0) return onClose();
    onSave(edit);
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h2 id="reminder-edit-title" className="text-lg font-semibold">
        Edit reminder
      </h2>
      <p data-testid="reminder-dialog-words" className="mt-0.5 text-sm break-words text-stone-600 dark:text-stone-400">
        {reminder.rrule ? `${describeRecurrence(reminder.rrule, zone.zone)} · next ${zone.due(reminder.at)}` : zone.due(reminder.at)}
      </p>
      <label htmlFor="reminder-title" className="mt-4 block text-sm font-medium">
        Title
      </label>
      <input id="reminder-title" autoFocus value={title} maxLength={500} onChange={(e) => setTitle(e.target.value)} className={`mt-1 ${FIELD}`} />
      <label htmlFor="reminder-repeat" className="mt-4 block text-sm font-medium">
        Repeat
      </label>
      <select id="reminder-repeat" value={kind} onChange={(e) => setKind(KINDS.find((k) => k === e.target.value) ?? kind)} className={`mt-1 ${FIELD}`}>
        <option value="never">Never</option>
        <option value="daily">Every day</option>
        <option value="weekdays">Every weekday</option>
        <option value="weekly">Every week on…</option>
        {custom && <option value="custom">Custom</option>}
      </select>
      {kind === "weekly" && (
        <>
          <label htmlFor="reminder-day" className="mt-3 block text-sm font-medium">
            Day
          </label>
          <select id="reminder-day" value={day} onChange={(e) => setDay(DAY_CODES.find((d) => d === e.target.value) ?? day)} className={`mt-1 ${FIELD}`}>
            {DAY_CODES.map((d) => (
              <option key={d} value={d}>
                {DAY_LABELS[d]}
              </option>
            ))}
          </select>
        </>
      )}
      {kind === "custom" && custom && (
        <div className="mt-3">
          <p className="text-sm text-stone-600 dark:text-stone-400">Set elsewhere (by the assistant or the API); kept as it is. Choose another repeat to replace it.</p>
          <label htmlFor="reminder-rule" className="mt-2 block text-sm font-medium">
            Rule <span className="font-normal text-stone-500 dark:text-stone-400">(read-only)</span>
          </label>
          <input id="reminder-rule" readOnly value={custom} className={`mt-1 font-mono text-xs ${FIELD}`} />
        </div>
      )}
      <div className={`mt-4 grid gap-3 ${kind === "never" ? "grid-cols-2" : "grid-cols-1"}`}>
        {kind === "never" && (
          <div>
            <label htmlFor="reminder-date" className="block text-sm font-medium">
              Date
            </label>
            <input id="reminder-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} className={`mt-1 ${FIELD}`} />
          </div>
        )}
        {kind !== "custom" && (
          <div>
            <label htmlFor="reminder-time" className="block text-sm font-medium">
              Time
            </label>
            <input id="reminder-time" type="time" required value={time} onChange={(e) => setTime(e.target.value)} className={`mt-1 ${FIELD}`} />
          </div>
        )}
      </div>
      {zone.traveller && <p className="mt-2 text-xs text-stone-600 dark:text-stone-400">Times are in {zone.zone}.</p>}
      <div className="mt-5 flex flex-wrap items-center justify-between gap-2">
        <button type="button" disabled={busy} onClick={onCancelReminder} className="rounded-lg px-3 py-2 text-sm text-red-700 outline-none hover:bg-red-50 focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-40 max-md:min-h-11 dark:text-red-400 dark:hover:bg-red-950/50">
          {recurring ? "Cancel series" : "Cancel reminder"}
        </button>
        <div className="flex gap-2">
          <button type="button" onClick={onClose} className="rounded-lg border border-stone-300 px-3 py-2 text-sm outline-none hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:min-h-11 dark:border-stone-600 dark:hover:bg-stone-800">
            Close
          </button>
          <button type="submit" disabled={busy || !valid} className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-medium text-white outline-none hover:bg-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 disabled:opacity-50 max-md:min-h-11 dark:focus-visible:ring-offset-stone-900">
            Save
          </button>
        </div>
      </div>
    </form>
  );
}
