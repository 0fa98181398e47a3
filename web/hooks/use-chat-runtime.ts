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
 * W12, W92): the rows are the store; a new message and an edited one go
 * through the outbox (`send`: the chat places it in its thread and branch —
 * an edit names the message it edits, `editOf`, and becomes its sibling), and
 * cancel stops the running turn (`turn.stop`). Regenerate is the reply's own
 * button (`assistant-message.tsx`, W93), not assistant-ui's reload: its
 * runtime expects the host to replace the reply in place, while the room keeps
 * every reply as a sibling.
 */
export function useChatRuntime(rows: readonly ChatRow[], streamingTurn: string | undefined, send: (text: string, editOfRow?: string) => void) {
  const brain = useBrain();
  return useExternalStoreRuntime<ChatRow>({
    messages: rows,
    convertMessage: convert,
    isRunning: streamingTurn !== undefined,
    onNew: async (message) => {
      const text = textOf(message);
      if (text) send(text);
    },
    onEdit: async (message) => {
      const text = textOf(message);
      if (text) send(text, message.sourceId ?? undefined);
    },
    onCancel: async () => {
      if (streamingTurn) brain.stop(streamingTurn);
    },
  });
}
