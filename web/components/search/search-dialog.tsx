/**
 * W100–W104: one search over messages, notes, tasks and memories. A native
 * modal `<dialog>` (focus trapped, Escape closes, focus returns to the
 * opener): the field is a combobox over a listbox of results grouped by kind,
 * ↑/↓ move, Enter opens the result in place. Snippets are rendered as text
 * runs with `<mark>` from the server's offsets — never as HTML.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { Brain, CheckSquare, MessageSquare, NotebookPen, X } from "lucide-react";
import { useEffect, useId, useState } from "react";
import { SEARCH_KINDS, SEARCH_QUERY_MAX, type SearchKind, type SearchResult } from "../../../shared/search-results.ts";
import { useZone } from "../../hooks/use-zone.ts";
import { api, ApiError } from "../../lib/api.ts";
import { stateQuery } from "../../lib/queries.ts";
import { answersField, DATE_PRESETS, type DatePreset, flatResults, groupResults, KIND_LABELS, resultHeading, resultHref, searchPath, snippetRuns } from "../../lib/search.ts";
import { useModalDialog } from "../tasks/modal.tsx";

const KIND_ICONS = { message: MessageSquare, note: NotebookPen, task: CheckSquare, memory: Brain } as const;
const CHIP =
  "min-h-11 shrink-0 rounded-full border px-3 text-sm focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none aria-pressed:border-indigo-600 aria-pressed:bg-indigo-50 aria-pressed:font-medium aria-pressed:text-indigo-800 dark:aria-pressed:border-indigo-400 dark:aria-pressed:bg-indigo-950 dark:aria-pressed:text-indigo-200 border-stone-300 text-stone-700 hover:bg-stone-100 dark:border-stone-600 dark:text-stone-300 dark:hover:bg-stone-800";
/** Typing pauses this long before a request: one per word, not one per key. */
const DEBOUNCE_MS = 150;

type Props = { open: boolean; onClose: () => void };

export function SearchDialog({ open, onClose }: Props) {
  const ref = useModalDialog(open);
  return (
    <dialog
      ref={ref}
      aria-labelledby="search-title"
      data-testid="search-dialog"
      onClose={onClose}
      onClick={(e) => e.target === ref.current && onClose()}
      className="mx-auto mt-[8vh] mb-auto max-h-[84vh] w-[min(40rem,calc(100vw-1rem))] rounded-2xl border border-stone-200 bg-white p-0 text-stone-900 shadow-2xl backdrop:bg-stone-950/40 dark:border-stone-700 dark:bg-stone-900 dark:text-stone-100"
    >
      {open && <SearchPanel onClose={onClose} />}
    </dialog>
  );
}

