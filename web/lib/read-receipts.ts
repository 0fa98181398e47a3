/**
 * The follow-up rule (docs/PROTOCOL.md W66): "Your assistant replied" is withdrawn once the
 * reply has been read — shown in the chat view while the page is visible and focused, on any
 * device. This device then acknowledges it (S9), and the room clears it everywhere: the in-app
 * toast on each device and the pushed notification on the one that got it. Plain code, tested
 * in Node (tests/unit/web-read-receipts.test.ts).
 */
import type { Notification } from "../../shared/domain.ts";

/** Whether the user can be reading the page now: visible and holding focus. */
export const isAttentive = (doc: Pick<Document, "visibilityState" | "hasFocus">): boolean => doc.visibilityState === "visible" && doc.hasFocus();

/**
 * The `assistant` notifications to acknowledge now: those whose turn (`ref`) has its reply
 * among `shownTurns`, not already sent. Nothing while the user is not attentive.
 */
export function repliesRead(notifications: readonly Notification[], shownTurns: ReadonlySet<string>, attentive: boolean, sent: ReadonlySet<string>): string[] {
  if (!attentive) return [];
  return notifications.filter((n) => n.kind === "assistant" && n.ref !== null && shownTurns.has(n.ref) && !sent.has(n.id)).map((n) => n.id);
}
