/**
 * One memory in the memory view (docs/PROTOCOL.md W105–W108): its value
 * (edited in place), where it came from — a link to the message when the
 * assistant noticed it there —, when it was last used, and when it will be
 * forgotten ("Forget after"), with its own Forget button.
 */
import { useRouter } from "@tanstack/react-router";
import { Trash2 } from "lucide-react";
import { type MouseEvent, useEffect, useRef } from "react";
import { toast } from "sonner";
import type { Memory } from "../../../shared/domain.ts";
import { formatMoment } from "../../../shared/format.ts";
import { api } from "../../lib/api.ts";
import { FORGET_AFTER, type Provenance } from "./provenance.ts";

const failed = (err: unknown) => toast.error(err instanceof Error ? err.message : String(err));

export function MemoryRow(props: { memory: Memory; provenance: Provenance; lastUsed: string; timeZone: string; highlighted: boolean; onForget: () => void }) {
  const { memory: m, provenance, highlighted } = props;
  const router = useRouter();
  const row = useRef<HTMLLIElement>(null);
  useEffect(() => {
    // W107: a link to one memory scrolls to it (and the ring says which).
    if (highlighted) row.current?.scrollIntoView({ block: "center" });
  }, [highlighted]);
  const open = (e: MouseEvent<HTMLAnchorElement>) => {
    if (!provenance.href || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    router.history.push(provenance.href);
  };
  const forgetAfter = (choice: string) => {
    const picked = FORGET_AFTER.find((f) => f.label === choice);
    if (!picked) return;
    const expiry = picked.days === null ? { expiresAt: null } : { ttlDays: picked.days };
    void api.pin({ type: m.type, key: m.key, value: m.value, ...expiry }).catch(failed);
  };
  const expires = m.expiresAt ? `Kept until ${formatMoment(m.expiresAt, props.timeZone)}` : null;
  return (
    <li
      ref={row}
      data-testid="memory"
      data-memory-id={m.id}
      aria-current={highlighted ? "true" : undefined}
      className={`px-4 py-2 ${highlighted ? "bg-indigo-50 ring-2 ring-indigo-500 ring-inset dark:bg-indigo-950" : ""}`}
    >
      <div className="flex items-center gap-3">
        <span className="rounded bg-stone-100 px-1.5 text-xs text-stone-700 dark:bg-stone-800 dark:text-stone-300">{m.type}</span>
        <span className="font-medium">{m.key}</span>
        <input
          key={m.value}
          aria-label={`Value of ${m.key}`}
          defaultValue={m.value}
          onBlur={(e) => {
            const value = e.target.value.trim();
            if (value && value !== m.value) void api.pin({ type: m.type, key: m.key, value }).catch(failed);
          }}
          className="min-h-11 min-w-0 flex-1 rounded bg-transparent px-1 text-stone-700 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-stone-300"
        />
        <button aria-label={`Forget ${m.key}`} onClick={props.onForget} className="grid size-11 shrink-0 place-items-center rounded-lg text-stone-600 hover:text-red-600 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:text-stone-400">
          <Trash2 className="size-4" aria-hidden />
        </button>
      </div>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 pb-1 text-sm text-stone-600 dark:text-stone-400">
        {provenance.href ? (
          <a href={provenance.href} onClick={open} data-testid="memory-source" className="underline decoration-stone-400 underline-offset-2 hover:text-indigo-700 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:hover:text-indigo-300">
            {provenance.text}
          </a>
        ) : (
          <span data-testid="memory-source">{provenance.text}</span>
        )}
        <span aria-hidden>·</span>
        <span data-testid="memory-used">{props.lastUsed}</span>
        {expires && (
          <>
            <span aria-hidden>·</span>
            <span data-testid="memory-expiry">{expires}</span>
          </>
        )}
        <label className="ml-auto flex items-center gap-2">
          <span>Forget after</span>
          <select
            aria-label={`Forget ${m.key} after`}
            value={m.expiresAt ? "" : "Never"}
            onChange={(e) => forgetAfter(e.target.value)}
            className="min-h-11 rounded-lg border border-stone-300 bg-white px-2 text-stone-800 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:border-stone-700 dark:bg-stone-900 dark:text-stone-200"
          >
            {m.expiresAt && <option value="">{formatMoment(m.expiresAt, props.timeZone)}</option>}
            {FORGET_AFTER.map((f) => (
              <option key={f.label} value={f.label}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
      </div>
    </li>
  );
}
