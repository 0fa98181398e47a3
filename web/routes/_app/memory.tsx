/** Pinned memories: what the assistant knows about the user. Preferences live in Settings (W35). */
import { useSuspenseQuery } from "@tanstack/react-query";
import { createFileRoute } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { toast } from "sonner";
import { type Memory, MemoryTypeSchema } from "../../../shared/domain.ts";
import { Trash2 } from "lucide-react";
import { useUnpin } from "../../hooks/use-unpin.ts";
import { api } from "../../lib/api.ts";
import { stateQuery } from "../../lib/queries.ts";

export const Route = createFileRoute("/_app/memory")({
  loader: ({ context }) => context.queryClient.ensureQueryData(stateQuery()),
  component: MemoryView,
});

const field = "mt-1 block min-h-11 w-full rounded-lg border border-stone-300 bg-white px-3 py-2 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-stone-700 dark:bg-stone-900";

function MemoryView() {
  const { data } = useSuspenseQuery(stateQuery());
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const [type, setType] = useState<Memory["type"]>("fact");
  const unpin = useUnpin();
  const pin = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.pin({ type, key, value });
      setKey("");
      setValue("");
    } catch (err) {
      toast.error(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div className="mx-auto max-w-3xl space-y-10 p-4 md:p-8">
      <section>
        <h1 tabIndex={-1} className="w-fit text-2xl font-semibold tracking-tight">Memory</h1>
        <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">What your chief of staff keeps in mind in every conversation. Work hours, time zone and notifications are in Settings.</p>
        <ul data-testid="memories" className="mt-4 divide-y divide-stone-200 rounded-xl border border-stone-200 bg-white dark:divide-stone-800 dark:border-stone-800 dark:bg-stone-900">
          {data.memories.length === 0 && <li className="p-4 text-sm text-stone-600 dark:text-stone-400">Nothing pinned yet. Tell the assistant “remember that …”.</li>}
          {data.memories.map((m) => (
            <li key={m.id} className="flex items-center gap-3 px-4 py-1">
              <span className="rounded bg-stone-100 px-1.5 text-xs text-stone-700 dark:bg-stone-800 dark:text-stone-300">{m.type}</span>
              <span className="font-medium">{m.key}</span>
              <input
                key={m.value}
                aria-label={`Value of ${m.key}`}
                defaultValue={m.value}
                onBlur={(e) => {
                  const value = e.target.value.trim();
                  if (value && value !== m.value) void api.pin({ type: m.type, key: m.key, value }).catch((err: unknown) => toast.error(err instanceof Error ? err.message : String(err)));
                }}
                className="min-h-11 min-w-0 flex-1 rounded bg-transparent px-1 text-stone-700 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-stone-300"
              />
              <button aria-label={`Forget ${m.key}`} onClick={() => unpin.mutate(m.id)} className="grid size-11 shrink-0 place-items-center rounded-lg text-stone-500 hover:text-red-600 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none">
                <Trash2 className="size-4" aria-hidden />
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
          <button type="submit" className="mt-1 min-h-11 rounded-lg bg-indigo-600 px-4 py-2 text-white hover:bg-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none">
            Pin
          </button>
        </form>
      </section>
    </div>
  );
}
