/** Pinned memories and preferences: what the assistant knows and how it should behave. */
import { useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { createFileRoute } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { toast } from "sonner";
import { type Memory, MemoryTypeSchema } from "../../../shared/domain.ts";
import { Trash2 } from "lucide-react";
import { useUnpin } from "../../hooks/use-unpin.ts";
import { deviceZone } from "../../hooks/use-zone.ts";
import { api } from "../../lib/api.ts";
import { brainKeys, stateQuery } from "../../lib/queries.ts";

export const Route = createFileRoute("/_app/memory")({
  loader: ({ context }) => context.queryClient.ensureQueryData(stateQuery()),
  component: MemoryView,
});

const field = "mt-1 block w-full rounded-lg border border-stone-300 bg-white px-3 py-2 outline-none focus:ring-2 focus:ring-indigo-500 dark:border-stone-700 dark:bg-stone-900";

function MemoryView() {
  const { data } = useSuspenseQuery(stateQuery());
  const queryClient = useQueryClient();
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const [type, setType] = useState<Memory["type"]>("fact");
  const prefs = data.preferences;
  const unpin = useUnpin();
  const refresh = () => queryClient.invalidateQueries({ queryKey: brainKeys.all });
  const pin = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.pin({ type, key, value });
      setKey("");
      setValue("");
      await refresh();
    } catch (err) {
      toast.error(err instanceof Error ? err.message : String(err));
    }
  };
  const save = async (patch: Parameters<typeof api.preferences>[0]) => {
    try {
      await api.preferences(patch);
      toast.success("Preferences saved");
      await refresh();
    } catch (err) {
      toast.error(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div className="mx-auto max-w-3xl space-y-10 p-4 md:p-8">
      <section>
        <h1 className="text-2xl font-semibold tracking-tight">Memory</h1>
        <ul data-testid="memories" className="mt-4 divide-y divide-stone-200 rounded-xl border border-stone-200 bg-white dark:divide-stone-800 dark:border-stone-800 dark:bg-stone-900">
          {data.memories.length === 0 && <li className="p-4 text-sm text-stone-500">Nothing pinned yet. Tell the assistant “remember that …”.</li>}
          {data.memories.map((m) => (
            <li key={m.id} className="flex items-baseline gap-3 px-4 py-3">
              <span className="rounded bg-stone-100 px-1.5 text-xs text-stone-600 dark:bg-stone-800 dark:text-stone-300">{m.type}</span>
              <span className="font-medium">{m.key}</span>
              <input
                key={m.value}
                aria-label={`Value of ${m.key}`}
                defaultValue={m.value}
                onBlur={(e) => {
                  const value = e.target.value.trim();
                  if (value && value !== m.value) void api.pin({ type: m.type, key: m.key, value }).then(refresh, (err: unknown) => toast.error(err instanceof Error ? err.message : String(err)));
                }}
                className="flex-1 rounded bg-transparent px-1 text-stone-600 outline-none focus:ring-2 focus:ring-indigo-500 dark:text-stone-300"
              />
              <button aria-label={`Forget ${m.key}`} onClick={() => unpin.mutate(m.id)} className="text-stone-400 hover:text-red-600">
                <Trash2 className="size-4" />
              </button>
            </li>
          ))}
        </ul>
        <form onSubmit={pin} className="mt-4 grid grid-cols-1 gap-2 md:grid-cols-[8rem_1fr_1fr_auto]">
          <select aria-label="Kind" value={type} onChange={(e) => {
              const picked = MemoryTypeSchema.safeParse(e.target.value);
              if (picked.success) setType(picked.data);
            }} className={field}>
            {MemoryTypeSchema.options.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
          <input aria-label="What" placeholder="favorite airport" value={key} onChange={(e) => setKey(e.target.value)} className={field} />
          <input aria-label="Value" placeholder="JFK" value={value} onChange={(e) => setValue(e.target.value)} className={field} />
          <button type="submit" className="mt-1 rounded-lg bg-indigo-600 px-4 py-2 text-white hover:bg-indigo-500">
            Pin
          </button>
        </form>
      </section>
      <section>
        <h2 className="text-xl font-semibold tracking-tight">Preferences</h2>
        <form
          key={JSON.stringify(prefs)}
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            const quiet = f.get("quiet") === "on";
            const timezone = String(f.get("timezone"));
            void save({
              // S12: the zone is sent only when the user changed it: saving work hours is not choosing a zone.
              ...(timezone !== prefs.timezone ? { timezone, timezoneSource: "user" as const } : {}),
              workHours: { start: String(f.get("start")), end: String(f.get("end")) },
              notifications: {
                enabled: f.get("enabled") === "on",
                reminders: f.get("reminders") === "on",
                dailyPlan: f.get("dailyPlan") === "on",
                dailyPlanTime: String(f.get("dailyPlanTime")),
                quietHours: quiet ? { start: String(f.get("quietStart")), end: String(f.get("quietEnd")) } : null,
              },
            });
          }}
          className="mt-4 grid grid-cols-1 gap-4 rounded-xl border border-stone-200 bg-white p-4 md:grid-cols-2 dark:border-stone-800 dark:bg-stone-900"
        >
          <label className="text-sm">
            Time zone
            <input name="timezone" defaultValue={prefs.timezone} list="zones" className={field} />
            <datalist id="zones">
              {Intl.supportedValuesOf("timeZone").map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
            {prefs.timezone !== deviceZone() && (
              <button type="button" onClick={() => void save({ timezone: deviceZone(), timezoneSource: "user" })} className="mt-1 text-xs text-indigo-600 hover:underline">
                Use this device's time zone ({deviceZone()})
              </button>
            )}
          </label>
          <div className="grid grid-cols-2 gap-2">
            <label className="text-sm">Work starts<input type="time" name="start" defaultValue={prefs.workHours.start} className={field} /></label>
            <label className="text-sm">Work ends<input type="time" name="end" defaultValue={prefs.workHours.end} className={field} /></label>
          </div>
          <label className="flex items-center gap-2 text-sm"><input type="checkbox" name="enabled" defaultChecked={prefs.notifications.enabled} /> Notifications</label>
          <label className="flex items-center gap-2 text-sm"><input type="checkbox" name="reminders" defaultChecked={prefs.notifications.reminders} /> Reminders</label>
          <label className="flex items-center gap-2 text-sm"><input type="checkbox" name="dailyPlan" defaultChecked={prefs.notifications.dailyPlan} /> Daily plan at <input type="time" name="dailyPlanTime" defaultValue={prefs.notifications.dailyPlanTime} className="rounded border border-stone-300 px-1 dark:border-stone-700 dark:bg-stone-800" /></label>
          <label className="flex items-center gap-2 text-sm"><input type="checkbox" name="quiet" defaultChecked={prefs.notifications.quietHours !== null} /> Quiet from <input type="time" name="quietStart" defaultValue={prefs.notifications.quietHours?.start ?? "22:00"} className="rounded border border-stone-300 px-1 dark:border-stone-700 dark:bg-stone-800" /> to <input type="time" name="quietEnd" defaultValue={prefs.notifications.quietHours?.end ?? "07:00"} className="rounded border border-stone-300 px-1 dark:border-stone-700 dark:bg-stone-800" /></label>
          <div className="md:col-span-2">
            <button type="submit" className="rounded-lg bg-indigo-600 px-4 py-2 text-white hover:bg-indigo-500">
              Save preferences
            </button>
            {"Notification" in window && Notification.permission === "default" && (
              <button type="button" onClick={() => void Notification.requestPermission()} className="ml-2 rounded-lg border border-stone-300 px-4 py-2 text-sm dark:border-stone-700">
                Allow system notifications
              </button>
            )}
          </div>
        </form>
      </section>
    </div>
  );
}
