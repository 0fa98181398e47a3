/**
 * The microphone button beside Send (docs/PROTOCOL.md W115–W118): hold to talk
 * and let go to send, or tap to start and tap again to send; Space held while
 * focus is on no control does the same (Space is hold-only: a short Space
 * starts nothing). While it listens, a panel above the
 * composer shows the elapsed time, a level meter and how to cancel (slide off
 * the button, Escape, or Cancel). Its errors and the fallback to the browser's
 * recognition are said in words.
 */
import { useAui } from "@assistant-ui/react";
import { Loader2, Mic, RotateCw, Square, X } from "lucide-react";
import { type PointerEvent as ReactPointerEvent, type RefObject, useEffect, useId, useRef } from "react";
import { formatElapsed } from "../../lib/voice/recorder.ts";
import { type PushToTalk, usePushToTalk } from "../../lib/voice/use-push-to-talk.ts";

/** Focus on one of these keeps Space for itself (typing, pressing a button); elsewhere Space is push-to-talk. */
const KEEPS_SPACE =
  "input, textarea, select, button, a[href], summary, dialog, [contenteditable]:not([contenteditable='false']), [role=button], [role=link], [role=checkbox], [role=switch], [role=tab], [role=menuitem], [role=option], [role=textbox], [role=combobox], [role=slider]";

export function PushToTalkButton({ conversationId, send }: { conversationId: string | undefined; send: (text: string) => void }) {
  const aui = useAui();
  // W118: with "review before sending", what the browser heard goes into the message box to check.
  const ptt = usePushToTalk(conversationId, send, (text) => aui.composer().setText(text));
  const button = useRef<HTMLButtonElement>(null);
  const pressedAt = useRef<number | null>(null);
  const noteId = useId();
  const active = ptt.phase.kind !== "idle";
  const recording = ptt.phase.kind === "recording";
  const toggled = ptt.phase.kind === "recording" && ptt.phase.mode === "toggle";

  // W115: Space held on no control (not a text field, not another button) is push-to-talk; the button itself too.
  useSpaceToTalk(ptt, button);

  const down = (e: ReactPointerEvent<HTMLButtonElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    // Touch captures the pointer to the button; released, sliding off fires pointerleave (the cancel).
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    pressedAt.current = performance.now();
    ptt.press("hold");
  };
  const up = () => {
    if (pressedAt.current === null) return;
    const held = performance.now() - pressedAt.current;
    pressedAt.current = null;
    ptt.release(held);
  };
  const leave = () => {
    if (pressedAt.current === null) return;
    pressedAt.current = null;
    ptt.cancel();
  };

  const unavailable = ptt.path.via === "none";
  // One way to say the state: the label changes (no aria-pressed beside it).
  const label = toggled ? "Stop and send voice message" : recording ? "Recording — let go to send" : unavailable ? "Voice input unavailable" : "Hold to talk";
  return (
    <>
      {(active || ptt.notice || ptt.heard || ptt.pending) && <Panel ptt={ptt} />}
      <p role="status" aria-live="polite" className="sr-only" data-testid="voice-announcement">
        {ptt.announcement}
      </p>
      {ptt.path.note && (
        <span id={noteId} hidden>
          {ptt.path.note}
        </span>
      )}
      <button
        ref={button}
        type="button"
        data-testid="push-to-talk"
        data-phase={ptt.phase.kind}
        aria-label={label}
        aria-disabled={unavailable || undefined}
        aria-keyshortcuts="Space"
        aria-describedby={ptt.path.note ? noteId : undefined}
        title={ptt.path.note ?? "Hold to talk, or tap to start and tap again to send (Space)"}
        onPointerDown={down}
        onPointerUp={up}
        onPointerLeave={leave}
        onPointerCancel={leave}
        onContextMenu={(e) => e.preventDefault()}
        // Keyboard activation (Enter; Space is handled as push-to-talk): a tap that toggles.
        onClick={(e) => {
          if (e.detail === 0) (toggled ? ptt.finish : () => ptt.press("toggle"))();
        }}
        className={`flex size-11 shrink-0 touch-none items-center justify-center rounded-full select-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none ${
          recording
            ? "bg-red-600 text-white hover:bg-red-500"
            : unavailable
              ? "cursor-not-allowed text-stone-600 opacity-60 dark:text-stone-400"
              : "text-stone-700 hover:bg-stone-100 dark:text-stone-200 dark:hover:bg-stone-800"
        }`}
      >
        {ptt.phase.kind === "starting" || ptt.phase.kind === "finishing" ? (
          <Loader2 className="size-5 animate-spin" aria-hidden />
        ) : toggled ? (
          <Square className="size-4 fill-current" aria-hidden />
        ) : (
          <Mic className="size-5" aria-hidden />
        )}
      </button>
    </>
  );
}

