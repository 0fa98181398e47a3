/**
 * Where a memory came from, in words and as a link (docs/PROTOCOL.md Y2,
 * W106): "From your message in Trip, Nov 21, 3:00 PM" linking to the message
 * in its conversation (`/chat?c=&message=`), "From a deleted conversation"
 * (no link), "You pinned it", "Imported", or "The assistant noted it when you
 * asked". Pure, for the memory view.
 */
import { type Conversation, DEFAULT_CONVERSATION_ID, DEFAULT_CONVERSATION_TITLE } from "../../../shared/conversations.ts";
import type { Memory, Message } from "../../../shared/domain.ts";
import { formatAgo, formatMoment } from "../../../shared/format.ts";

export type Provenance = { text: string; href?: string };

/** The instant a uuid v7 was made (message ids are v7): its first 48 bits, in ms; null for another kind of id. */
export function uuidV7Time(id: string): number | null {
  const hex = id.replace(/-/g, "");
  if (!/^[0-9a-f]{32}$/i.test(hex) || hex[12] !== "7") return null;
  return parseInt(hex.slice(0, 12), 16);
}

/** W106: the link that opens a message in place, scrolled to and highlighted (part of the chat's search params). */
export function messageHref(conversationId: string, messageId: string): string {
  return `/chat?${new URLSearchParams({ c: conversationId, message: messageId }).toString()}`;
}

export function provenanceOf(
  memory: Memory,
  /** `conversations`: the state's, all of them (archived too); absent while the state has none to say. */
  context: { conversations?: readonly Conversation[] | undefined; messages: readonly Message[]; timeZone: string },
): Provenance {
  const source = memory.source;
  switch (source?.kind) {
    case "message":
    case "turn": {
      if (!source.messageId) return { text: "The assistant noted it when you asked" };
      const conversationId = source.conversationId ?? DEFAULT_CONVERSATION_ID;
      const conversation = context.conversations?.find((c) => c.id === conversationId);
      const hot = context.messages.find((m) => m.id === source.messageId)?.createdAt;
      const made = uuidV7Time(source.messageId);
      const when = formatMoment(hot ?? (made !== null ? new Date(made).toISOString() : memory.pinnedAt), context.timeZone);
      // A conversation the state no longer lists (and not `main`, which always exists) was deleted, its messages with it: no link to follow.
      if (!conversation && context.conversations && conversationId !== DEFAULT_CONVERSATION_ID) {
        return { text: source.kind === "message" ? `From a deleted conversation, ${when}` : `Noted when you asked, in a deleted conversation, ${when}` };
      }
      const title = conversation?.title ?? (conversationId === DEFAULT_CONVERSATION_ID ? DEFAULT_CONVERSATION_TITLE : "a conversation");
      const lead = source.kind === "message" ? "From your message" : "Noted when you asked, in your message";
      return { text: `${lead} in ${title}, ${when}`, href: messageHref(conversationId, source.messageId) };
    }
    case "import":
      return { text: "Imported with your data" };
    case "user":
    case undefined:
      return { text: "You pinned it" };
  }
}

/** W106: "Last used 3 hours ago" / "Not used yet". */
export const lastUsedOf = (memory: Memory, now: number, timeZone: string): string =>
  memory.lastUsedAt ? `Last used ${formatAgo(memory.lastUsedAt, now, timeZone)}` : "Not used yet";

/** W108: the "Forget after" choices, in days; `never` keeps it until the user unpins it. */
export const FORGET_AFTER = [
  { label: "Never", days: null },
  { label: "30 days", days: 30 },
  { label: "90 days", days: 90 },
  { label: "1 year", days: 365 },
] as const;
