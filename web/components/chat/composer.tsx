import { ComposerPrimitive, useAuiState } from "@assistant-ui/react";
import { ArrowUp, Square } from "lucide-react";
import { MAX_MESSAGE_CHARS } from "../../../shared/chat.ts";
import { PushToTalkButton } from "./push-to-talk.tsx";

/**
 * The composer, pinned under the conversation: Enter sends, Shift+Enter makes
 * a new line; while a reply streams, Stop takes Send's place (C7). The length
 * is not cut at the cap: a longer text is refused by the room and shown failed
 * with its reason (W12), and the count warns before that. The microphone
 * beside Send is push-to-talk (W115); `sendVoice` sends what the browser's
 * own recognition heard (W118).
 */
export function Composer({ conversationId, sendVoice }: { conversationId?: string; sendVoice: (text: string) => void }) {
  const running = useAuiState((s) => s.thread.isRunning);
  const length = useAuiState((s) => s.composer.text.length);
  return (
    <ComposerPrimitive.Root className="relative flex items-end gap-2 rounded-3xl border border-stone-300 bg-white p-2 pl-4 shadow-sm focus-within:border-stone-400 focus-within:ring-2 focus-within:ring-indigo-500/40 dark:border-stone-700 dark:bg-stone-900 dark:focus-within:border-stone-600">
      <ComposerPrimitive.Input
        aria-label="Message"
        placeholder="Ask your chief of staff…"
        autoFocus
        rows={1}
        maxRows={8}
        submitMode="enter"
        className="max-h-48 min-h-11 flex-1 resize-none bg-transparent py-2.5 leading-6 outline-none placeholder:text-stone-500 dark:placeholder:text-stone-400"
      />
      {length > MAX_MESSAGE_CHARS - 500 && (
        <span aria-live="polite" className={`self-center text-xs ${length > MAX_MESSAGE_CHARS ? "text-red-700 dark:text-red-300" : "text-stone-600 dark:text-stone-400"}`}>
          {length} / {MAX_MESSAGE_CHARS}
        </span>
      )}
      <PushToTalkButton conversationId={conversationId} send={sendVoice} />
      {running ? (
        <ComposerPrimitive.Cancel aria-label="Stop" className="flex size-11 shrink-0 items-center justify-center rounded-full bg-stone-900 text-white hover:bg-stone-700 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none dark:bg-stone-100 dark:text-stone-900">
          <Square className="size-4 fill-current" aria-hidden />
        </ComposerPrimitive.Cancel>
      ) : (
        <ComposerPrimitive.Send aria-label="Send" className="flex size-11 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-white hover:bg-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none disabled:bg-stone-300 disabled:text-stone-600 dark:disabled:bg-stone-700 dark:disabled:text-stone-300">
          <ArrowUp className="size-5" aria-hidden />
        </ComposerPrimitive.Send>
      )}
    </ComposerPrimitive.Root>
  );
}