/** Above the composer: the recording's time and level and how to end it, what the browser heard, or a notice. */
function Panel({ ptt }: { ptt: PushToTalk }) {
  const { phase } = ptt;
  const recording = phase.kind === "recording";
  const hint = recording ? (phase.mode === "hold" ? "Let go to send · slide off or Esc to cancel" : "Tap the button again to send · Esc to cancel") : phase.kind === "finishing" ? "Sending…" : phase.kind === "starting" ? "Opening the microphone…" : null;
  return (
    <div data-testid="voice-panel" className="absolute right-0 bottom-full left-0 mb-2 rounded-2xl border border-stone-200 bg-white p-3 text-sm shadow-md dark:border-stone-700 dark:bg-stone-900">
      {(recording || hint) && (
        <div className="flex items-center gap-3">
          {recording && <span className="size-2.5 shrink-0 animate-pulse rounded-full bg-red-600" aria-hidden />}
          {recording && (
            <span data-testid="voice-elapsed" data-seconds={ptt.elapsed.toFixed(2)} className="font-medium tabular-nums" aria-hidden>
              {formatElapsed(ptt.elapsed)}
            </span>
          )}
          {recording && phase.via === "server" && <Meter level={ptt.level} />}
          <span className="min-w-0 flex-1 truncate text-stone-600 dark:text-stone-400">{hint}</span>
          {(recording || phase.kind === "finishing") && (
            <button type="button" data-testid="voice-cancel" onClick={ptt.cancel} className="inline-flex min-h-11 shrink-0 items-center gap-1 rounded-lg px-2 text-xs font-medium text-stone-700 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:text-stone-200 dark:hover:bg-stone-800">
              <X className="size-4" aria-hidden /> Cancel
            </button>
          )}
        </div>
      )}
      {phase.kind !== "idle" && phase.via === "browser" && ptt.path.note && <p className="mt-1 text-xs text-stone-600 dark:text-stone-400">{ptt.path.note}</p>}
      {ptt.heard && (
        <p data-testid="voice-heard" className="mt-1 text-stone-800 italic dark:text-stone-200">
          “{ptt.heard}”
        </p>
      )}
      {ptt.notice && (
        <div className="flex items-start gap-2">
          <p data-testid="voice-notice" role="alert" className="flex-1 py-2 text-stone-800 dark:text-stone-200">
            {ptt.notice}
          </p>
          <button type="button" onClick={ptt.dismiss} aria-label="Dismiss" className="inline-flex size-11 shrink-0 items-center justify-center rounded-lg text-stone-600 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:text-stone-400 dark:hover:bg-stone-800">
            <X className="size-4" aria-hidden />
          </button>
        </div>
      )}
      {ptt.pending && phase.kind === "idle" && (
        <button type="button" data-testid="voice-retry" onClick={ptt.retry} className="inline-flex min-h-11 items-center gap-1 rounded-lg px-2 font-medium text-indigo-700 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:text-indigo-300 dark:hover:bg-stone-800">
          <RotateCw className="size-4" aria-hidden /> Retry sending the voice message
        </button>
      )}
    </div>
  );
}

/** Five bars that follow the microphone's level; decoration only (the elapsed time is the information). */
function Meter({ level }: { level: number }) {
  const shape = [0.5, 0.8, 1, 0.8, 0.5];
  return (
    <span data-testid="voice-meter" aria-hidden className="flex h-5 items-center gap-0.5">
      {shape.map((weight, i) => (
        <span key={i} className="w-1 rounded-full bg-indigo-600 dark:bg-indigo-400" style={{ height: `${Math.max(15, Math.min(100, level * weight * 100))}%` }} />
      ))}
    </span>
  );
}

function useSpaceToTalk(ptt: PushToTalk, button: RefObject<HTMLButtonElement | null>) {
  const held = useRef<number | null>(null);
  const current = useRef(ptt);
  current.current = ptt;
  useEffect(() => {
    const eligible = (e: KeyboardEvent) => {
      if (e.code !== "Space" || e.ctrlKey || e.metaKey || e.altKey) return false;
      const target = e.target instanceof Element ? e.target : null;
      return target === button.current || !target?.closest(KEEPS_SPACE);
    };
    const onDown = (e: KeyboardEvent) => {
      if (!eligible(e)) return;
      e.preventDefault();
      if (e.repeat || held.current !== null) return;
      held.current = performance.now();
      current.current.press("hold");
    };
    const onUp = (e: KeyboardEvent) => {
      if (e.code !== "Space" || held.current === null) return;
      e.preventDefault();
      const ms = performance.now() - held.current;
      held.current = null;
      // Hold-only: a Space shorter than a tap cancels (Space also scrolls; a stray press must not start a hands-free recording).
      current.current.release(ms, { holdOnly: true });
    };
    document.addEventListener("keydown", onDown);
    document.addEventListener("keyup", onUp);
    return () => {
      document.removeEventListener("keydown", onDown);
      document.removeEventListener("keyup", onUp);
    };
  }, [button]);
}
