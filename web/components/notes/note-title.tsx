/**
 * A note's title, renamed in place: Enter or leaving the field saves, Escape
 * cancels and puts back the title as it was (W24). While the field is not
 * being edited it follows renames from other devices.
 */
import { useState } from "react";

export function NoteTitle({ title, onRename }: { title: string; onRename: (title: string) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft !== null && draft.trim() !== title) onRename(draft.trim() || "Untitled");
    setDraft(null);
  };
  return (
    <input
      aria-label="Note title"
      value={draft ?? title}
      maxLength={500}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          commit();
          e.currentTarget.blur();
        } else if (e.key === "Escape") {
          e.preventDefault();
          setDraft(null);
          // The draft is gone before the blur, so the blur saves nothing.
          const field = e.currentTarget;
          requestAnimationFrame(() => field.blur());
        }
      }}
      className="w-full min-w-0 rounded-md bg-transparent px-1 text-2xl font-semibold tracking-tight outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
    />
  );
}
