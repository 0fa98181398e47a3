import { createContext, useContext, useSyncExternalStore } from "react";
import type { AssistantRow, ChatRow, UserRow } from "./chat-rows.ts";

/**
 * The rows the chat shows, by id: message components read their own row here
 * (assistant-ui hands them the id). A store rather than a context value (W14):
 * a token changes one row, and only the component showing that row re-renders
 * — unchanged rows keep their object (`keepUnchanged`), so the others' snapshots
 * are the same.
 */
export class ChatRowStore {
  #rows: ReadonlyMap<string, ChatRow> = new Map();
  #listeners = new Set<() => void>();

  /** Called while the chat renders, so the messages rendered in the same pass read the new rows. */
  update(rows: ReadonlyMap<string, ChatRow>): void {
    this.#rows = rows;
  }

  /** Called after the chat commits: messages assistant-ui did not re-render look again. */
  notify(): void {
    for (const listener of this.#listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  get(id: string): ChatRow | undefined {
    return this.#rows.get(id);
  }
}

export const ChatRowsContext = createContext(new ChatRowStore());

function useRow(id: string): ChatRow | undefined {
  const store = useContext(ChatRowsContext);
  return useSyncExternalStore(store.subscribe, () => store.get(id));
}

export function useUserRow(id: string): UserRow | undefined {
  const row = useRow(id);
  return row?.kind === "user" ? row : undefined;
}

export function useAssistantRow(id: string): AssistantRow | undefined {
  const row = useRow(id);
  return row?.kind === "assistant" ? row : undefined;
}
