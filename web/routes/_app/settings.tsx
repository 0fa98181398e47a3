/**
 * Settings (W35): time zone, work hours, notifications, quiet hours, the
 * daily plan — the room's preferences, saved with inline feedback — then the
 * calendars (K1–K10), this device's name, and signing out (which clears this user's data on this
 * browser, W33).
 */
import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { createFileRoute } from "@tanstack/react-router";
import { LogOut } from "lucide-react";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { toast } from "sonner";
import type { Preferences, PreferencesPatch } from "../../../shared/domain.ts";
import { CalendarSettings } from "../../components/calendar-settings.tsx";
import { DataSettings } from "../../components/data-settings.tsx";
import { DeviceNameForm } from "../../components/device-name-form.tsx";
import { McpSettings } from "../../components/mcp-settings.tsx";
import { PushSettings } from "../../components/push-settings.tsx";
import { SignOutConfirm } from "../../components/sign-out-confirm.tsx";
import { VoiceSettings } from "../../components/voice-settings.tsx";
import { Toggle } from "../../components/toggle.tsx";
import { useSignOut } from "../../hooks/use-sign-out.ts";
import { useZone } from "../../hooks/use-zone.ts";
import { signedIn } from "../../lib/account.ts";
import { api } from "../../lib/api.ts";
import { stateQuery } from "../../lib/queries.ts";
import { type DraftErrors, draftOf, patchOf, type SettingsDraft, validateDraft } from "../../lib/settings-form.ts";

export const Route = createFileRoute("/_app/settings")({
  loader: ({ context }) => context.queryClient.ensureQueryData(stateQuery()),
  component: SettingsView,
});

const ZONES = Intl.supportedValuesOf("timeZone");
const DAYS = [
  [1, "Mon"],
  [2, "Tue"],
  [3, "Wed"],
  [4, "Thu"],
  [5, "Fri"],
  [6, "Sat"],
  [7, "Sun"],
] as const;

const input =
  "mt-1 block min-h-11 w-full rounded-lg border border-stone-300 bg-white px-3 py-2 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 aria-[invalid=true]:border-red-600 dark:border-stone-700 dark:bg-stone-900";
const card = "rounded-xl border border-stone-200 bg-white p-4 md:p-6 dark:border-stone-800 dark:bg-stone-900";
const button =
  "min-h-11 rounded-lg px-4 text-sm font-medium focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none dark:focus-visible:ring-offset-stone-950";

function SettingsView() {
  const { data } = useSuspenseQuery(stateQuery());
  const zone = useZone();
  const queryClient = useQueryClient();
  const account = signedIn();
  const signOut = useSignOut();
  const prefs = data.preferences;
  // Held here, not in the form: a save re-keys the form (below), and "Saved" must outlive it.
  const [status, setStatus] = useState<Status>(null);
  const save = useMutation({
    mutationFn: (patch: PreferencesPatch) => api.preferences(patch),
    onSuccess: async (saved) => {
      queryClient.setQueryData(stateQuery().queryKey, (s) => (s ? { ...s, preferences: saved } : s));
      setStatus({ kind: "saved", text: "Saved" });
      toast.success("Settings saved");
    },
    onError: (error) => {
      const text = error instanceof Error ? error.message : String(error);
      setStatus({ kind: "failed", text: `Not saved: ${text}` });
      toast.error(`Settings not saved: ${text}`);
    },
  });
  return (
    <div className="mx-auto max-w-3xl space-y-8 p-4 md:p-8">
      <h1 tabIndex={-1} className="w-fit text-2xl font-semibold tracking-tight">Settings</h1>
      {/* Keyed by what the room holds: a change saved here or on another device starts the form again from it. */}
      <PreferencesForm
        key={`${JSON.stringify(prefs)}|${zone.zone}`}
        prefs={prefs}
        zone={zone.zone}
        deviceZone={zone.device}
        save={(patch) => {
          setStatus(null);
          save.mutate(patch);
        }}
        saving={save.isPending}
        status={status}
        setStatus={setStatus}
      />
      <section aria-labelledby="calendars-heading" className={card}>
        <h2 id="calendars-heading" className="text-lg font-semibold">Calendars</h2>
        <CalendarSettings />
      </section>
      <section aria-labelledby="mcp-heading" className={card}>
        <h2 id="mcp-heading" className="text-lg font-semibold">Tools (MCP)</h2>
        <McpSettings />
      </section>
      <section aria-labelledby="voice-heading" className={card}>
        <h2 id="voice-heading" className="text-lg font-semibold">Voice</h2>
        <VoiceSettings />
      </section>
      <section aria-labelledby="device-heading" className={card}>
        <h2 id="device-heading" className="text-lg font-semibold">This device</h2>
        <DeviceNameForm className="mt-3" />
      </section>
      <section aria-labelledby="data-heading" className={card}><h2 id="data-heading" className="text-lg font-semibold">Your data</h2><DataSettings /></section>
      <section aria-labelledby="account-heading" className={card}>
        <h2 id="account-heading" className="text-lg font-semibold">Account</h2>
        <p className="mt-2 text-sm">
          Signed in as <strong data-testid="settings-user">{account?.name ?? data.userId}</strong>.
        </p>
        <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">Signing out removes your tasks, notes and unsent messages from this browser. They stay safe in your account.</p>
        <button
          type="button"
          onClick={signOut.request}
          className={`${button} mt-4 inline-flex items-center gap-2 border border-stone-300 hover:bg-stone-100 dark:border-stone-700 dark:hover:bg-stone-800`}
        >
          <LogOut className="size-4" aria-hidden /> Sign out
        </button>
        <SignOutConfirm {...signOut} />
      </section>
    </div>
  );
}