function SearchPanel({ onClose }: { onClose: () => void }) {
  const zone = useZone();
  const navigate = useNavigate();
  const listId = useId();
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  const [kind, setKind] = useState<SearchKind | undefined>(undefined);
  const [date, setDate] = useState<DatePreset>("any");
  const [active, setActive] = useState(0);
  useEffect(() => {
    const timer = setTimeout(() => setQ(text), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  const path = searchPath({ q, kind, date }, zone.zone, Date.now());
  const search = useQuery({
    queryKey: ["search", path],
    queryFn: () => (path ? api.search(path) : Promise.resolve({ results: [] })),
    enabled: path !== null,
    placeholderData: keepPreviousData,
    staleTime: 0,
    retry: false,
  });
  const results = path === null ? [] : (search.data?.results ?? []);
  const groups = groupResults(results);
  const flat = flatResults(groups);
  useEffect(() => setActive(0), [path]);
  const current = flat[Math.min(active, flat.length - 1)];
  // W103: a message shows its thread's title ("Chat" for main).
  const conversations = useQuery(stateQuery()).data?.conversations;
  const titles = new Map((conversations ?? []).map((c) => [c.id, c.title]));
  // W102: the results on screen answer the field's text (not a newer text still debounced, not a kept placeholder).
  const answered = answersField(text, q, search.isPlaceholderData);

  const openResult = (result: SearchResult) => {
    if (!answered) return;
    onClose();
    void navigate({ href: resultHref(result) });
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (flat.length === 0) return;
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((i) => (Math.min(i, flat.length - 1) + step + flat.length) % flat.length);
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (current) openResult(current);
    }
  };
  useEffect(() => {
    if (current) document.getElementById(optionId(listId, current))?.scrollIntoView({ block: "nearest" });
  }, [current, listId]);

  const status =
    path === null
      ? "Type to search messages, notes, tasks and memories."
      : search.isError
        ? search.error instanceof ApiError && search.error.status === 400
          ? "Type a word to search for."
          : "Search is not available right now."
        : search.isPending
          ? "Searching…"
          : results.length === 0
            ? `No results for “${q.trim()}”.`
            : `${results.length} result${results.length === 1 ? "" : "s"}`;

  return (
    <div className="flex max-h-[84vh] flex-col">
      <div className="flex items-center gap-2 border-b border-stone-200 p-3 dark:border-stone-700">
        <h2 id="search-title" className="sr-only">
          Search
        </h2>
        <input
          autoFocus
          type="search"
          role="combobox"
          aria-label="Search"
          aria-expanded={flat.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={current ? optionId(listId, current) : undefined}
          placeholder="Search messages, notes, tasks, memories"
          maxLength={SEARCH_QUERY_MAX}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          className="min-h-11 min-w-0 flex-1 rounded-lg border border-stone-300 bg-white px-3 text-base focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:border-stone-600 dark:bg-stone-950"
        />
        <button
          type="button"
          onClick={onClose}
          aria-label="Close search"
          className="flex min-h-11 min-w-11 items-center justify-center rounded-lg text-stone-600 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:text-stone-400 dark:hover:bg-stone-800"
        >
          <X className="size-5" aria-hidden />
        </button>
      </div>
      <div className="flex flex-col gap-2 border-b border-stone-200 px-3 py-2 dark:border-stone-700">
        <div role="group" aria-label="Kind" className="flex gap-2 overflow-x-auto">
          <button type="button" className={CHIP} aria-pressed={kind === undefined} onClick={() => setKind(undefined)}>
            All
          </button>
          {SEARCH_KINDS.map((k) => (
            <button key={k} type="button" className={CHIP} aria-pressed={kind === k} onClick={() => setKind(kind === k ? undefined : k)}>
              {KIND_LABELS[k].many}
            </button>
          ))}
        </div>
        <div role="group" aria-label="Date" className="flex gap-2 overflow-x-auto">
          {DATE_PRESETS.map((p) => (
            <button key={p.id} type="button" className={CHIP} aria-pressed={date === p.id} onClick={() => setDate(p.id)}>
              {p.label}
            </button>
          ))}
        </div>
      </div>
      <p role="status" data-testid="search-status" className="px-4 pt-2 text-sm text-stone-600 dark:text-stone-400">
        {status}
      </p>
      <div id={listId} role="listbox" aria-label="Results" aria-busy={!answered} className="min-h-0 flex-1 overflow-y-auto px-2 pb-3">
        {groups.map((group) => (
          <div key={group.kind} role="group" aria-labelledby={`${listId}-${group.kind}`}>
            <div id={`${listId}-${group.kind}`} role="presentation" className="px-2 pt-3 pb-1 text-xs font-semibold tracking-wide text-stone-600 uppercase dark:text-stone-400">
              {KIND_LABELS[group.kind].many}
            </div>
            {group.results.map((result) => {
              const Icon = KIND_ICONS[result.kind];
              const selected = result === current;
              return (
                <div
                  key={`${result.kind}:${result.id}`}
                  id={optionId(listId, result)}
                  role="option"
                  aria-selected={selected}
                  data-testid="search-result"
                  onClick={() => openResult(result)}
                  onMouseMove={() => setActive(flat.indexOf(result))}
                  className={`flex cursor-pointer gap-3 rounded-lg px-2 py-2 ${selected ? "bg-indigo-50 dark:bg-indigo-950" : ""}`}
                >
                  <Icon className="mt-0.5 size-4 shrink-0 text-stone-600 dark:text-stone-400" aria-hidden />
                  <div className="min-w-0 flex-1">
                    <div className="flex items-baseline gap-2">
                      <span className="truncate text-sm font-medium">{resultHeading(result, titles)}</span>
                      {result.at && <span className="ml-auto shrink-0 text-xs text-stone-600 dark:text-stone-400">{zone.moment(result.at)}</span>}
                    </div>
                    <p className="line-clamp-2 text-sm break-words text-stone-700 dark:text-stone-300">
                      {snippetRuns(result.snippet, result.highlights).map((run, i) =>
                        run.mark ? (
                          <mark key={i} className="rounded-sm bg-amber-200 px-0.5 text-stone-950 dark:bg-amber-300">
                            {run.text}
                          </mark>
                        ) : (
                          <span key={i}>{run.text}</span>
                        ),
                      )}
                    </p>
                  </div>
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

const optionId = (listId: string, result: SearchResult) => `${listId}-${result.kind}-${result.id}`.replace(/[^A-Za-z0-9_:-]/g, "_");
