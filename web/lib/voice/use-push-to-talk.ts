/**
 * Push-to-talk's state machine (docs/PROTOCOL.md W115–W118): a press starts
 * listening; let go after a hold sends, a short tap leaves it running until the
 * next tap; cancel (slide off, Escape, the Cancel button) sends nothing. The
 * server path records a clip and uploads it (its job then shows on every
 * device from the ledger, W119); with no speech-to-text provider on the server
 * the browser's own recognition is used where it exists — never a made-up
 * transcript.
 */
import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { VOICE_MAX_SECONDS } from "../../../shared/voice.ts";
import { ApiError } from "../api.ts";
import { type Listening, listen, recognitionConstructor } from "./browser-recognition.ts";
import { formatElapsed, MicError, type Recording, startRecording } from "./recorder.ts";
import { useVoiceSettings } from "./settings.ts";
import { stopSpeaking } from "./speech-control.ts";
import { uploadVoice, voiceCapabilitiesQuery } from "./voice-upload.ts";

/** A press shorter than this is a tap (toggle); longer is a hold (let go to send). */
export const TAP_MS = 350;

export type Mode = "hold" | "toggle";
export type Via = "server" | "browser";
export type Phase =
  | { kind: "idle" }
  | { kind: "starting"; via: Via }
  | { kind: "recording"; via: Via; mode: Mode; startedAt: number }
  | { kind: "finishing"; via: Via };

/** What the button can do on this device with this server (W118). */
export type VoicePath = { via: Via; note?: string } | { via: "none"; note: string };

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
  /** What the browser's recognition heard so far. */
  heard: string;
  /** An error or explanation in words, until dismissed or the next press. */
  notice: string | null;
  /** The polite live region's text: said once per change (start, stop), not every second. */
  announcement: string;
  press(mode: Mode): void;
  release(heldMs: number): void;
  finish(): void;
  cancel(): void;
  dismiss(): void;
};

