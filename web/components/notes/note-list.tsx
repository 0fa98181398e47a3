/** The Notes list (W24): searchable by title and body, pinned notes first. */
import { Link } from "@tanstack/react-router";
import { Pin } from "lucide-react";
import { type NoteItem, notePreview } from "../../lib/note-list.ts";
import { SearchField } from "../search-field.tsx";

type Props = { notes: readonly NoteItem[]; total: number; selected?: string; query: string; onQuery: (query: string) => void };

export function NoteList({ notes, total, selected, query, onQuery }: Props) {
  return (
    <>
      <SearchField label="Search notes" placeholder="Search notes" value={query} onChange={onQuery} wrapperClassName="mt-3" className="min-h-9 rounded-lg py-1.5" />
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
