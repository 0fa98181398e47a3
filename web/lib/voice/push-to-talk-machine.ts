/**
 * Push-to-talk's state machine (docs/PROTOCOL.md W115–W118), without React:
 * the microphone, the upload, the browser's recognition, timers and the clock
 * are injected, so every path (a tap while the mic opens, cancel while it
 * opens, leaving the view, a hung upload, an offline upload) is unit-tested.
 * A press starts listening; let go after a hold sends, a short tap leaves it
 * running until the next tap (Space is hold-only: a short Space cancels);
 * cancel (slide off, Escape, the Cancel button) sends nothing.
 */
import { VOICE_MAX_SECONDS } from "../../../shared/voice.ts";
import type { Listening, ListenHandlers } from "./browser-recognition.ts";
import { formatElapsed, MicError, type Recording } from "./recorder.ts";

/** A press shorter than this is a tap (toggle); longer is a hold (let go to send). */
export const TAP_MS = 350;
/** After stop(), how long the browser's recognition may take to end before it is aborted (some never fire `onend`). */
export const RECOGNITION_END_MS = 4000;

export type Mode = "hold" | "toggle";
export type Via = "server" | "browser";
export type Phase =
  | { kind: "idle" }
  | { kind: "starting"; via: Via }
  | { kind: "recording"; via: Via; mode: Mode; startedAt: number }
  | { kind: "finishing"; via: Via };

/** What the button can do on this device with this server (W118). */
export type VoicePath = { via: Via; note?: string } | { via: "none"; note: string };

/** A clip whose upload did not reach the server: kept with its key, so Retry is the same job (H7). */
export type Pending = { blob: Blob; key: string; conversationId?: string; review: boolean };

export type Snapshot = {
  phase: Phase;
  /** What the browser's recognition heard so far. */
  heard: string;
  /** An error or explanation in words, until dismissed or the next press. */
  notice: string | null;
  /** The polite live region's text: said once per change. */
  announcement: string;
  /** A recording not yet sent (offline): Retry sends it with the same key. */
  pending: Pending | null;
};

export type UploadRequest = { conversationId?: string; review: boolean; idempotencyKey: string; signal: AbortSignal };

export type MachineDeps = {
  path(): VoicePath;
  conversationId(): string | undefined;
  review(): boolean;
  startRecording(): Promise<Recording>;
  upload(blob: Blob, request: UploadRequest): Promise<string>;
  /** The browser's recognition, or null when this browser has none. */
  listen(handlers: ListenHandlers): Listening | null;
  /** The recognized text sent as a `channel: "voice"` message. */
  send(text: string): void;
  /** With "review before sending", the recognized text goes into the composer instead (W118). */
  toComposer(text: string): void;
  stopSpeaking(): void;
  now(): number;
  /** Runs `run` after `ms`; the returned function clears it. */
  later(run: () => void, ms: number): () => void;
  newKey(): string;
  /** An upload failure the server explained (an ApiError): its sentence; null = the server was out of reach. */
  serverMessage(error: unknown): string | null;
};

const capital = (text: string) => {
  const t = text.trim();
  if (!t) return t;
  const c = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?…]$/.test(c) ? c : `${c}.`;
};

export const OFFLINE_NOTICE = "Not sent: the server is out of reach. It is kept on this device — Retry, or it is sent when you are back online.";

export class PushToTalkMachine {
  #deps: MachineDeps;
  #state: Snapshot = { phase: { kind: "idle" }, heard: "", notice: null, announcement: "", pending: null };
  #listeners = new Set<() => void>();
  #recording: Recording | null = null;
  #listening: Listening | null = null;
  #upload: AbortController | null = null;
  /** Set when the press ended (or was cancelled) before the microphone opened. */
  #early: "tap" | "release" | "cancel" | null = null;
  #disposed = false;
  #clearCap: (() => void) | null = null;
  #clearEnd: (() => void) | null = null;
  /** Bumped on every start and cancel: a late callback of an older attempt changes nothing. */
  #attempt = 0;

  constructor(deps: MachineDeps) {
    this.#deps = deps;
  }

