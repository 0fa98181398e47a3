/**
 * A note's body, edited together: CodeMirror bound to the note's Y.Text with
 * y-codemirror.next, which also shows the other devices' cursors (awareness),
 * each in its device's colour with its device's name (W24). The editable
 * content is labelled for assistive technology.
 */
import { defaultKeymap } from "@codemirror/commands";
import { drawSelection, EditorView, keymap } from "@codemirror/view";
import { useEffect, useRef } from "react";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import type * as Y from "yjs";
import type YProvider from "y-partyserver/provider";
import type { CursorUser } from "../hooks/use-note-cursor.ts";

/** Room to breathe inside the editor's border; the rest of its look is in styles.css. */
const THEME = EditorView.theme({ ".cm-line": { padding: "0 1rem" } });

export function NoteEditor({ text, provider, user, label = "Note body" }: { text: Y.Text; provider: YProvider | null; user: CursorUser; label?: string }) {
  const parent = useRef<HTMLDivElement>(null);
  // This device as the others see it; set apart from the editor, so a rename does not rebuild it.
  useEffect(() => {
    provider?.awareness.setLocalStateField("user", { name: user.name, color: user.color, colorLight: `${user.color}33` });
  }, [provider, user.name, user.color]);
  useEffect(() => {
    if (!parent.current || !provider) return;
    const view = new EditorView({
      doc: text.toString(),
      extensions: [
        keymap.of([...yUndoManagerKeymap, ...defaultKeymap]),
        drawSelection(),
        EditorView.lineWrapping,
        THEME,
        EditorView.contentAttributes.of({ "aria-label": label, "aria-multiline": "true" }),
        yCollab(text, provider.awareness),
      ],
      parent: parent.current,
    });
    return () => view.destroy();
  }, [text, provider, label]);
  return <div ref={parent} data-testid="note-editor" />;
}
