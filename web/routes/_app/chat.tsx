/**
 * Chat with the assistant on assistant-ui (docs/PROTOCOL.md W12–W17): the
 * conversation is the cached state's messages, kept current from frames, with
 * the replies streaming live and the outbox; assistant-ui's external-store
 * runtime renders it and hands back what the user does.
 */
import { AssistantRuntimeProvider, ThreadPrimitive } from "@assistant-ui/react";
import { useSuspenseQuery } from "@tanstack/react-query";
import { createFileRoute } from "@tanstack/react-router";
import { ArrowDown } from "lucide-react";
import { useLayoutEffect, useMemo, useRef, useState } from "react";
import type { Message } from "../../../shared/domain.ts";
import { ChatSearchSchema } from "../../../shared/search.ts";
import { AssistantMessage } from "../../components/chat/assistant-message.tsx";
import { ArchitectProgress } from "../../components/chat/architect-progress.tsx";
import { BudgetNotice } from "../../components/chat/budget-notice.tsx";
import { ChatRowStore, ChatRowsContext } from "../../components/chat/chat-context.ts";
import { Composer } from "../../components/chat/composer.tsx";
import { OutboxList } from "../../components/chat/outbox-list.tsx";
import { Suggestions } from "../../components/chat/suggestions.tsx";
import { EditComposer, UserMessage } from "../../components/chat/user-message.tsx";
import { useBrain } from "../../hooks/use-brain.ts";
import { useChatRuntime } from "../../hooks/use-chat-runtime.ts";
import { useChatTicker } from "../../hooks/use-chat-ticker.ts";
import { useNow } from "../../hooks/use-now.ts";
import { useReadReceipts } from "../../hooks/use-read-receipts.ts";
import { useReveal } from "../../hooks/use-reveal.ts";
import { api } from "../../lib/api.ts";
import { type ChatRow, chatRows, keepUnchanged } from "../../components/chat/chat-rows.ts";
import { stateQuery } from "../../lib/queries.ts";
import { TodayPanel } from "../../components/today-panel.tsx";

export const Route = createFileRoute("/_app/chat")({
  validateSearch: ChatSearchSchema,
  loader: ({ context }) => context.queryClient.ensureQueryData(stateQuery()),
  component: Chat,
});

const MESSAGES = { UserMessage, AssistantMessage, EditComposer };

