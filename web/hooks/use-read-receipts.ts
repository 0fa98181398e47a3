import { useEffect, useRef, useState } from "react";
import type { Notification } from "../../shared/domain.ts";
import { api, ApiError } from "../lib/api.ts";
import { isAttentive, repliesRead } from "../lib/read-receipts.ts";

/**
 * W66: acknowledges each "Your assistant replied" notification once the chat view shows its
 * reply while this page is visible and focused — checked again whenever focus or visibility
 * changes, a notification arrives, or a reply is placed. Sent over HTTP under one key per
 * notification (works while the socket reconnects; a repeat is answered once, H7); a failure
 * other than "already acknowledged" (404) lets the next check try again.
 */
export function useReadReceipts(notifications: readonly Notification[], shownTurns: ReadonlySet<string>): void {
  const [attentive, setAttentive] = useState(() => isAttentive(document));
  const sent = useRef(new Set<string>());
  useEffect(() => {
    const update = () => setAttentive(isAttentive(document));
    window.addEventListener("focus", update);
    window.addEventListener("blur", update);
    document.addEventListener("visibilitychange", update);
    return () => {
      window.removeEventListener("focus", update);
      window.removeEventListener("blur", update);
      document.removeEventListener("visibilitychange", update);
    };
  }, []);
  useEffect(() => {
    for (const id of repliesRead(notifications, shownTurns, attentive, sent.current)) {
      sent.current.add(id);
      api.ackNotification(id).catch((error: unknown) => {
        if (!(error instanceof ApiError && error.status === 404)) sent.current.delete(id);
      });
    }
  }, [notifications, shownTurns, attentive]);
}
