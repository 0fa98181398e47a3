/**
 * Chat with the assistant on assistant-ui (docs/PROTOCOL.md W12–W17, W90–W95):
 * the thread named by the URL (`?c=`, else `main`) is the cached state's
 * messages of that conversation, kept current from frames, with older pages
 * from its history, the replies streaming live and the outbox; one path
 * through its branches is shown (branches.ts); assistant-ui's external-store
 * runtime renders it and hands back what the user does.
 */
import { AssistantRuntimeProvider, ThreadPrimitive } from "@assistant-ui/react";
import { useSuspenseQuery } from "@tanstack/react-query";
import { createFileRoute, useNavigate } from "@tanstack/react-router";
import { ArrowDown } from "lucide-react";
import { MessagesSquare } from "lucide-react";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { conversationOf, DEFAULT_CONVERSATION_ID } from "../../../shared/conversations.ts";
import type { Message } from "../../../shared/domain.ts";
import { ChatSearchSchema } from "../../../shared/search.ts";
import { AssistantMessage } from "../../components/chat/assistant-message.tsx";
import { ArchitectProgress } from "../../components/chat/architect-progress.tsx";
import { BudgetNotice } from "../../components/chat/budget-notice.tsx";
import { ChatRowStore, ChatRowsContext } from "../../components/chat/chat-context.ts";
import { Composer } from "../../components/chat/composer.tsx";
import { VoiceJobs } from "../../components/chat/voice-jobs.tsx";
import { OutboxList } from "../../components/chat/outbox-list.tsx";
import { Suggestions } from "../../components/chat/suggestions.tsx";
import { EditComposer, UserMessage } from "../../components/chat/user-message.tsx";
import { useBrain } from "../../hooks/use-brain.ts";
import { useChatRuntime } from "../../hooks/use-chat-runtime.ts";
import { useChatTicker } from "../../hooks/use-chat-ticker.ts";
import { useNow } from "../../hooks/use-now.ts";
import { useReadReceipts } from "../../hooks/use-read-receipts.ts";
import { useReveal } from "../../hooks/use-reveal.ts";
import { conversationsApi } from "../../lib/conversations-api.ts";
import { Modal } from "../../components/tasks/modal.tsx";
import { BranchChoiceContext, type Flip } from "../../components/chat/branch-picker.tsx";
import { choicesFor, messagesOf } from "../../components/chat/branches.ts";
import { ThreadList, withMain } from "../../components/chat/thread-list.tsx";
import { deletedHere, isGone, readChoices, writeChoices } from "../../components/chat/threads.ts";
import { toast } from "sonner";
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
  const { turn, c, message: linked } = Route.useSearch();
  const conversationId = c ?? DEFAULT_CONVERSATION_ID;
  const navigate = useNavigate();
  const openThread = useCallback((id: string) => {
    setSheet(false);
    void navigate({ to: "/chat", search: id === DEFAULT_CONVERSATION_ID ? {} : { c: id } });
  }, [navigate]);
  const [sheet, setSheet] = useState(false);
  // W91: older pages of the thread on screen (its history route: archived messages, every branch), per thread.
  const [paged, setPaged] = useState<{ c: string; older: Message[]; nextBefore: string | null | undefined; loading: boolean }>({ c: conversationId, older: [], nextBefore: undefined, loading: false });
  const page = paged.c === conversationId ? paged : { c: conversationId, older: [], nextBefore: undefined, loading: false };
  const older = page.older;
  const showing = useRef(conversationId);
  const inFlight = useRef<string | null>(null);
  showing.current = conversationId;
  // W92: the sibling chosen at each fork of the thread on screen, kept per thread in sessionStorage (a reload keeps it).
  const [chosen, setChosen] = useState(() => ({ c: conversationId, map: readChoices(sessionStorage, conversationId) as ReadonlyMap<string, string> }));
  if (chosen.c !== conversationId) setChosen({ c: conversationId, map: readChoices(sessionStorage, conversationId) });
  const choices = chosen.map;
  const setChoices = useCallback((change: (all: ReadonlyMap<string, string>) => Map<string, string>) =>
    setChosen((s) => {
      const map = change(s.map);
      writeChoices(sessionStorage, s.c, map);
      return { c: s.c, map };
    }), []);
  // W92: a picker's flip is announced politely ("Version 2 of 2"); focus follows to the new picker's button.
  const [announcement, setAnnouncement] = useState("");
  const refocus = useRef<(Flip & { key: string }) | null>(null);
  const choose = useCallback((key: string, id: string, flip?: Flip) => {
    setChoices((all) => new Map(all).set(key, id));
    if (flip) {
      setAnnouncement(flip.said);
      refocus.current = { key, ...flip };
    }
  }, [setChoices]);
  const previous = useRef(new Map<string, { row: ChatRow; key: string }>());
  const [store] = useState(() => new ChatRowStore());

  const recent = useMemo(() => messagesOf(conversationId, data.recentMessages, brain.regenerations), [conversationId, data.recentMessages, brain.regenerations]);
  const { rows, byId, lastId } = useMemo(() => {
    const here = (m: { conversationId?: string }) => conversationOf(m) === conversationId;
    const foreignTurns = new Set(data.recentMessages.flatMap((m) => (m.role === "user" && m.turnId && !here(m) ? [m.turnId] : [])));
    const built = chatRows({
      older,
      recent,
      replies: brain.replies,
      outbox: brain.outbox.filter(here),
      sent: brain.sent.filter(here),
      proposals: data.proposals,
      undoneTurns: data.undoneTurns,
      live: brain.status === "live",
      now,
      choices,
      regenerations: brain.regenerations,
      foreignTurns,
    });
    const kept = keepUnchanged(previous.current, built);
    previous.current = kept.index;
    // W93: the newest stored message on screen (acked ones included), which the next message follows.
    const lastId = kept.rows.findLast((r) => r.messageId !== undefined)?.messageId;
    return { rows: kept.rows, byId: new Map(kept.rows.map((r) => [r.id, r])), lastId };
  }, [conversationId, older, recent, data.recentMessages, data.proposals, data.undoneTurns, brain.replies, brain.outbox, brain.sent, brain.status, brain.regenerations, now, choices]);

  /** W93: a new message follows the end of the branch on screen; an edit names the message it edits (its sibling). */
  const send = (text: string, editOfRow?: string, channel?: "voice") => {
    const queued = brain.outbox.some((q) => conversationOf(q) === conversationId);
    const edited = editOfRow === undefined ? undefined : byId.get(editOfRow);
    if (edited?.kind === "user" && edited.messageId) {
      const parent = [...older, ...recent].find((m) => m.id === edited.messageId)?.parentId;
      // The new version shows: an earlier choice of the edited one at its fork is dropped.
      setChoices((all) => new Map([...all].filter(([, id]) => id !== edited.messageId)));
      return brain.send(text, { conversationId, editOf: edited.messageId, ...(parent ? { parentId: parent } : {}) });
    }
    // Several queued in a row (offline): each follows the one before, which only the room knows by then.
    brain.send(text, { conversationId, ...(lastId && !queued ? { parentId: lastId } : {}), ...(channel ? { channel } : {}) });
  };

  const loadEarlier = useCallback(async () => {
    // One request at a time per thread (an effect may run twice, StrictMode).
    if (page.loading || page.nextBefore === null || inFlight.current === conversationId) return;
    inFlight.current = conversationId;
    const at = page.nextBefore ?? undefined;
    setPaged({ ...page, loading: true });
    try {
      const got = await conversationsApi.messages(conversationId, at);
      inFlight.current = null;
      // A page of a thread left meanwhile is dropped.
      if (showing.current !== conversationId) return;
      setPaged((p) => {
        const kept = p.c === conversationId ? p.older : [];
        const fresh = got.messages.reverse().filter((m) => !kept.some((k) => k.id === m.id));
        return { c: conversationId, older: [...fresh, ...kept], nextBefore: got.nextBefore, loading: false };
      });
    } catch {
      inFlight.current = null;
      if (showing.current === conversationId) setPaged((p) => ({ older: p.c === conversationId ? p.older : [], c: conversationId, loading: false, nextBefore: null }));
    }
  }, [conversationId, page]);
  // W91: a thread opens with its latest page from its history (the state holds only the newest messages of all threads).
  useEffect(() => {
    if (paged.c !== conversationId || paged.nextBefore === undefined) void loadEarlier();
    // Once per thread opened.
  }, [conversationId]);

  // W95: `/chat?c=&message=` — older pages load until the message is there, its branch is chosen, then it is revealed.
  const known = useMemo(() => [...older, ...recent], [older, recent]);
  useEffect(() => {
    if (!linked) return;
    if (known.some((m) => m.id === linked)) {
      if (!rows.some((r) => r.kind === "user" ? r.messageId === linked : r.messageId === linked)) setChoices((all) => choicesFor(known, linked, all, brain.regenerations));
    } else if (!page.loading && page.nextBefore !== null && page.nextBefore !== undefined) void loadEarlier();
  }, [linked, known, page.loading, page.nextBefore]);
  useReveal(linked, (id) => document.querySelector<HTMLElement>(`[data-message="${CSS.escape(id)}"]`), rows, (id) => {
    const element = document.querySelector<HTMLElement>(`[data-message="${CSS.escape(id)}"]`);
    if (element) element.dataset.highlight = "true";
  });

  // W66: a reply shown here, to a user looking at it, withdraws its "Your assistant replied" everywhere.
  const shownTurns = useMemo(() => new Set(rows.flatMap((r) => (r.kind === "assistant" ? [r.turnId] : []))), [rows]);
  useReadReceipts(data.notifications, shownTurns);
  // W67: `/chat?turn=<id>` (an "assistant replied" notification) scrolls to that reply.
  useReveal(turn, (id) => document.querySelector<HTMLElement>(`[data-testid="reply"][data-turn="${CSS.escape(id)}"]`), rows);

  // The messages rendered in this pass read the new rows; the others are told after the commit (W14).
  store.update(byId);
  useLayoutEffect(() => store.notify(), [store, byId]);

  // Running only while a live reply streams and the room has not stored it (a stored reply wins after a reconnect).
  const streaming = rows.find((r) => r.kind === "assistant" && r.status === "streaming" && brain.replies.some((l) => l.turnId === r.turnId && l.status === "streaming"));
  const runtime = useChatRuntime(rows, streaming?.kind === "assistant" ? streaming.turnId : undefined, send);
  const conversations = data.conversations ?? [];
  const title = withMain(conversations).find((x) => x.id === conversationId)?.title ?? "Chat";
  const hasMessages = (id: string) => data.recentMessages.some((m) => conversationOf(m) === id) || brain.outbox.some((m) => conversationOf(m) === id);
  const list = <ThreadList conversations={conversations} current={conversationId} hasMessages={hasMessages} open={openThread} />;
  // W90: the thread on screen was deleted (on another device): its pages go, the view opens `main` and says why.
  useEffect(() => {
    if (!isGone(conversationId, conversations)) return;
    setPaged({ c: DEFAULT_CONVERSATION_ID, older: [], nextBefore: undefined, loading: false });
    if (!deletedHere.has(conversationId)) toast.info("This chat was deleted", { id: `deleted-${conversationId}` });
    void navigate({ to: "/chat", search: {}, replace: true });
  }, [conversationId, conversations, navigate]);
  // W92: after a flip the picker is a new element (another message is shown): focus its button, the other one at an end.
  // assistant-ui draws the new rows a render later: look for the picker that says the new position, a few frames.
  useEffect(() => {
    const wanted = refocus.current;
    if (!wanted) return;
    let frames = 0;
    let handle = 0;
    const attempt = () => {
      const picker = document.querySelector<HTMLElement>(`[data-fork="${CSS.escape(wanted.key)}"][aria-label="${CSS.escape(wanted.said)}"]`);
      const button = [wanted.label, wanted.other].map((label) => picker?.querySelector<HTMLButtonElement>(`button[aria-label="${CSS.escape(label)}"]`)).find((b) => b && !b.disabled);
      if (button) {
        refocus.current = null;
        button.focus();
      } else if (frames++ < 30) handle = requestAnimationFrame(attempt);
    };
    attempt();
    return () => cancelAnimationFrame(handle);
  }, [rows]);

  return (
    <AssistantRuntimeProvider runtime={runtime}>
      <ChatRowsContext.Provider value={store}>
      <BranchChoiceContext.Provider value={choose}>
        <div className="flex h-full">
          {/* W90: the threads beside the chat on a wide screen; at phone width a sheet opened from the header (W94). */}
          <div className="hidden w-64 shrink-0 overflow-y-auto border-r border-stone-200 p-3 md:block dark:border-stone-800">{list}</div>
          <ThreadPrimitive.Root className="flex h-full min-w-0 flex-1 flex-col">
            <h1 tabIndex={-1} className="sr-only">
              Chat
            </h1>
            <p role="status" aria-live="polite" data-testid="branch-announcement" className="sr-only">
              {announcement}
            </p>
            <div className="flex items-center gap-2 border-b border-stone-200 px-3 py-1 dark:border-stone-800">
              <button type="button" onClick={() => setSheet(true)} className="inline-flex min-h-11 min-w-11 items-center justify-center gap-2 rounded-lg px-2 text-sm hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none md:hidden dark:hover:bg-stone-800" aria-label="Chats" aria-haspopup="dialog">
                <MessagesSquare className="size-5" aria-hidden />
              </button>
              <p data-testid="thread-title" title={title} className="truncate py-2 text-sm font-medium text-stone-800 dark:text-stone-200">
                {title}
              </p>
            </div>
            <Modal open={sheet} onClose={() => setSheet(false)} labelledBy="threads-title" testId="threads-sheet">
              <h2 id="threads-title" className="mb-3 text-lg font-semibold">
                Chats
              </h2>
              {list}
            </Modal>
            <ThreadPrimitive.Viewport data-testid="history" className="relative flex-1 overflow-y-auto">
              <div className="mx-auto w-full max-w-3xl px-4 pt-4 md:px-8">
                {page.nextBefore !== null && page.nextBefore !== undefined && (
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
              <VoiceJobs conversationId={conversationId} />
              {/* W118: what the browser's own recognition heard goes like typed text, as a voice message. */}
              <Composer conversationId={conversationId === DEFAULT_CONVERSATION_ID ? undefined : conversationId} sendVoice={(text) => send(text, undefined, "voice")} />
              <p className="mt-2 hidden text-center text-xs text-stone-600 md:block dark:text-stone-400">Enter to send · Shift+Enter for a new line</p>
            </div>
          </ThreadPrimitive.Root>
          {/* K20: the app opens on Chat, so on a wide screen Today sits beside the conversation; on a phone it heads Tasks. */}
          <aside aria-label="Today" className="hidden w-80 shrink-0 overflow-y-auto border-l border-stone-200 p-4 xl:block dark:border-stone-800">
            <TodayPanel />
          </aside>
        </div>
      </BranchChoiceContext.Provider>
      </ChatRowsContext.Provider>
    </AssistantRuntimeProvider>
  );
}
