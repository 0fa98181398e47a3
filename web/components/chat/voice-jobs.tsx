/**
 * Voice messages on their way (docs/PROTOCOL.md W119), above the composer of
 * their thread, from the state's `voiceJobs` (kept current by the ledger's
 * `voice.job.*` events, so every device of the user sees them live):
 * "Transcribing…" while a job is queued or transcribing; for a job this device
 * recorded with "review before sending", its transcript to correct, with Send
 * and Discard; a failed job's reason. A job sent as a message leaves this list
 * (the message is in the conversation).
 */
import { useSuspenseQuery } from "@tanstack/react-query";
import { Loader2, Mic, X } from "lucide-react";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { conversationOf } from "../../../shared/conversations.ts";
import { MAX_MESSAGE_CHARS } from "../../../shared/chat.ts";
import type { VoiceJobRecord } from "../../../shared/voice.ts";
import { useBrain } from "../../hooks/use-brain.ts";
import { useNow } from "../../hooks/use-now.ts";
import { ApiError } from "../../lib/api.ts";
import { stateQuery } from "../../lib/queries.ts";
import { discardVoiceJob, sendVoiceJob } from "../../lib/voice/voice-upload.ts";

/** A failed job's reason stays this long (then the list is about what is current). */
const FAILED_SHOWN_MS = 60 * 60 * 1000;
const DISMISSED_KEY = "mc.voice.dismissed";

/** Jobs this device discarded (review) or dismissed (failed): kept on the device, so a reload does not bring them back. */
const dismissed = {
  listeners: new Set<() => void>(),
  read(): string {
    try {
      return localStorage.getItem(DISMISSED_KEY) ?? "[]";
    } catch {
      return "[]";
    }
  },
  ids(raw: string): Set<string> {
    try {
      const parsed: unknown = JSON.parse(raw);
      return new Set(Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === "string") : []);
    } catch {
      return new Set();
    }
  },
  add(id: string) {
    // The state keeps the latest 50 jobs; more ids than that name jobs long gone.
    const next = [...dismissed.ids(dismissed.read()), id].slice(-100);
    try {
      localStorage.setItem(DISMISSED_KEY, JSON.stringify(next));
    } catch {
      // Private mode: hidden until the tab closes is all we can do.
    }
    for (const l of dismissed.listeners) l();
  },
  subscribe(listener: () => void) {
    dismissed.listeners.add(listener);
    return () => void dismissed.listeners.delete(listener);
  },
};