/** `send` posts the browser's recognized text as a `channel: "voice"` message (W118). */
export function usePushToTalk(conversationId: string | undefined, send: (text: string) => void): PushToTalk {
  const caps = useQuery(voiceCapabilitiesQuery());
  const settings = useVoiceSettings();
  const transcription = caps.data ? (caps.data.transcription ? "yes" : "no") : "unknown";
  const path = voicePath(transcription, caps.data?.problems ?? [], recognitionConstructor() !== null);
  const [phase, setPhaseState] = useState<Phase>({ kind: "idle" });
  const phaseRef = useRef<Phase>(phase);
  const setPhase = (next: Phase) => {
    phaseRef.current = next;
    setPhaseState(next);
  };
  const [elapsed, setElapsed] = useState(0);
  const [level, setLevel] = useState(0);
  const [heard, setHeard] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const recording = useRef<Recording | null>(null);
  const listening = useRef<Listening | null>(null);
  /** Set when the press ended (or was cancelled) before the microphone opened. */
  const early = useRef<"tap" | "release" | "cancel" | null>(null);
  const latest = useRef({ conversationId, send, review: settings.reviewBeforeSending });
  latest.current = { conversationId, send, review: settings.reviewBeforeSending };

  const idle = () => {
    recording.current = null;
    listening.current = null;
    setLevel(0);
    setPhase({ kind: "idle" });
  };

  const finish = useCallback(async () => {
    const now = phaseRef.current;
    if (now.kind === "starting") {
      early.current = "release";
      return;
    }
    if (now.kind !== "recording") return;
    const seconds = (performance.now() - now.startedAt) / 1000;
    setPhase({ kind: "finishing", via: now.via });
    setAnnouncement(`Recorded ${formatElapsed(seconds)}. Sending.`);
    if (now.via === "browser") {
      listening.current?.stop();
      return;
    }
    const rec = recording.current;
    if (!rec) return idle();
    const clip = await rec.stop();
    if (clip.blob.size === 0) {
      setNotice("Nothing was recorded. Hold the button while you speak, then let go.");
      return idle();
    }
    const { conversationId: c, review } = latest.current;
    try {
      await uploadVoice(clip.blob, { ...(c ? { conversationId: c } : {}), review, idempotencyKey: `voice-${crypto.randomUUID()}` });
    } catch (error) {
      setNotice(error instanceof ApiError ? error.body.message : "The recording could not be sent: the server is out of reach. Try again when you are online.");
    }
    idle();
  }, []);

  const cancel = useCallback(() => {
    const now = phaseRef.current;
    if (now.kind === "idle" || now.kind === "finishing") return;
    if (now.kind === "starting") early.current = "cancel";
    recording.current?.cancel();
    listening.current?.cancel();
    setHeard("");
    setAnnouncement("Cancelled. Nothing was sent.");
    idle();
  }, []);

  const press = useCallback(
    async (mode: Mode) => {
      const now = phaseRef.current;
      if (now.kind === "recording" && now.mode === "toggle") return void finish();
      if (now.kind !== "idle") return;
      // W122: the user starts talking — whatever this device is saying stops.
      stopSpeaking();
      setNotice(null);
      setHeard("");
      early.current = null;
      if (path.via === "none") return setNotice(path.note);
      setPhase({ kind: "starting", via: path.via });
      if (path.via === "browser") {
        const Constructor = recognitionConstructor();
        if (!Constructor) return idle();
        listening.current = listen(Constructor, {
          onInterim: setHeard,
          onFinal: (text) => {
            setHeard("");
            if (text) latest.current.send(text);
            else if (phaseRef.current.kind !== "idle") setNotice("No speech was heard. Hold the microphone button, speak, then let go.");
            idle();
          },
          onError: (message) => {
            setHeard("");
            setNotice(message);
            idle();
          },
        });
        setPhase({ kind: "recording", via: "browser", mode, startedAt: performance.now() });
        setAnnouncement("Listening.");
        return;
      }
      try {
        recording.current = await startRecording();
      } catch (error) {
        setNotice(error instanceof MicError ? error.message : "The microphone could not be started. Try again, or type instead.");
        return idle();
      }
      if (early.current === "cancel") {
        recording.current.cancel();
        return idle();
      }
      // Let go while the browser was still asking for the microphone: the press becomes a tap (tap again to send).
      const started = early.current === "release" || early.current === "tap" ? "toggle" : mode;
      early.current = null;
      setPhase({ kind: "recording", via: "server", mode: started, startedAt: performance.now() });
      setAnnouncement("Recording.");
    },
    [path.via, path.note, finish],
  );

  const release = useCallback(
    (heldMs: number) => {
      const now = phaseRef.current;
      if (now.kind === "starting") {
        early.current = heldMs < TAP_MS ? "tap" : "release";
        return;
      }
      if (now.kind !== "recording" || now.mode !== "hold") return;
      if (heldMs < TAP_MS) setPhase({ ...now, mode: "toggle" });
      else void finish();
    },
    [finish],
  );

  // The elapsed time, the meter and the cap (V1: a clip stops at VOICE_MAX_SECONDS and is sent).
  useEffect(() => {
    if (phase.kind !== "recording") return;
    let frame = 0;
    const tick = () => {
      const seconds = (performance.now() - phase.startedAt) / 1000;
      setElapsed(seconds);
      setLevel(recording.current?.level() ?? 0);
      if (seconds >= VOICE_MAX_SECONDS) {
        setNotice(`Stopped at ${formatElapsed(VOICE_MAX_SECONDS)}, the longest voice message.`);
        void finish();
        return;
      }
      frame = requestAnimationFrame(tick);
    };
    tick();
    return () => cancelAnimationFrame(frame);
  }, [phase, finish]);

  // Escape cancels wherever focus is.
  useEffect(() => {
    if (phase.kind !== "recording" && phase.kind !== "starting") return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      cancel();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [phase.kind, cancel]);

  // Leaving the view drops a recording in progress (nothing is sent from a page the user left).
  useEffect(() => () => {
    recording.current?.cancel();
    listening.current?.cancel();
  }, []);

  return {
    phase,
    path,
    elapsed,
    level,
    heard,
    notice,
    announcement,
    press: (mode) => void press(mode),
    release,
    finish: () => void finish(),
    cancel,
    dismiss: () => setNotice(null),
  };
}
