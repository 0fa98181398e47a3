import { createContext, useContext } from "react";
import type { AssistantRow, ChatRow, UserRow } from "../../lib/chat-rows.ts";

/** The rows the chat shows, by id: message components read their row here (assistant-ui hands them the id). */
export const ChatRowsContext = createContext<ReadonlyMap<string, ChatRow>>(new Map());

export function useUserRow(id: string): UserRow | undefined {
  const row = useContext(ChatRowsContext).get(id);
  return row?.kind === "user" ? row : undefined;
}

export function useAssistantRow(id: string): AssistantRow | undefined {
  const row = useContext(ChatRowsContext).get(id);
  return row?.kind === "assistant" ? row : undefined;
}
