/**
 * Settings → Calendars (docs/PROTOCOL.md K1–K10): add an ICS subscription
 * address or a CalDAV account, see each calendar's status and last sync in
 * words, sync one now, remove one (after a confirm). The password is sent once,
 * with the add, and never shown or read back (K3).
 */
import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { CalendarPlus, RefreshCw, Trash2 } from "lucide-react";
import { type FormEvent, useEffect, useId, useState } from "react";
import { toast } from "sonner";
import type { CalendarSourceInfo } from "../../shared/calendar.ts";
import { useZone } from "../hooks/use-zone.ts";
import { api } from "../lib/api.ts";
import { bodyOf, type CalendarDraft, EMPTY_DRAFT, statusWords } from "../lib/calendar-sources.ts";
import { calendarSourcesQuery, stateQuery } from "../lib/queries.ts";
import { Modal } from "./tasks/modal.tsx";

const input =
  "mt-1 block min-h-11 w-full rounded-lg border border-stone-300 bg-white px-3 py-2 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 aria-[invalid=true]:border-red-600 dark:border-stone-700 dark:bg-stone-900";
const button =
  "min-h-11 shrink-0 rounded-lg px-4 text-sm font-medium focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none disabled:opacity-60 dark:focus-visible:ring-offset-stone-950";
