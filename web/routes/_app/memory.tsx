/** Pinned memories: what the assistant knows about the user, where each came from, when it was last used and when it is forgotten (W35, W105–W108). Expired ones are hidden until the room unpins them (Y5). */
import { useSuspenseQuery } from "@tanstack/react-query";
import { createFileRoute } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { toast } from "sonner";
import { type Memory, MemoryTypeSchema } from "../../../shared/domain.ts";
import { isExpired } from "../../../shared/memory-expiry.ts";
import { MemorySearchSchema } from "../../../shared/search.ts";
import { MemoryRow } from "../../components/memory/memory-row.tsx";
import { lastUsedOf, provenanceOf } from "../../components/memory/provenance.ts";
import { useUnpin } from "../../hooks/use-unpin.ts";
import { api } from "../../lib/api.ts";
import { stateQuery } from "../../lib/queries.ts";

export const Route = createFileRoute("/_app/memory")({
  validateSearch: MemorySearchSchema,
  loader: ({ context }) => context.queryClient.ensureQueryData(stateQuery()),
  component: MemoryView,
});

const field = "mt-1 block min-h-11 w-full rounded-lg border border-stone-300 bg-white px-3 py-2 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-stone-700 dark:bg-stone-900";

function MemoryView() {
  const { data } = useSuspenseQuery(stateQuery());
  const { memory: highlighted } = Route.useSearch();
  const timeZone = data.preferences.timezone;
  // "Last used …" is read when the view renders; the state's events re-render it as memories are used.
  const now = Date.now();
  // Y5: past its expiry a memory is no longer used; the room's next maintenance unpins it.
  const memories = data.memories.filter((m) => !isExpired(m, now));
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
          {memories.length === 0 && <li className="p-4 text-sm text-stone-600 dark:text-stone-400">Nothing pinned yet. Tell the assistant “remember that …”, or accept what it offers to remember.</li>}
          {memories.map((m) => (
            <MemoryRow
              key={m.id}
              memory={m}
              provenance={provenanceOf(m, { conversations: data.conversations, messages: data.recentMessages, timeZone })}
              lastUsed={lastUsedOf(m, now, timeZone)}
              timeZone={timeZone}
              highlighted={m.id === highlighted}
              onForget={() => unpin.mutate(m.id)}
            />
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
