import { useRouter } from "@tanstack/react-router";
import { type RefObject, useEffect } from "react";

/**
 * Moves focus to the new view's heading on every view change (docs/PROTOCOL.md W50), as
 * a page load would for a screen reader: without it, focus stays on the link that was
 * clicked (or drops to `<body>` when the old view unmounts), and the user hears nothing.
 *
 * - After the router has rendered the new route (`onRendered`, path changed): focus the
 *   view's `<h1>` inside `main`; one without `tabIndex` is given `-1` so it can take focus.
 * - A view still rendering (suspended, lazy) has no `<h1>` yet: `main` (tabIndex -1) takes
 *   focus at once, and hands it to the `<h1>` when it appears — unless the user moved on.
 * - Not on the shell's first view (a reload, or just signed in): the browser announces the
 *   page by its title, and the view keeps its own first focus (chat's message box is
 *   `autoFocus`, the best start for a chat). Search-only changes (`/notes?note=…`) are not
 *   view changes.
 */
export function useFocusHeading(main: RefObject<HTMLElement | null>) {
  const router = useRouter();
  useEffect(() => {
    const firstPath = router.state.location.pathname;
    let first = true;
    let stop: (() => void) | undefined;
    const unsubscribe = router.subscribe("onRendered", (event) => {
      const initial = first && event.toLocation.pathname === firstPath;
      first = false;
      if (initial || !event.pathChanged) return;
      stop?.();
      stop = main.current ? focusView(main.current) : undefined;
    });
    return () => {
      unsubscribe();
      stop?.();
    };
  }, [router, main]);
}

/** Focuses the view's `<h1>` (or `main` until it has one); returns a function that stops waiting for it. */
export function focusView(main: HTMLElement): (() => void) | undefined {
  if (focusHeading(main)) return undefined;
  main.focus({ preventScroll: true });
  const observer = new MutationObserver(() => {
    if (document.activeElement !== main || focusHeading(main)) observer.disconnect();
  });
  observer.observe(main, { childList: true, subtree: true });
  return () => observer.disconnect();
}

function focusHeading(main: HTMLElement): boolean {
  const heading = main.querySelector("h1");
  if (!heading) return false;
  if (!heading.hasAttribute("tabindex")) heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
  return document.activeElement === heading;
}
