/**
 * A note's body, edited together: CodeMirror bound to the note's Y.Text with
 * y-codemirror.next, which also shows the other devices' cursors (awareness).
 */
import { defaultKeymap } from "@codemirror/commands";
import { drawSelection, EditorView, keymap } from "@codemirror/view";
import { useEffect, useRef } from "react";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import type * as Y from "yjs";
import type YProvider from "y-partyserver/provider";

const COLORS = ["#6366f1", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#a855f7"];

export function NoteEditor({ text, provider, name }: { text: Y.Text; provider: YProvider | null; name: string }) {
  const parent = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!parent.current || !provider) return;
    const color = COLORS[Math.abs([...name].reduce((h, c) => h * 31 + c.charCodeAt(0), 7)) % COLORS.length]!;
    provider.awareness.setLocalStateField("user", { name, color, colorLight: `${color}33` });
    const view = new EditorView({
      doc: text.toString(),
      extensions: [keymap.of([...yUndoManagerKeymap, ...defaultKeymap]), drawSelection(), EditorView.lineWrapping, yCollab(text, provider.awareness)],
      parent: parent.current,
    });
    return () => view.destroy();
  }, [text, provider, name]);
  return <div ref={parent} data-testid="note-editor" aria-label="Note body" />;
}
