import { useEffect, useRef } from "react";

/**
 * W67: scrolls the element a link names into view — once per id, as soon as it is drawn
 * (a task from the live document, a reply from the state may come a moment after the view),
 * and never again for the same id, so the user's own scrolling is not fought. `onFound` runs
 * then too (e.g. to select the task).
 */
export function useReveal(id: string | undefined, find: (id: string) => HTMLElement | null, drawn: unknown, onFound?: (id: string) => void): void {
  const revealed = useRef<string | null>(null);
  useEffect(() => {
    if (id === undefined || revealed.current === id) return;
    const element = find(id);
    if (!element) return;
    revealed.current = id;
    onFound?.(id);
    requestAnimationFrame(() => element.scrollIntoView({ block: "center" }));
    // `find` and `onFound` are read at the moment of drawing; what is drawn is what re-runs this.
  }, [id, drawn]);
}
