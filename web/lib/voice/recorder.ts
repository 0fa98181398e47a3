/**
 * The microphone (docs/PROTOCOL.md W115, W117): getUserMedia + MediaRecorder in
 * the first container this browser records that the server accepts (V2), and
 * an AnalyserNode for the level meter. One recording at a time; `stop()` gives
 * the clip, `cancel()` drops it (nothing leaves the device). The tracks are
 * stopped either way, so the browser's "recording" indicator goes out.
 */
import { VOICE_MEDIA_TYPES, voiceMediaTypeOf } from "../../../shared/voice.ts";

/** In order of preference: Chrome and Firefox record WebM/Opus, older Firefox Ogg/Opus, Safari MP4/AAC. */
export const RECORDER_TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4"] as const;

/** The first of RECORDER_TYPES the browser says it records, or null (no MediaRecorder, or none of them). */
export function pickRecorderType(isTypeSupported: (type: string) => boolean): string | null {
  return RECORDER_TYPES.find((type) => isTypeSupported(type)) ?? null;
}

/** Why the microphone could not be used: each one has its own sentence and fix (W117). */
export type MicProblem = "insecure" | "unsupported" | "denied" | "no-device" | "busy" | "failed";

export class MicError extends Error {
  readonly problem: MicProblem;
  constructor(problem: MicProblem) {
    super(micProblemText(problem));
    this.problem = problem;
  }
}

/** W117: what the user reads, and how to fix it. */
export function micProblemText(problem: MicProblem): string {
  switch (problem) {
    case "insecure":
      return "The microphone works only on a secure page: open the app over https:// (or on localhost).";
    case "unsupported":
      return "This browser cannot record audio. Use a current Chrome, Edge, Firefox or Safari, or type instead.";
    case "denied":
      return "Microphone access is blocked for this site. Allow it in the browser's site settings (the icon left of the address), then try again.";
    case "no-device":
      return "No microphone was found. Connect one (or choose it in your system's sound settings), then try again.";
    case "busy":
      return "The microphone is in use by another app or cannot be opened. Close the other app, then try again.";
    case "failed":
      return "The microphone could not be started. Try again, or type instead.";
  }
}

/** getUserMedia's DOMException names, by type (STYLE.md 15: by name, never by message text). */
export function micProblemOf(error: unknown): MicProblem {
  const name = error instanceof Error ? error.name : "";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return "denied";
    case "NotFoundError":
    case "OverconstrainedError":
      return "no-device";
    case "NotReadableError":
    case "AbortError":
      return "busy";
    default:
      return "failed";
  }
}

/** A finished clip: its bytes and the canonical media type the server reads it as (V2). */
export type Clip = { blob: Blob; mediaType: (typeof VOICE_MEDIA_TYPES)[number]; seconds: number };

export type Recording = {
  /** The recorder's type as the browser reports it (`audio/webm;codecs=opus`). */
  readonly type: string;
  /** 0–1, the loudness of the last few milliseconds (for the meter). */
  level(): number;
  /** Ends the recording and gives the clip (empty when nothing was captured). */
  stop(): Promise<Clip>;
  /** Ends it and drops the audio. */
  cancel(): void;
};

/** Whether this page can ask for the microphone at all (before asking). */
export function micAvailability(): MicProblem | null {
  if (!window.isSecureContext) return "insecure";
  if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") return "unsupported";
  if (!pickRecorderType((t) => MediaRecorder.isTypeSupported(t))) return "unsupported";
  return null;
}

/** Opens the microphone and starts recording; rejects with a MicError the UI explains. */
export async function startRecording(): Promise<Recording> {
  const unavailable = micAvailability();
  if (unavailable) throw new MicError(unavailable);
  const type = pickRecorderType((t) => MediaRecorder.isTypeSupported(t));
  if (!type) throw new MicError("unsupported");
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
  } catch (error) {
    throw new MicError(micProblemOf(error));
  }
  return recordFrom(stream, type, (s, mimeType) => new MediaRecorder(s, { mimeType }));
}

/**
 * Records an open stream. If the recorder cannot be made or started, the
 * microphone is released before the error is thrown (else its indicator stays on).
 */
export function recordFrom(stream: MediaStream, type: string, makeRecorder: (stream: MediaStream, mimeType: string) => MediaRecorder, meterOf: (stream: MediaStream) => Meter = openMeter): Recording {
  const meter = meterOf(stream);
  const release = () => {
    for (const track of stream.getTracks()) track.stop();
    meter.close();
  };
  let recorder: MediaRecorder;
  const chunks: Blob[] = [];
  // Once cancelled, data the recorder still hands over is dropped too (never half a clip).
  let dropped = false;
  try {
    recorder = makeRecorder(stream, type);
    recorder.addEventListener("dataavailable", (e) => {
      if (!dropped && e.data.size > 0) chunks.push(e.data);
    });
    // A timeslice makes the browser hand over data as it goes, so a long clip is not one buffer at the end.
    recorder.start(1000);
  } catch {
    release();
    throw new MicError("failed");
  }
  const started = performance.now();
  const ended = new Promise<void>((resolve) => recorder.addEventListener("stop", () => resolve(), { once: true }));
  return {
    type: recorder.mimeType || type,
    level: meter.level,
    async stop() {
      if (recorder.state !== "inactive") recorder.stop();
      await ended;
      release();
      const mediaType = voiceMediaTypeOf(recorder.mimeType || type) ?? "audio/webm";
      return { blob: new Blob(chunks, { type: mediaType }), mediaType, seconds: (performance.now() - started) / 1000 };
    },
    cancel() {
      dropped = true;
      if (recorder.state !== "inactive") recorder.stop();
      chunks.length = 0;
      release();
    },
  };
}

export type Meter = { level: () => number; close: () => void };

/** The level meter's source: RMS of the waveform, scaled so speech fills the bars. A meter that cannot open reads 0. */
function openMeter(stream: MediaStream): Meter {
  try {
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    return {
      level: () => {
        analyser.getByteTimeDomainData(samples);
        let sum = 0;
        for (const s of samples) sum += ((s - 128) / 128) ** 2;
        return Math.min(1, Math.sqrt(sum / samples.length) * 4);
      },
      close: () => void context.close().catch(() => undefined),
    };
  } catch {
    return { level: () => 0, close: () => undefined };
  }
}

/** m:ss of whole seconds (the elapsed time shown while recording). */
export function formatElapsed(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}