/** W119: which jobs show in this thread on this device, oldest first (the order they were spoken). */
export function jobsShown(jobs: readonly VoiceJobRecord[], conversationId: string, deviceId: string, hidden: ReadonlySet<string>, now: number): VoiceJobRecord[] {
  return jobs
    .filter((job) => conversationOf(job) === conversationId && !hidden.has(job.id))
    .filter((job) => {
      // V28: a discarded job (on any device) shows nothing anywhere.
      if (job.status === "failed" && job.error?.code === "cancelled") return false;
      if (job.status === "queued" || job.status === "transcribing") return true;
      if (job.status === "failed") return now - Date.parse(job.updatedAt) < FAILED_SHOWN_MS;
      // Done: held for review on the device that recorded it, until sent.
      return job.review && job.messageId === undefined && job.deviceId === deviceId;
    })
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export function VoiceJobs({ conversationId }: { conversationId: string }) {
  const { data } = useSuspenseQuery(stateQuery());
  const brain = useBrain();
  const now = useNow().getTime();
  const hidden = dismissed.ids(useSyncExternalStore(dismissed.subscribe, dismissed.read, () => "[]"));
  const jobs = jobsShown(data.voiceJobs ?? [], conversationId, brain.deviceId, hidden, now);
  if (jobs.length === 0) return null;
  return (
    <ul data-testid="voice-jobs" aria-label="Voice messages" className="mb-2 space-y-2">
      {jobs.map((job) => (
        <li key={job.id} data-job={job.id} data-status={job.status}>
          {job.status === "done" ? <ReviewCard job={job} /> : job.status === "failed" ? <Failed job={job} /> : <Transcribing job={job} />}
        </li>
      ))}
    </ul>
  );
}

function Transcribing({ job }: { job: VoiceJobRecord }) {
  return (
    <div role="status" className="ml-auto flex w-fit items-center gap-2 rounded-2xl bg-indigo-50 px-3 py-2 text-sm text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100">
      <Loader2 className="size-4 animate-spin" aria-hidden />
      {job.status === "queued" ? "Voice message received…" : "Transcribing…"}
    </div>
  );
}

/** The server's reason as a sentence of its own (capital first, a full stop at the end). */
export const asSentence = (text: string): string => {
  const trimmed = text.trim();
  if (!trimmed) return "";
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
};

/** W119: a failed job in the user's words; the server's own sentence (which may name a setting) is the secondary line. */
export function failureText(error: { code: string; message: string } | undefined): { headline: string; detail: string } {
  const detail = asSentence(error?.message ?? "");
  switch (error?.code) {
    case "rate_limited":
      return { headline: "Not sent: today's voice limit is reached.", detail };
    case "bad_request":
    case "unsupported_media_type":
    case "too_large":
      return { headline: "Couldn't transcribe this recording.", detail };
    default:
      return { headline: "Couldn't transcribe — the speech service didn't answer. Try again.", detail };
  }
}

function Failed({ job }: { job: VoiceJobRecord }) {
  const { headline, detail } = failureText(job.error);
  return (
    <div className="flex items-start gap-2 rounded-2xl border border-red-200 bg-white px-3 py-1 text-sm dark:border-red-900 dark:bg-stone-900">
      <Mic className="mt-3 size-4 shrink-0 text-red-700 dark:text-red-300" aria-hidden />
      <p className="flex-1 py-2">
        <span data-testid="voice-failed" className="font-medium text-red-700 dark:text-red-300">
          {headline}
        </span>{" "}
        <span className="block text-xs text-stone-600 dark:text-stone-400">{detail} Hold the microphone button to record again.</span>
      </p>
      <button type="button" onClick={() => dismissed.add(job.id)} aria-label="Dismiss" className="inline-flex size-11 shrink-0 items-center justify-center rounded-lg text-stone-600 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:text-stone-400 dark:hover:bg-stone-800">
        <X className="size-4" aria-hidden />
      </button>
    </div>
  );
}

/** V14: the transcript as heard, editable; Send posts the corrected text (the job is sent once, whatever the clicks). */
function ReviewCard({ job }: { job: VoiceJobRecord }) {
  const [text, setText] = useState(job.transcript ?? "");
  const [state, setState] = useState<{ kind: "editing" } | { kind: "sending" } | { kind: "failed"; message: string }>({ kind: "editing" });
  const id = `voice-review-${job.id}`;
  const box = useRef<HTMLTextAreaElement>(null);
  // W119: the card appears on the device that recorded it, just after the recording: the transcript takes focus
  // (a screen reader reads its label and hint), unless the user is typing something elsewhere.
  useEffect(() => {
    const active = document.activeElement;
    const typing = (active instanceof HTMLTextAreaElement || active instanceof HTMLInputElement) && active.value.trim() !== "";
    if (!typing) box.current?.focus();
  }, []);
  const send = async () => {
    if (state.kind === "sending" || !text.trim()) return;
    setState({ kind: "sending" });
    try {
      await sendVoiceJob(job.id, text.trim());
      // Sent (200): hidden here now — the job's `voice.job.sent` may come later, or not while the socket is down.
      dismissed.add(job.id);
    } catch (error) {
      setState({ kind: "failed", message: error instanceof ApiError ? asSentence(error.body.message) : "Not sent: the server is out of reach. Try again when you are online." });
    }
  };
  const discard = async () => {
    // V28: discarded on the server (every device stops showing it); hidden here at once either way.
    dismissed.add(job.id);
    try {
      await discardVoiceJob(job.id);
    } catch {
      // Offline or already sent: it stays hidden on this device; the server keeps its own state.
    }
  };
  return (
    <form
      data-testid="voice-review"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      className="rounded-2xl border border-stone-200 bg-white p-3 text-sm shadow-sm dark:border-stone-700 dark:bg-stone-900"
    >
      <p id={`${id}-title`} className="mb-1 flex items-center gap-2 font-medium">
        <Mic className="size-4" aria-hidden /> Check your voice message before it is sent
      </p>
      <label htmlFor={id} className="sr-only">
        Transcript
      </label>
      <textarea
        id={id}
        value={text}
        maxLength={MAX_MESSAGE_CHARS}
        ref={box}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          // Ctrl/⌘+Enter sends (Enter alone is a new line in the transcript).
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void send();
          }
        }}
        aria-describedby={`${id}-hint`}
        rows={2}
        className="w-full resize-y rounded-lg border border-stone-300 bg-transparent px-2 py-1.5 leading-6 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:border-stone-600"
      />
      <p id={`${id}-hint`} className="sr-only">
        Your transcript is ready to check. Ctrl+Enter sends it.
      </p>
      {state.kind === "failed" && (
        <p role="alert" className="mt-1 text-red-700 dark:text-red-300">
          {state.message}
        </p>
      )}
      <div className="mt-2 flex justify-end gap-2">
        <button type="button" onClick={() => void discard()} className="min-h-11 rounded-lg px-3 font-medium text-stone-700 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:text-stone-200 dark:hover:bg-stone-800">
          Discard
        </button>
        <button type="submit" disabled={state.kind === "sending" || !text.trim()} className="min-h-11 rounded-lg bg-indigo-600 px-4 font-medium text-white hover:bg-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none disabled:bg-stone-300 disabled:text-stone-600 dark:disabled:bg-stone-700 dark:disabled:text-stone-300">
          {state.kind === "sending" ? "Sending…" : "Send"}
        </button>
      </div>
    </form>
  );
}
