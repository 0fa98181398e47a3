/**
 * W123: while this device reads a reply aloud, a "Speaking…" pill at the top of
 * every view (mounted in the app's layout: leaving the chat does not hide it) says so, with a Stop that silences it at once (the same stop as the
 * turn's Stop button and push-to-talk: speech-control.ts).
 */
import { Square, Volume2 } from "lucide-react";
import { useSyncExternalStore } from "react";
import { stopSpeaking } from "../../lib/voice/speech-control.ts";
import { spokenReplies } from "../../lib/voice/spoken-replies.ts";

export function SpeakingIndicator() {
  const { speaker } = spokenReplies();
  // One string snapshot (stable between changes): whether it speaks, and whether a sentence found no voice.
  const snapshot = useSyncExternalStore(
    (listener) => speaker.subscribe(listener),
    () => `${speaker.state}${speaker.voiceless ? ":voiceless" : ""}`,
    () => "idle",
  );
  const state = snapshot.startsWith("speaking") ? "speaking" : "idle";
  const voiceless = snapshot.endsWith(":voiceless");
  return (
    // The status region stays in the page so the change is announced; it is empty while idle.
    <div role="status" aria-live="polite" className="flex justify-center">
      {state === "speaking" && (
        <div data-testid="speaking-indicator" className="mt-2 inline-flex items-center gap-2 rounded-full border border-indigo-200 bg-indigo-50 py-1 pr-1 pl-3 text-sm text-indigo-900 dark:border-indigo-900 dark:bg-indigo-950 dark:text-indigo-100">
          <Volume2 className="size-4 motion-safe:animate-pulse" aria-hidden />
          {/* W123: no server speech and no browser voice: the reply is shown, and the pill says why it is silent. */}
          <span>{voiceless ? "No voice here: this browser cannot read replies aloud" : "Speaking…"}</span>
          <button
            type="button"
            onClick={stopSpeaking}
            className="inline-flex min-h-11 items-center gap-1 rounded-full px-3 font-medium hover:bg-indigo-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:hover:bg-indigo-900"
          >
            <Square className="size-3 fill-current" aria-hidden />
            Stop speaking
          </button>
        </div>
      )}
    </div>
  );
}
