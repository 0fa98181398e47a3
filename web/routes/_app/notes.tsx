/**
 * Notes (W24): a searchable list, pinned first; the selected note edited
 * together by every device, renamed in place, pinned, previewed as markdown,
 * or deleted with Undo.
 */
import { createFileRoute, Link, useNavigate } from "@tanstack/react-router";
import { ArrowLeft, Eye, PencilLine, Pin, PinOff, Plus, Trash2 } from "lucide-react";
import { useState } from "react";
import * as Y from "yjs";
import { notesOf, patchNote, readNotes, removeNote, writeNote } from "../../../shared/doc-schema.ts";
import { NotesSearchSchema } from "../../../shared/search.ts";
import { clipText } from "../../../shared/text.ts";
import { Markdown } from "../../components/markdown.tsx";
import { NoteEditor } from "../../components/note-editor.tsx";
import { NoteList } from "../../components/notes/note-list.tsx";
import { NoteTitle } from "../../components/notes/note-title.tsx";
import { useBrain } from "../../hooks/use-brain.ts";
import { useDocMap } from "../../hooks/use-doc-map.ts";
import { useNoteCursor } from "../../hooks/use-note-cursor.ts";
import { listNotes } from "../../lib/note-list.ts";
import { withUndo } from "../../lib/undoable.ts";

export const Route = createFileRoute("/_app/notes")({
  validateSearch: NotesSearchSchema,
  component: Notes,
});

const TOOL = "flex min-h-9 items-center gap-1.5 rounded-lg px-2.5 text-sm outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:min-h-11 max-md:min-w-11 max-md:justify-center";