function Chat() {
  const { data } = useSuspenseQuery(stateQuery());
  const brain = useBrain();
  // C15: a proposal nobody answers turns expired on screen when its time passes; a countdown ticks each second.
  const clock = useNow().getTime();
  const counting = brain.outbox.some((m) => m.retryAt !== undefined && m.retryAt > clock);
  const ticker = useChatTicker(counting);
  const now = counting ? ticker : clock;
  const [older, setOlder] = useState<Message[]>([]);
  const [nextBefore, setNextBefore] = useState<string | null | undefined>(undefined);
  const previous = useRef(new Map<string, { row: ChatRow; key: string }>());
  const [store] = useState(() => new ChatRowStore());

  const { rows, byId } = useMemo(() => {
    const built = chatRows({
      older,
      recent: data.recentMessages,
      replies: brain.replies,
      outbox: brain.outbox,
      sent: brain.sent,
      proposals: data.proposals,
      undoneTurns: data.undoneTurns,
      live: brain.status === "live",
      now,
    });
    const kept = keepUnchanged(previous.current, built);
    previous.current = kept.index;
    return { rows: kept.rows, byId: new Map(kept.rows.map((r) => [r.id, r])) };
  }, [older, data.recentMessages, data.proposals, data.undoneTurns, brain.replies, brain.outbox, brain.sent, brain.status, now]);

  // W66: a reply shown here, to a user looking at it, withdraws its "Your assistant replied" everywhere.
  const shownTurns = useMemo(() => new Set(rows.flatMap((r) => (r.kind === "assistant" ? [r.turnId] : []))), [rows]);
  useReadReceipts(data.notifications, shownTurns);
  // W67: `/chat?turn=<id>` (an "assistant replied" notification) scrolls to that reply.
  const { turn } = Route.useSearch();
  useReveal(turn, (id) => document.querySelector<HTMLElement>(`[data-testid="reply"][data-turn="${CSS.escape(id)}"]`), rows);

  // The messages rendered in this pass read the new rows; the others are told after the commit (W14).
  store.update(byId);
  useLayoutEffect(() => store.notify(), [store, byId]);

  // Running only while a live reply streams and the room has not stored it (a stored reply wins after a reconnect).
  const streaming = rows.find((r) => r.kind === "assistant" && r.status === "streaming" && brain.replies.some((l) => l.turnId === r.turnId && l.status === "streaming"));
  const runtime = useChatRuntime(rows, streaming?.kind === "assistant" ? streaming.turnId : undefined);
  const stored = data.recentMessages.length + older.length;

  const loadEarlier = async () => {
    const first = older[0] ?? data.recentMessages[0];
    const page = await api.history(first?.createdAt);
    setOlder((o) => [...page.messages.reverse(), ...o]);
    setNextBefore(page.nextBefore);
  };

  return (
    <AssistantRuntimeProvider runtime={runtime}>
      <ChatRowsContext.Provider value={store}>
        <div className="flex h-full">
          <ThreadPrimitive.Root className="flex h-full min-w-0 flex-1 flex-col">
            <h1 tabIndex={-1} className="sr-only">
              Chat
            </h1>
            <ThreadPrimitive.Viewport data-testid="history" className="relative flex-1 overflow-y-auto">
              <div className="mx-auto w-full max-w-3xl px-4 pt-4 md:px-8">
                {nextBefore !== null && stored >= 20 && (
                  <button onClick={() => void loadEarlier()} className="mx-auto block min-h-11 rounded-lg px-3 text-sm text-indigo-700 hover:underline focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:text-indigo-300">
                    Load earlier messages
                  </button>
                )}
                <ThreadPrimitive.Empty>
                  <Suggestions />
                </ThreadPrimitive.Empty>
                {/* W16: the conversation is a log; new messages are announced politely. */}
                <div role="log" aria-live="polite" aria-label="Conversation" className="pb-4">
                  <ThreadPrimitive.Messages components={MESSAGES} />
                </div>
              </div>
              <ThreadPrimitive.ViewportFooter className="sticky bottom-0 flex justify-center pb-2">
                <ThreadPrimitive.ScrollToBottom aria-label="Jump to the latest" className="flex size-11 items-center justify-center rounded-full border border-stone-200 bg-white shadow-md focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none disabled:invisible dark:border-stone-700 dark:bg-stone-900">
                  <ArrowDown className="size-4" aria-hidden />
                </ThreadPrimitive.ScrollToBottom>
              </ThreadPrimitive.ViewportFooter>
            </ThreadPrimitive.Viewport>
            <div className="mx-auto w-full max-w-3xl px-3 pt-1 pb-3 md:px-8 md:pb-6">
              <ArchitectProgress />
              <OutboxList now={now} />
              <BudgetNotice usage={data.usage} replies={brain.replies} now={now} />
              <Composer />
              <p className="mt-2 hidden text-center text-xs text-stone-600 md:block dark:text-stone-400">Enter to send · Shift+Enter for a new line</p>
            </div>
          </ThreadPrimitive.Root>
          {/* K20: the app opens on Chat, so on a wide screen Today sits beside the conversation; on a phone it heads Tasks. */}
          <aside aria-label="Today" className="hidden w-80 shrink-0 overflow-y-auto border-l border-stone-200 p-4 xl:block dark:border-stone-800">
            <TodayPanel />
          </aside>
        </div>
      </ChatRowsContext.Provider>
    </AssistantRuntimeProvider>
  );
}
