/**
 * Listens for the Tasks view's keyboard shortcuts (W21) on the whole page
 * while the view is shown. A key press typed into a field, one a focused
 * button takes itself (Space, Enter), or one made while a dialog is open is
 * left alone. The task title buttons opt in with `data-shortcuts`, so Space
 * and Enter on a selected row complete and rename it.
 */
import { useEffect, useRef } from "react";
import { isTypingTarget, ownedByControl, type ShortcutAction, shortcutFor } from "../lib/task-shortcuts.ts";

export function useShortcuts(onAction: (action: ShortcutAction) => void, enabled = true): void {
  // The latest handler, without re-adding the listener on every render.
  const handler = useRef(onAction);
  handler.current = onAction;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const target = event.target instanceof HTMLElement ? event.target : null;
      if (target?.closest("dialog[open]") || document.querySelector("dialog[open]")) return;
      if (isTypingTarget(target)) return;
      if (target && target.dataset.shortcuts === undefined && ownedByControl(target, event.key)) return;
      // A focused drag handle is dnd-kit's: its arrows move the item being dragged.
      if (target?.closest("[aria-roledescription='sortable']") && !event.altKey) return;
      const action = shortcutFor(event);
      if (!action) return;
      event.preventDefault();
      handler.current(action);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [enabled]);
}