function Notes() {
  const { note: selected } = Route.useSearch();
  const navigate = useNavigate();
  const brain = useBrain();
  const cursor = useNoteCursor();
  const notes = useDocMap(brain.doc, "notes", () => readNotes(brain.doc));
  const [query, setQuery] = useState("");
  const [preview, setPreview] = useState(false);
  const shown = listNotes(notes, query);
  const note = notes.find((n) => n.id === selected);
  const entry = selected ? notesOf(brain.doc).get(selected) : undefined;
  const body = entry?.get("body");
  const touch = () => ({ updatedAt: new Date().toISOString() });
  // Written into the document: works offline, syncs when back, validated by the room (D6).
  const create = async () => {
    const id = crypto.randomUUID();
    const now = new Date().toISOString();
    writeNote(brain.doc, { id, title: "Untitled", body: "", pinned: false, createdAt: now, updatedAt: now, createdBy: `user:${brain.deviceId}` });
    setPreview(false);
    await navigate({ to: "/notes", search: { note: id } });
  };
  const remove = (id: string) => {
    withUndo(brain.doc, brain.deviceId, "Deleted", (origin) => removeNote(brain.doc, id, origin), notesOf(brain.doc), () => void navigate({ to: "/notes", search: { note: id } }));
    void navigate({ to: "/notes", search: {} });
  };
  return (
    <div className="flex h-full flex-col md:flex-row">
      <aside className={`border-stone-200 p-3 md:w-72 md:shrink-0 md:overflow-y-auto md:border-r dark:border-stone-800 ${note ? "max-md:hidden" : ""}`}>
        <div className="flex items-center gap-2">
          <h1 tabIndex={-1} className="flex-1 px-1 text-xl font-semibold tracking-tight">
            Notes
          </h1>
          <button onClick={() => void create()} className="flex min-h-9 items-center gap-1 rounded-lg bg-indigo-600 px-3 text-sm font-medium text-white outline-none hover:bg-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 max-md:min-h-11 dark:focus-visible:ring-offset-stone-950">
            <Plus className="size-4" aria-hidden /> New note
          </button>
        </div>
        <NoteList notes={shown} total={notes.length} selected={selected} query={query} onQuery={setQuery} />
      </aside>
      <section aria-label={note ? `Note: ${note.title || "Untitled"}` : "Note"} className="min-w-0 flex-1 p-4 md:p-8">
        {note && body instanceof Y.Text ? (
          <div className="mx-auto max-w-3xl">
            <Link to="/notes" search={{}} className={`${TOOL} mb-2 w-fit text-stone-600 hover:bg-stone-100 md:hidden dark:text-stone-300 dark:hover:bg-stone-800`}>
              <ArrowLeft className="size-4" aria-hidden /> All notes
            </Link>
            <div className="flex flex-wrap items-center gap-1">
              <div className="min-w-0 flex-1 basis-64">
                <NoteTitle key={note.id} title={note.title} onRename={(title) => patchNote(brain.doc, note.id, { title: clipText(title, 500), ...touch() })} />
              </div>
              <div className="flex items-center gap-1">
                <button
                  aria-pressed={note.pinned}
                  aria-label={note.pinned ? "Unpin note" : "Pin note"}
                  title={note.pinned ? "Unpin" : "Pin to the top"}
                  onClick={() => patchNote(brain.doc, note.id, { pinned: !note.pinned, ...touch() })}
                  className={`${TOOL} ${note.pinned ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300" : "text-stone-600 hover:bg-stone-100 dark:text-stone-300 dark:hover:bg-stone-800"}`}
                >
                  {note.pinned ? <PinOff className="size-4" aria-hidden /> : <Pin className="size-4" aria-hidden />}
                  <span className="max-md:sr-only">{note.pinned ? "Pinned" : "Pin"}</span>
                </button>
                <button
                  aria-pressed={preview}
                  aria-label="Preview"
                  title={preview ? "Back to editing" : "Preview the markdown"}
                  onClick={() => setPreview(!preview)}
                  className={`${TOOL} ${preview ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300" : "text-stone-600 hover:bg-stone-100 dark:text-stone-300 dark:hover:bg-stone-800"}`}
                >
                  {preview ? <PencilLine className="size-4" aria-hidden /> : <Eye className="size-4" aria-hidden />}
                  <span className="max-md:sr-only">{preview ? "Edit" : "Preview"}</span>
                </button>
                <button aria-label="Delete note" title="Delete" onClick={() => remove(note.id)} className={`${TOOL} text-stone-600 hover:bg-red-50 hover:text-red-700 dark:text-stone-300 dark:hover:bg-red-950/50 dark:hover:text-red-400`}>
                  <Trash2 className="size-4" aria-hidden />
                </button>
              </div>
            </div>
            <div className="mt-3">
              {preview ? (
                <div
                  data-testid="note-preview"
                  className="min-h-64 rounded-lg border border-stone-200 bg-white px-5 py-4 leading-relaxed dark:border-stone-800 dark:bg-stone-900 [&_a]:text-indigo-700 [&_a]:underline dark:[&_a]:text-indigo-300 [&_blockquote]:border-l-4 [&_blockquote]:border-stone-300 [&_blockquote]:pl-3 [&_h1]:mt-3 [&_h1]:mb-2 [&_h1]:text-2xl [&_h1]:font-semibold [&_h2]:mt-3 [&_h2]:mb-1 [&_h2]:text-xl [&_h2]:font-semibold [&_h3]:mt-2 [&_h3]:font-semibold [&_pre]:my-2 [&_pre]:overflow-x-auto [&_pre]:rounded-lg [&_pre]:bg-stone-100 [&_pre]:p-3 dark:[&_pre]:bg-stone-800"
                >
                  {note.body.trim() ? <Markdown text={note.body} /> : <p className="text-stone-600 dark:text-stone-400">Nothing to preview yet.</p>}
                </div>
              ) : (
                <NoteEditor key={note.id} text={body} provider={brain.provider} user={cursor} />
              )}
            </div>
            <p className="mt-2 text-xs text-stone-600 dark:text-stone-400">Markdown: # heading, **bold**, - list, [link](https://…). Edits sync to your other devices as you type.</p>
          </div>
        ) : (
          <div className="mt-16 text-center text-stone-600 max-md:hidden dark:text-stone-400">
            <p>{selected ? "This note was deleted." : "Pick a note, or start a new one."}</p>
          </div>
        )}
      </section>
    </div>
  );
}