type Status = { kind: "saved" | "unchanged" | "failed"; text: string } | null;

/** The keys of the draft that are switches. */
type SwitchKey = { [K in keyof SettingsDraft]: SettingsDraft[K] extends boolean ? K : never }[keyof SettingsDraft];

type FormProps = {
  prefs: Preferences;
  zone: string;
  deviceZone: string;
  save: (patch: PreferencesPatch) => void;
  saving: boolean;
  status: Status;
  setStatus: (status: Status) => void;
};

function PreferencesForm({ prefs, zone, deviceZone, save, saving, status, setStatus }: FormProps) {
  const [draft, setDraft] = useState<SettingsDraft>(() => draftOf(prefs, zone));
  const [errors, setErrors] = useState<DraftErrors>({});
  const set = <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setStatus(null);
    if (errors[key]) setErrors((e) => ({ ...e, [key]: undefined }));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateDraft(draft);
    setErrors(found);
    if (Object.values(found).some(Boolean)) {
      setStatus({ kind: "failed", text: "Check the fields marked above." });
      return;
    }
    const patch = patchOf(prefs, zone, draft);
    if (!patch) return setStatus({ kind: "unchanged", text: "Nothing to save: no setting changed." });
    save(patch);
  };
  const useDeviceZone = () => save({ timezone: deviceZone, timezoneSource: "user" });
  const check = (key: SwitchKey, label: string, help?: string) => <Toggle checked={draft[key]} onChange={(v) => set(key, v)} label={label} help={help} />;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="prefs-heading" className="space-y-6">
      <h2 id="prefs-heading" className="sr-only">Preferences</h2>
      <section className={card}>
        <h3 id="zone-heading" className="text-lg font-semibold">Time zone</h3>
        <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">Every time in the app and in the assistant's replies is shown in it.</p>
        <Field label="Time zone" error={errors.timezone}>
          {(props) => <input {...props} list="zones" value={draft.timezone} onChange={(e) => set("timezone", e.target.value)} className={input} autoComplete="off" spellCheck={false} />}
        </Field>
        <datalist id="zones">
          {ZONES.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        {zone !== deviceZone && (
          <button type="button" disabled={saving} onClick={useDeviceZone} className={`${button} mt-3 border border-stone-300 hover:bg-stone-100 dark:border-stone-700 dark:hover:bg-stone-800`}>
            Use this device's zone ({deviceZone})
          </button>
        )}
      </section>

      <section className={card}>
        <h3 id="work-heading" className="text-lg font-semibold">Work hours</h3>
        <div className="mt-2 grid grid-cols-2 gap-3">
          <Field label="Work starts" error={errors.workStart}>
            {(props) => <input {...props} type="time" value={draft.workStart} onChange={(e) => set("workStart", e.target.value)} className={input} />}
          </Field>
          <Field label="Work ends" error={errors.workEnd}>
            {(props) => <input {...props} type="time" value={draft.workEnd} onChange={(e) => set("workEnd", e.target.value)} className={input} />}
          </Field>
        </div>
        <fieldset className="mt-4" aria-describedby={errors.workDays ? "work-days-error" : undefined}>
          <legend className="text-sm font-medium">Work days</legend>
          <div className="mt-1 flex flex-wrap gap-1">
            {DAYS.map(([day, label]) => (
              <label key={day} className="inline-flex min-h-11 min-w-11 cursor-pointer items-center justify-center rounded-lg border border-stone-300 px-3 text-sm has-checked:border-indigo-600 has-checked:bg-indigo-50 has-checked:text-indigo-800 has-focus-visible:ring-2 has-focus-visible:ring-indigo-500 dark:border-stone-700 dark:has-checked:bg-indigo-950 dark:has-checked:text-indigo-200">
                <input
                  type="checkbox"
                  className="sr-only"
                  checked={draft.workDays.includes(day)}
                  onChange={(e) => set("workDays", e.target.checked ? [...draft.workDays, day] : draft.workDays.filter((d) => d !== day))}
                />
                {label}
              </label>
            ))}
          </div>
          {errors.workDays && <p id="work-days-error" className="mt-1 text-sm text-red-700 dark:text-red-400">{errors.workDays}</p>}
        </fieldset>
      </section>

      <section className={card}>
        <h3 id="notify-heading" className="text-lg font-semibold">Notifications</h3>
        <div className="mt-2 space-y-1">
          {check("enabled", "In-app notifications", "Reminders and the daily plan appear on the device you are using.")}
          {check("reminders", "Reminders")}
          {check("assistant", "Tell me when the assistant finishes while I'm away")}
        </div>
        <div className="mt-4 border-t border-stone-200 pt-4 dark:border-stone-800">
          <PushSettings />
        </div>
      </section>

      <section className={card}>
        <h3 id="quiet-heading" className="text-lg font-semibold">Quiet hours</h3>
        {check("quietOn", "Hold notifications during quiet hours", "Nothing is pushed between these times; it waits in the inbox.")}
        {draft.quietOn && (
          <div className="mt-2 grid grid-cols-2 gap-3">
            <Field label="Quiet from" error={errors.quietStart}>
              {(props) => <input {...props} type="time" value={draft.quietStart} onChange={(e) => set("quietStart", e.target.value)} className={input} />}
            </Field>
            <Field label="Quiet until" error={errors.quietEnd}>
              {(props) => <input {...props} type="time" value={draft.quietEnd} onChange={(e) => set("quietEnd", e.target.value)} className={input} />}
            </Field>
          </div>
        )}
      </section>

      <section className={card}>
        <h3 id="plan-heading" className="text-lg font-semibold">Daily plan</h3>
        {check("dailyPlan", "Propose a plan for my day", "On work days, the assistant drafts priorities from your open tasks.")}
        <div className="mt-2">
          <Field label="Plan time" error={errors.dailyPlanTime}>
            {(props) => <input {...props} type="time" value={draft.dailyPlanTime} onChange={(e) => set("dailyPlanTime", e.target.value)} className={`${input} max-w-48`} />}
          </Field>
        </div>
      </section>

      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={saving} className={`${button} bg-indigo-600 text-white hover:bg-indigo-500 disabled:opacity-60`}>
          {saving ? "Saving…" : "Save settings"}
        </button>
        <p role="status" data-testid="settings-status" className={`text-sm ${status?.kind === "failed" ? "text-red-700 dark:text-red-400" : "text-stone-600 dark:text-stone-400"}`}>
          {status?.text ?? ""}
        </p>
      </div>
    </form>
  );
}

type FieldProps = { id: string; "aria-invalid": boolean; "aria-describedby"?: string };

/** A labelled input with its inline error, tied together for screen readers. */
function Field({ label, error, children }: { label: string; error?: string; children: (props: FieldProps) => ReactNode }) {
  const id = useId();
  return (
    <div className="mt-2">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children({ id, "aria-invalid": Boolean(error), ...(error ? { "aria-describedby": `${id}-error` } : {}) })}
      {error && (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}