const secondary = `${button} inline-flex items-center gap-2 border border-stone-300 hover:bg-stone-100 dark:border-stone-700 dark:hover:bg-stone-800`;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function CalendarSettings() {
  const queryClient = useQueryClient();
  const { data: state } = useSuspenseQuery(stateQuery());
  const sources = useQuery(calendarSourcesQuery());
  const zone = useZone();
  const [confirming, setConfirming] = useState<CalendarSourceInfo | null>(null);
  // The state's sources change live with every calendar.* event (K9): read the exact list again then.
  const live = JSON.stringify(state.calendarSources ?? []);
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: calendarSourcesQuery().queryKey });
  }, [live, queryClient]);
  const list = sources.data ?? state.calendarSources ?? [];
  const refresh = () => queryClient.invalidateQueries({ queryKey: calendarSourcesQuery().queryKey });
  const sync = useMutation({
    mutationFn: (id: string) => api.syncCalendarSource(id),
    onSuccess: () => toast.success("Syncing now"),
    onError: (error) => toast.error(`Not synced: ${message(error)}`),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.removeCalendarSource(id),
    onSuccess: async () => {
      setConfirming(null);
      toast.success("Calendar removed");
      await refresh();
    },
    onError: (error) => toast.error(`Not removed: ${message(error)}`),
  });
  const now = Date.now();
  return (
    <div data-testid="calendar-settings">
      <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">
        Your events show in the assistant's answers and your agenda. Calendars sync every 15 minutes; a calendar that can't sync says so here, never in the chat.
      </p>
      {list.length > 0 && (
        <ul className="mt-4 divide-y divide-stone-200 rounded-lg border border-stone-200 dark:divide-stone-800 dark:border-stone-800" aria-label="Your calendars">
          {list.map((s) => (
            <li key={s.id} className="flex flex-col gap-3 p-3 sm:flex-row sm:items-center" data-testid="calendar-source" data-status={s.status}>
              <div className="min-w-0 flex-1">
                <p className="font-medium break-words">
                  {s.name} <span className="text-sm font-normal text-stone-600 dark:text-stone-400">· {s.kind === "ics" ? "Subscription, read-only" : "CalDAV account"}</span>
                </p>
                <p id={`calendar-status-${s.id}`} className={`text-sm ${s.status === "error" ? "text-red-700 dark:text-red-400" : "text-stone-600 dark:text-stone-400"}`}>
                  {statusWords(s, now, zone.zone)}
                </p>
              </div>
              <div className="flex gap-2">
                <button type="button" className={secondary} disabled={sync.isPending && sync.variables === s.id} onClick={() => sync.mutate(s.id)} aria-describedby={`calendar-status-${s.id}`}>
                  <RefreshCw className="size-4" aria-hidden />
                  Sync now<span className="sr-only"> {s.name}</span>
                </button>
                <button type="button" className={`${secondary} text-red-700 dark:text-red-400`} onClick={() => setConfirming(s)}>
                  <Trash2 className="size-4" aria-hidden />
                  Remove<span className="sr-only"> {s.name}</span>
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {list.length === 0 && <p className="mt-4 text-sm">No calendars yet.</p>}
      <AddCalendarForm onAdded={refresh} />
      <Modal open={confirming !== null} onClose={() => setConfirming(null)} labelledBy="remove-calendar-title" testId="remove-calendar-confirm">
        <h2 id="remove-calendar-title" className="text-lg font-semibold">
          Remove “{confirming?.name}”?
        </h2>
        <p className="mt-2 text-sm text-stone-700 dark:text-stone-300">Its events leave your agenda. Nothing is deleted from the calendar itself.</p>
        <div className="mt-5 flex flex-wrap justify-end gap-2">
          <button type="button" autoFocus onClick={() => setConfirming(null)} className={`${button} border border-stone-300 hover:bg-stone-100 dark:border-stone-600 dark:hover:bg-stone-800`}>
            Keep it
          </button>
          <button type="button" disabled={remove.isPending} onClick={() => confirming && remove.mutate(confirming.id)} className={`${button} bg-red-700 text-white hover:bg-red-800`}>
            Remove calendar
          </button>
        </div>
      </Modal>
    </div>
  );
}

function AddCalendarForm({ onAdded }: { onAdded: () => Promise<void> }) {
  const [draft, setDraft] = useState<CalendarDraft>(EMPTY_DRAFT);
  const [error, setError] = useState<{ field: keyof CalendarDraft; message: string } | null>(null);
  const ids = { url: useId(), name: useId(), username: useId(), password: useId(), error: useId() };
  const add = useMutation({
    mutationFn: (body: Parameters<typeof api.addCalendarSource>[0]) => api.addCalendarSource(body),
    onSuccess: async (created) => {
      // The password leaves the form as soon as the room has it.
      setDraft({ ...EMPTY_DRAFT, kind: draft.kind });
      setError(null);
      toast.success(`Added “${created.name}”; syncing now`);
      await onAdded();
    },
    onError: (e) => setError({ field: "url", message: `Not added: ${message(e)}` }),
  });
  const set = <K extends keyof CalendarDraft>(key: K, value: CalendarDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    // Editing the field in question takes its message away.
    setError((e) => (e?.field === key ? null : e));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = bodyOf(draft);
    if (!checked.ok) return setError({ field: checked.field, message: checked.message });
    setError(null);
    add.mutate(checked.body);
  };
  const invalid = (field: keyof CalendarDraft) => (error?.field === field ? { "aria-invalid": true, "aria-describedby": ids.error } : {});
  return (
    <form onSubmit={submit} noValidate className="mt-6 space-y-3" aria-labelledby="add-calendar-heading">
      <h3 id="add-calendar-heading" className="text-base font-semibold">
        Add a calendar
      </h3>
      <fieldset className="flex flex-wrap gap-2">
        <legend className="sr-only">Kind of calendar</legend>
        {(
          [
            ["ics", "Subscription address (ICS)"],
            ["caldav", "CalDAV account"],
          ] as const
        ).map(([kind, label]) => (
          <label key={kind} className="inline-flex min-h-11 cursor-pointer items-center rounded-lg border border-stone-300 px-3 text-sm has-checked:border-indigo-600 has-checked:bg-indigo-50 has-checked:text-indigo-800 has-focus-visible:ring-2 has-focus-visible:ring-indigo-500 dark:border-stone-700 dark:has-checked:bg-indigo-950 dark:has-checked:text-indigo-200">
            <input type="radio" name="calendar-kind" className="sr-only" checked={draft.kind === kind} onChange={() => set("kind", kind)} />
            {label}
          </label>
        ))}
      </fieldset>
      <p className="text-sm text-stone-600 dark:text-stone-400">
        {draft.kind === "ics"
          ? "Paste the calendar's secret address (Google: Settings → your calendar → “Secret address in iCal format”; Outlook and iCloud: share or publish the calendar). Read-only."
          : "Your CalDAV server (iCloud, Fastmail, Nextcloud, Radicale…), with an app password if your provider offers one. The assistant can add events here once you confirm."}
      </p>
      <div>
        <label htmlFor={ids.url} className="text-sm font-medium">
          {draft.kind === "ics" ? "Calendar address" : "Server address"}
        </label>
        <input id={ids.url} type="url" inputMode="url" autoComplete="off" spellCheck={false} value={draft.url} onChange={(e) => set("url", e.target.value)} placeholder="https://" className={input} {...invalid("url")} />
      </div>
      {draft.kind === "caldav" && (
        <div className="grid gap-3 sm:grid-cols-2">
          <div>
            <label htmlFor={ids.username} className="text-sm font-medium">
              Username
            </label>
            <input id={ids.username} autoComplete="username" spellCheck={false} value={draft.username} onChange={(e) => set("username", e.target.value)} className={input} {...invalid("username")} />
          </div>
          <div>
            <label htmlFor={ids.password} className="text-sm font-medium">
              Password
            </label>
            <input id={ids.password} type="password" autoComplete="current-password" value={draft.password} onChange={(e) => set("password", e.target.value)} className={input} {...invalid("password")} />
          </div>
        </div>
      )}
      <div>
        <label htmlFor={ids.name} className="text-sm font-medium">
          Calendar name <span className="font-normal text-stone-600 dark:text-stone-400">(optional)</span>
        </label>
        <input id={ids.name} value={draft.name} onChange={(e) => set("name", e.target.value)} placeholder="Work" className={`${input} max-w-80`} {...invalid("name")} />
      </div>
      {error && (
        <p id={ids.error} role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error.message}
        </p>
      )}
      <button type="submit" disabled={add.isPending} className={`${button} inline-flex items-center gap-2 bg-indigo-600 text-white hover:bg-indigo-500`}>
        <CalendarPlus className="size-4" aria-hidden />
        {add.isPending ? "Adding…" : "Add calendar"}
      </button>
    </form>
  );
}
