/** Chat with the assistant: replies stream in as they arrive, on every device. */
import { useSuspenseQuery } from "@tanstack/react-query";
import { createFileRoute } from "@tanstack/react-router";
import { RotateCcw, SendHorizontal, Square, Undo2 } from "lucide-react";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { MAX_MESSAGE_CHARS } from "../../../shared/chat.ts";
import type { Message } from "../../../shared/domain.ts";
import { ActionCard } from "../../components/action-card.tsx";
import { Markdown } from "../../components/markdown.tsx";
import { useBrain } from "../../hooks/use-brain.ts";
import { useNow } from "../../hooks/use-now.ts";
import { useUndoTurn } from "../../hooks/use-undo-turn.ts";
import { api } from "../../lib/api.ts";
import { replyCards } from "../../lib/cards.ts";
import { stateQuery } from "../../lib/queries.ts";

export const Route = createFileRoute("/_app/chat")({
  loader: ({ context }) => context.queryClient.ensureQueryData(stateQuery()),
  component: Chat,
});

function Chat() {
  const { data } = useSuspenseQuery(stateQuery());
  const undone = new Set(data.undoneTurns);
  const brain = useBrain();
  const undo = useUndoTurn();
  // C15: a proposal nobody answers turns expired on screen when its time passes, not on the next unrelated render.
  const now = useNow().getTime();
  const [text, setText] = useState("");
  const [older, setOlder] = useState<Message[]>([]);
  const [nextBefore, setNextBefore] = useState<string | null | undefined>(undefined);
  const bottom = useRef<HTMLDivElement>(null);
  const messages = [...older.filter((m) => !data.recentMessages.some((r) => r.id === m.id)), ...data.recentMessages];
  const assistantFor = (turnId?: string) => messages.find((m) => m.role === "assistant" && m.turnId === turnId);
  // A reply is streaming only until the room has stored the final message (which wins after a reconnect).
  const streaming = brain.replies.find((r) => r.status === "streaming" && !assistantFor(r.turnId));
  const scroller = useRef<HTMLDivElement>(null);
  const nearBottom = useRef(true);

  useEffect(() => {
    // Follow the conversation only while the user is at its end (not while reading older messages).
    // Braces matter: newer browsers return a promise from scrollIntoView; an effect may return only a cleanup.
    if (nearBottom.current) void bottom.current?.scrollIntoView({ block: "end" });
  }, [messages.length, brain.replies]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    brain.send(text.trim());
    setText("");
  };
  const loadEarlier = async () => {
    const page = await api.history(messages[0]?.createdAt);
    setOlder((o) => [...page.messages.reverse(), ...o]);
    setNextBefore(page.nextBefore);
  };

  const users = messages.filter((m) => m.role === "user");

  return (
    <div className="mx-auto flex h-full max-w-3xl flex-col">
      <div
        ref={scroller}
        onScroll={(e) => {
          const el = e.currentTarget;
          nearBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
        }}
        className="flex-1 space-y-4 overflow-y-auto p-4 md:p-8"
        data-testid="history"
      >
        {nextBefore !== null && messages.length >= 20 && (
          <button onClick={() => void loadEarlier()} className="mx-auto block text-sm text-indigo-600 hover:underline">
            Load earlier messages
          </button>
        )}
        {users.length === 0 && brain.outbox.length === 0 && (
          <div className="mt-16 text-center text-stone-500">
            <p className="text-lg">What can I take off your plate?</p>
            <p className="mt-2 text-sm">Try “remind me to call John tomorrow at 3pm” or “plan my day”.</p>
          </div>
        )}
        {users.map((m) => {
          const live = brain.replies.find((r) => r.turnId === m.turnId);
          const stored = assistantFor(m.turnId);
          const replyText = stored?.text || live?.text || "";
          const status = stored ? (stored.status === "complete" ? "completed" : stored.status) : (live?.status ?? "streaming");
          // C16: the cards stored with the reply (after a reload, on a device that joined later), updated by live frames.
          const cards = replyCards(stored?.actions, live?.actions, data.proposals.filter((p) => p.turnId === m.turnId), now);
          return (
            <div key={m.id} className="space-y-2">
              <div className="ml-auto w-fit max-w-[85%] rounded-2xl rounded-br-sm bg-indigo-600 px-4 py-2 text-white">{m.text}</div>
              <div data-testid="reply" className="w-fit max-w-[85%] rounded-2xl rounded-bl-sm bg-white px-4 py-2 shadow-sm dark:bg-stone-900">
                {replyText ? <Markdown text={replyText} /> : status === "streaming" ? <span className="animate-pulse text-stone-400">Thinking…</span> : null}
                {cards.map((a) => <ActionCard key={a.id} action={a} />)}
                {status === "interrupted" && <p className="mt-1 text-xs text-stone-500">Stopped.</p>}
                {/* D18: an undone turn says so on every device; one that changed something offers Undo until then. */}
                {m.turnId && undone.has(m.turnId) ? (
                  <p className="mt-1 text-xs text-stone-500">Undone</p>
                ) : (
                  m.turnId &&
                  cards.some((a) => a.status === "done" || a.status === "confirmed") && (
                    <button disabled={undo.isPending} onClick={() => m.turnId && undo.mutate(m.turnId)} className="mt-1 flex items-center gap-1 text-xs text-indigo-600 hover:underline">
                      <Undo2 className="size-3" /> Undo
                    </button>
                  )
                )}
                {status === "failed" && (
                  <p className="mt-1 flex items-center gap-2 text-sm text-red-600">
                    {live?.error ?? "The assistant could not answer."}
                    <button onClick={() => brain.send(m.text)} className="flex items-center gap-1 underline">
                      <RotateCcw className="size-3" /> Retry
                    </button>
                  </p>
                )}
              </div>
            </div>
          );
        })}
        {brain.outbox
          .filter((o) => !users.some((u) => u.text === o.text && u.createdAt >= o.createdAt))
          .map((o) => (
            <div key={o.clientActionId} className="ml-auto w-fit max-w-[85%] rounded-2xl bg-indigo-300 px-4 py-2 text-white dark:bg-indigo-800">
              {o.text} <span className="text-xs opacity-80">· sending</span>
            </div>
          ))}
        <div ref={bottom} />
      </div>
      <form onSubmit={submit} className="flex items-center gap-2 border-t border-stone-200 p-3 dark:border-stone-800">
        <label className="sr-only" htmlFor="message">
          Message
        </label>
        <input
          id="message"
          maxLength={MAX_MESSAGE_CHARS}
          autoFocus
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Ask your chief of staff…"
          className="flex-1 rounded-xl border border-stone-300 bg-white px-4 py-3 outline-none focus:ring-2 focus:ring-indigo-500 dark:border-stone-700 dark:bg-stone-900"
        />
        {streaming ? (
          <button type="button" onClick={() => brain.stop(streaming.turnId)} className="rounded-xl border border-stone-300 p-3 dark:border-stone-700" aria-label="Stop">
            <Square className="size-5" />
          </button>
        ) : null}
        <button type="submit" className="rounded-xl bg-indigo-600 p-3 text-white hover:bg-indigo-500" aria-label="Send">
          <SendHorizontal className="size-5" />
        </button>
      </form>
    </div>
  );
}
