/** Notes: a list, and the selected note edited together by every device. */
import { createFileRoute, Link, useNavigate } from "@tanstack/react-router";
import { Plus } from "lucide-react";
import * as Y from "yjs";
import { patchNote, writeNote } from "../../../shared/doc-schema.ts";
import { NotesSearchSchema } from "../../../shared/search.ts";
import { clipText } from "../../../shared/text.ts";
import { NoteEditor } from "../../components/note-editor.tsx";
import { useBrain } from "../../hooks/use-brain.ts";
import { useDocMap } from "../../hooks/use-doc-map.ts";

export const Route = createFileRoute("/_app/notes")({
  validateSearch: NotesSearchSchema,
  component: Notes,
});

type NoteItem = { id: string; title: string; updatedAt: string; preview: string };

const readNotes = (map: Y.Map<Y.Map<unknown>>): NoteItem[] =>
  [...map.entries()]
    .flatMap(([id, m]) => {
      if (!(m instanceof Y.Map)) return [];
      const body = m.get("body");
      return [{ id, title: String(m.get("title") ?? ""), updatedAt: String(m.get("updatedAt") ?? ""), preview: body instanceof Y.Text ? body.toString().slice(0, 80) : "" }];
    })
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));

function Notes() {
  const { note: selected } = Route.useSearch();
  const navigate = useNavigate();
  const brain = useBrain();
  const notes = useDocMap(brain.doc, "notes", readNotes);
  const entry = selected ? brain.doc.getMap<Y.Map<unknown>>("notes").get(selected) : undefined;
  const body = entry?.get("body");
  // Written into the document: works offline, syncs when back, validated by the room (D6).
  const create = async () => {
    const id = crypto.randomUUID();
    const now = new Date().toISOString();
    writeNote(brain.doc, { id, title: "Untitled", body: "", pinned: false, createdAt: now, updatedAt: now, createdBy: `user:${brain.deviceId}` });
    await navigate({ to: "/notes", search: { note: id } });
  };
  const title = notes.find((n) => n.id === selected)?.title ?? "";
  return (
    <div className="flex h-full flex-col md:flex-row">
      <aside className="border-b border-stone-200 p-3 md:w-64 md:border-r md:border-b-0 dark:border-stone-800">
        <button onClick={() => void create()} className="flex w-full items-center justify-center gap-1 rounded-lg bg-indigo-600 px-3 py-2 text-sm text-white hover:bg-indigo-500">
          <Plus className="size-4" /> New note
        </button>
        <ul data-testid="notes" className="mt-3 space-y-1">
          {notes.map((n) => (
            <li key={n.id}>
              <Link to="/notes" search={{ note: n.id }} className={`block rounded-lg px-3 py-2 text-sm ${n.id === selected ? "bg-indigo-50 dark:bg-indigo-950" : "hover:bg-stone-100 dark:hover:bg-stone-800"}`}>
                <div className="font-medium">{n.title || "Untitled"}</div>
                <div className="truncate text-xs text-stone-500">{n.preview || "Empty"}</div>
              </Link>
            </li>
          ))}
        </ul>
      </aside>
      <section className="flex-1 p-4 md:p-8">
        {entry && body instanceof Y.Text ? (
          <>
            <input
              aria-label="Note title"
              value={title}
              onChange={(e) => patchNote(brain.doc, selected!, { title: clipText(e.target.value, 500), updatedAt: new Date().toISOString() })}
              className="mb-3 w-full rounded bg-transparent text-2xl font-semibold outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
            />
            <NoteEditor key={selected} text={body} provider={brain.provider} name={`${navigator.platform || "device"} · ${brain.deviceId.slice(0, 4)}`} />
          </>
        ) : (
          <p className="mt-16 text-center text-stone-500">Pick a note, or start a new one.</p>
        )}
      </section>
    </div>
  );
}
