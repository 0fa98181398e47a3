import { useEffect } from "react";

export const APP_NAME = "Micro CoS";

/**
 * Names the browser tab after the view ("Tasks · Micro CoS", docs/PROTOCOL.md W54), so a
 * screen reader announces where the user is and tabs and history entries tell views apart.
 */
export function useDocumentTitle(view: string | undefined) {
  useEffect(() => {
    document.title = view ? `${view} · ${APP_NAME}` : APP_NAME;
  }, [view]);
}