  get state(): Snapshot {
    return this.#state;
  }

  /** The recording's level (0–1) for the meter. */
  level(): number {
    return this.#recording?.level() ?? 0;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  };

  #set(patch: Partial<Snapshot>) {
    this.#state = { ...this.#state, ...patch };
    for (const l of this.#listeners) l();
  }

  #idle(patch: Partial<Snapshot> = {}) {
    this.#recording = null;
    this.#listening = null;
    this.#upload = null;
    this.#clearCap?.();
    this.#clearCap = null;
    this.#clearEnd?.();
    this.#clearEnd = null;
    this.#set({ phase: { kind: "idle" }, ...patch });
  }

  #recordingStarted(via: Via, mode: Mode) {
    this.#set({ phase: { kind: "recording", via, mode, startedAt: this.#deps.now() }, announcement: via === "browser" ? "Listening." : "Recording." });
    // V1: a clip stops at VOICE_MAX_SECONDS — on a timer, which runs in a background tab too (animation frames do not).
    this.#clearCap = this.#deps.later(() => {
      if (this.#state.phase.kind !== "recording") return;
      this.#set({ notice: `Stopped at ${formatElapsed(VOICE_MAX_SECONDS)}, the longest voice message.` });
      void this.finish();
    }, VOICE_MAX_SECONDS * 1000);
  }

  async press(mode: Mode): Promise<void> {
    const now = this.#state.phase;
    if (now.kind === "recording" && now.mode === "toggle") return this.finish();
    if (now.kind !== "idle" || this.#disposed) return;
    // W122: the user starts talking — whatever this device is saying stops.
    this.#deps.stopSpeaking();
    this.#early = null;
    const attempt = ++this.#attempt;
    const path = this.#deps.path();
    if (path.via === "none") return this.#set({ notice: path.note, heard: "" });
    this.#set({ notice: null, heard: "", phase: { kind: "starting", via: path.via } });
    if (path.via === "browser") return this.#listen(mode);
    let recording: Recording;
    try {
      recording = await this.#deps.startRecording();
    } catch (error) {
      if (attempt !== this.#attempt) return;
      return this.#idle({ notice: error instanceof MicError ? error.message : "The microphone could not be started. Try again, or type instead." });
    }
    // Cancelled, or the view left, while the browser asked for the microphone: close it at once.
    if (this.#disposed || attempt !== this.#attempt || this.#early === "cancel") {
      recording.cancel();
      if (attempt === this.#attempt && !this.#disposed) this.#idle();
      return;
    }
    this.#recording = recording;
    // Let go while the browser was still asking: the press becomes a tap (tap again to send).
    const started = this.#early === "release" || this.#early === "tap" ? "toggle" : mode;
    this.#early = null;
    this.#recordingStarted("server", started);
  }

  #listen(mode: Mode) {
    const attempt = this.#attempt;
    const current = () => attempt === this.#attempt;
    const listening = this.#deps.listen({
      onInterim: (text) => current() && this.#set({ heard: text }),
      onFinal: (text) => {
        if (!current()) return;
        const was = this.#state.phase.kind;
        if (text && this.#deps.review()) this.#deps.toComposer(text);
        else if (text) this.#deps.send(text);
        this.#idle({
          heard: "",
          ...(text ? { announcement: this.#deps.review() ? "Your words are in the message box to check." : "Sent." } : was !== "idle" ? { notice: "No speech was heard. Hold the microphone button, speak, then let go." } : {}),
        });
      },
      onError: (message) => current() && this.#idle({ heard: "", notice: message }),
    });
    if (!listening) return this.#idle();
    this.#listening = listening;
    this.#recordingStarted("browser", mode);
  }

  release(heldMs: number, options: { holdOnly?: boolean } = {}): void {
    const now = this.#state.phase;
    const tap = heldMs < TAP_MS;
    // Space is hold-only: a short Space (scrolling, a stray key) starts nothing.
    if (options.holdOnly && tap && (now.kind === "starting" || (now.kind === "recording" && now.mode === "hold"))) return this.cancel(false);
    if (now.kind === "starting") {
      this.#early = tap ? "tap" : "release";
      return;
    }
    if (now.kind !== "recording" || now.mode !== "hold") return;
    if (tap) this.#set({ phase: { ...now, mode: "toggle" } });
    else void this.finish();
  }

  async finish(): Promise<void> {
    const now = this.#state.phase;
    if (now.kind === "starting") {
      this.#early = "release";
      return;
    }
    if (now.kind !== "recording") return;
    this.#clearCap?.();
    this.#clearCap = null;
    const seconds = (this.#deps.now() - now.startedAt) / 1000;
    this.#set({ phase: { kind: "finishing", via: now.via }, announcement: `Recorded ${formatElapsed(seconds)}. Sending.` });
    if (now.via === "browser") {
      const listening = this.#listening;
      listening?.stop();
      // Some browsers never fire `onend` after stop(): abort it and give the button back.
      const attempt = this.#attempt;
      this.#clearEnd = this.#deps.later(() => {
        if (attempt !== this.#attempt || this.#state.phase.kind !== "finishing") return;
        this.#attempt++;
        listening?.cancel();
        this.#idle({ heard: "", notice: "Your browser's speech recognition did not finish. Nothing was sent; try again, or type instead." });
      }, RECOGNITION_END_MS);
      return;
    }
    const recording = this.#recording;
    if (!recording) return this.#idle();
    const attempt = this.#attempt;
    const clip = await recording.stop();
    if (attempt !== this.#attempt) return;
    if (clip.blob.size === 0) return this.#idle({ notice: "Nothing was recorded. Hold the button while you speak, then let go." });
    const conversationId = this.#deps.conversationId();
    await this.#send({ blob: clip.blob, key: `voice-${this.#deps.newKey()}`, ...(conversationId ? { conversationId } : {}), review: this.#deps.review() });
  }

  async #send(pending: Pending): Promise<void> {
    const attempt = this.#attempt;
    const controller = new AbortController();
    this.#upload = controller;
    try {
      await this.#deps.upload(pending.blob, { ...(pending.conversationId ? { conversationId: pending.conversationId } : {}), review: pending.review, idempotencyKey: pending.key, signal: controller.signal });
      if (attempt === this.#attempt) this.#idle({ pending: null });
    } catch (error) {
      if (attempt !== this.#attempt || controller.signal.aborted) return;
      const said = this.#deps.serverMessage(error);
      // The server answered (a typed refusal): a retry would be refused again. Out of reach: keep the clip.
      this.#idle(said !== null ? { notice: capital(said), pending: null } : { notice: OFFLINE_NOTICE, pending });
    }
  }

  /** Sends the kept clip again with its key (the Retry button, and when the browser is back online). */
  async retry(): Promise<void> {
    const pending = this.#state.pending;
    if (!pending || this.#state.phase.kind !== "idle" || this.#disposed) return;
    this.#attempt++;
    this.#set({ phase: { kind: "finishing", via: "server" }, notice: null, announcement: "Sending the voice message again." });
    await this.#send(pending);
  }

  /** Ends whatever is under way without sending: a recording, the mic still opening, an upload, recognition. */
  cancel(announce = true): void {
    const now = this.#state.phase;
    if (now.kind === "idle") return;
    if (now.kind === "starting") this.#early = "cancel";
    this.#attempt++;
    this.#recording?.cancel();
    this.#listening?.cancel();
    this.#upload?.abort();
    this.#idle({ heard: "", announcement: announce ? "Cancelled. Nothing was sent." : this.#state.announcement });
  }

  dismiss(): void {
    this.#set({ notice: null, pending: null });
  }

  /** The view is shown (again: React may mount, unmount and mount the same view). */
  attach(): void {
    this.#disposed = false;
  }

  /** The view left: a recording or the mic still opening is dropped; an upload under way finishes (its clip is complete). */
  dispose(): void {
    this.#disposed = true;
    this.#clearCap?.();
    const phase = this.#state.phase.kind;
    if (phase === "starting" || phase === "recording") {
      this.#attempt++;
      this.#recording?.cancel();
      this.#listening?.cancel();
    }
  }
}
