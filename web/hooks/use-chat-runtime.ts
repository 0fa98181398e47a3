import { type AppendMessage, type ThreadMessageLike, useExternalStoreRuntime } from "@assistant-ui/react";
import type { ChatRow } from "../components/chat/chat-rows.ts";
import { useBrain } from "./use-brain.ts";

/** The text the user wrote, from what assistant-ui's composer hands over. */
const textOf = (message: AppendMessage): string =>
  message.content
    .flatMap((part) => (part.type === "text" ? [part.text] : []))
    .join("\n")
    .trim();

/** A row as assistant-ui's message: the reply's text, then each action card as a tool-call part (C3). */
function convert(row: ChatRow): ThreadMessageLike {
  if (row.kind === "user") return { role: "user", id: row.id, content: [{ type: "text", text: row.text }], createdAt: new Date(row.createdAt) };
  const status: ThreadMessageLike["status"] =
    row.status === "streaming"
      ? { type: "running" }
      : row.status === "completed"
        ? { type: "complete", reason: "stop" }
        : { type: "incomplete", reason: row.status === "interrupted" ? "cancelled" : "error" };
  return {
    role: "assistant",
    id: row.id,
    status,
    content: [
      ...(row.text ? [{ type: "text" as const, text: row.text }] : []),
      ...row.cards.map((card) => ({ type: "tool-call" as const, toolCallId: card.id, toolName: card.tool, args: {}, argsText: "{}", result: card.status })),
    ],
  };
}

/**
 * assistant-ui's external-store runtime over the Brain socket (docs/PROTOCOL.md
 * W12): the rows are the store; a new message, an edited one and a
 * regenerated answer all go through the outbox (`brain.send`), and cancel
 * stops the running turn (`turn.stop`).
 *
 * Regenerate (the reply's own button, `assistant-message.tsx`) asks the same
 * question again as a new message: the room has no "answer this message
 * again" input, and a new turn keeps the ledger's one path (message.added →
 * turn) — the earlier answer stays in the history, as an edit's original does.
 * No `onReload` here: assistant-ui's reload expects the host to replace the
 * reply in place, which an append-only ledger does not do.
 */
export function useChatRuntime(rows: readonly ChatRow[], streamingTurn: string | undefined) {
  const brain = useBrain();
  return useExternalStoreRuntime<ChatRow>({
    messages: rows,
    convertMessage: convert,
    isRunning: streamingTurn !== undefined,
    onNew: async (message) => {
      const text = textOf(message);
      if (text) brain.send(text);
    },
    onEdit: async (message) => {
      const text = textOf(message);
      if (text) brain.send(text);
    },
    onCancel: async () => {
      if (streamingTurn) brain.stop(streamingTurn);
    },
  });
}
