/** The Notes list (W24): searchable by title and body, pinned notes first. */
import { Link } from "@tanstack/react-router";
import { Pin, Search } from "lucide-react";
import { type NoteItem, notePreview } from "../../lib/note-list.ts";

type Props = { notes: readonly NoteItem[]; total: number; selected?: string; query: string; onQuery: (query: string) => void };

export function NoteList({ notes, total, selected, query, onQuery }: Props) {
  return (
    <>
      <div className="relative mt-3">
        <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-stone-500" aria-hidden />
        <input
          type="search"
          aria-label="Search notes"
          placeholder="Search notes"
          value={query}
          maxLength={200}
          onChange={(e) => onQuery(e.target.value)}
          className="min-h-9 w-full rounded-lg border border-stone-300 bg-white py-1.5 pr-3 pl-8 text-sm outline-none placeholder:text-stone-500 focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:min-h-11 dark:border-stone-700 dark:bg-stone-900 dark:placeholder:text-stone-400"
        />
      </div>
      <ul data-testid="notes" aria-label="Notes" className="mt-3 space-y-0.5">
        {notes.length === 0 && (
          <li className="px-3 py-6 text-center text-sm text-stone-600 dark:text-stone-400">{total === 0 ? "No notes yet. Start one with “New note”." : `No note matches “${query.trim()}”.`}</li>
        )}
        {notes.map((n) => (
          <li key={n.id} data-pinned={n.pinned || undefined}>
            <Link
              to="/notes"
              search={{ note: n.id }}
              aria-current={n.id === selected ? "page" : undefined}
              className={`block rounded-lg px-3 py-2 text-sm outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 ${n.id === selected ? "bg-indigo-50 dark:bg-indigo-950/60" : "hover:bg-stone-100 dark:hover:bg-stone-800"}`}
            >
              <div className="flex items-center gap-1.5 font-medium">
                {n.pinned && <Pin className="size-3.5 shrink-0 text-indigo-600 dark:text-indigo-400" aria-label="Pinned" />}
                <span data-testid="note-title" className="truncate">
                  {n.title || "Untitled"}
                </span>
              </div>
              <div className="truncate text-xs text-stone-600 dark:text-stone-400">{notePreview(n.body) || "Empty"}</div>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
