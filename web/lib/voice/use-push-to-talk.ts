/**
 * Push-to-talk in React (docs/PROTOCOL.md W115–W118): the pure machine of
 * push-to-talk-machine.ts wired to the microphone, the upload, the browser's
 * recognition and the page. The server path records a clip and uploads it
 * (its job then shows on every device from the ledger, W119); with no
 * speech-to-text provider on the server the browser's own recognition is used
 * where it exists — never a made-up transcript.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { ApiError } from "../api.ts";
import { listen, recognitionConstructor } from "./browser-recognition.ts";
import { type Mode, type Pending, type Phase, PushToTalkMachine, type VoicePath } from "./push-to-talk-machine.ts";
import { startRecording } from "./recorder.ts";
import { useVoiceSettings } from "./settings.ts";
import { primeSpeech } from "./speaker.ts";
import { stopSpeaking } from "./speech-control.ts";
import { voiceCapabilitiesQuery } from "./voice-capabilities.ts";
import { uploadVoice } from "./voice-upload.ts";

export { TAP_MS, type Mode, type Phase, type Via, type VoicePath } from "./push-to-talk-machine.ts";

export const BROWSER_NOTE = "Server voice needs a speech-to-text provider (STT_PROVIDER); using your browser's speech recognition.";
export const NONE_NOTE =
  "Voice input is unavailable here: server voice needs a speech-to-text provider (STT_PROVIDER), and this browser has no speech recognition. Type instead, or use Chrome, Edge or Safari.";

/** W118: the server when it has a transcription provider (or before it has said), else the browser's recognition, else none. */
export function voicePath(transcription: "yes" | "no" | "unknown", problems: readonly string[], browserCanListen: boolean): VoicePath {
  if (transcription !== "no") return { via: "server" };
  const why = problems.length > 0 ? `${problems.join(" ")} ` : "";
  return browserCanListen ? { via: "browser", note: `${why}${BROWSER_NOTE}` } : { via: "none", note: `${why}${NONE_NOTE}` };
}

export type PushToTalk = {
  phase: Phase;
  path: VoicePath;
  /** Seconds since recording started (ticks while recording). */
  elapsed: number;
  /** 0–1 (the meter). */
  level: number;
  heard: string;
  notice: string | null;
  announcement: string;
  pending: Pending | null;
  press(mode: Mode): void;
  release(heldMs: number, options?: { holdOnly?: boolean }): void;
  finish(): void;
  cancel(): void;
  retry(): void;
  dismiss(): void;
};

/**
 * `send` posts the browser's recognized text as a `channel: "voice"` message;
 * `toComposer` puts it in the message box instead when the user reviews first (W118).
 */
export function usePushToTalk(conversationId: string | undefined, send: (text: string) => void, toComposer: (text: string) => void): PushToTalk {
  const caps = useQuery(voiceCapabilitiesQuery());
  const settings = useVoiceSettings();
  const transcription = caps.data ? (caps.data.transcription ? "yes" : "no") : "unknown";
  const path = voicePath(transcription, caps.data?.problems ?? [], recognitionConstructor() !== null);
  const latest = useRef({ conversationId, send, toComposer, review: settings.reviewBeforeSending, path });
  latest.current = { conversationId, send, toComposer, review: settings.reviewBeforeSending, path };
  const [machine] = useState(
    () =>
      new PushToTalkMachine({
        path: () => latest.current.path,
        conversationId: () => latest.current.conversationId,
        review: () => latest.current.review,
        startRecording,
        upload: (blob, request) => uploadVoice(blob, request),
        listen: (handlers) => {
          const Constructor = recognitionConstructor();
          return Constructor ? listen(Constructor, handlers) : null;
        },
        send: (text) => latest.current.send(text),
        toComposer: (text) => latest.current.toComposer(text),
        stopSpeaking,
        now: () => performance.now(),
        later: (run, ms) => {
          const timer = setTimeout(run, ms);
          return () => clearTimeout(timer);
        },
        newKey: () => crypto.randomUUID(),
        serverMessage: (error) => (error instanceof ApiError ? error.body.message : null),
      }),
  );
  const state = useSyncExternalStore(machine.subscribe, () => machine.state);
  const [elapsed, setElapsed] = useState(0);
  const [level, setLevel] = useState(0);
  const { phase } = state;

  // The elapsed time and the meter, per frame while recording (the 2:00 cap is the machine's timer, W115).
  useEffect(() => {
    if (phase.kind !== "recording") {
      setLevel(0);
      return;
    }
    let frame = 0;
    const tick = () => {
      setElapsed((performance.now() - phase.startedAt) / 1000);
      setLevel(machine.level());
      frame = requestAnimationFrame(tick);
    };
    tick();
    return () => cancelAnimationFrame(frame);
  }, [phase, machine]);

  // Escape cancels wherever focus is (also while the clip is being sent).
  useEffect(() => {
    if (phase.kind === "idle") return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      machine.cancel();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [phase.kind, machine]);

  // A clip kept while offline is sent when the browser is back online (same key: one job, H7).
  useEffect(() => {
    if (!state.pending) return;
    const online = () => void machine.retry();
    window.addEventListener("online", online);
    return () => window.removeEventListener("online", online);
  }, [state.pending, machine]);

  // Leaving the view drops a recording in progress, even one whose microphone is still being asked for.
  useEffect(() => {
    machine.attach();
    return () => machine.dispose();
  }, [machine]);

  return {
    ...state,
    path,
    elapsed,
    level,
    press: (mode) => {
      // W122: inside the user's gesture, so Safari lets the reply to this clip play later.
      primeSpeech();
      void machine.press(mode);
    },
    release: (ms, options) => machine.release(ms, options),
    finish: () => void machine.finish(),
    cancel: () => machine.cancel(),
    retry: () => void machine.retry(),
    dismiss: () => machine.dismiss(),
  };
}
