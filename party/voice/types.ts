/**
 * The seams between the voice parts (docs/PROTOCOL.md V1–V24): what the
 * upload reader hands the jobs, and the one provider interface behind which
 * Workers AI and OpenAI-compatible servers sit.
 */
import type { Result } from "../../shared/errors.ts";
import type { VoiceMediaType, VoiceProviderName } from "../../shared/voice.ts";

/** V2, V3: what a clip's own bytes say: its container and its length. */
export type AudioInfo = {
  /** The container found by its magic bytes (never trusted from the header alone). */
  mediaType: VoiceMediaType;
  /** Its length in seconds as the container declares it, or a bound from its size when it declares none (V3). */
  seconds: number;
  /** Whether `seconds` was read from the container (exact) or bounded from the size (an estimate). */
  exact: boolean;
};

/** V1–V5: one multipart upload, read and checked. */
export type VoiceUpload = {
  audio: Uint8Array;
  info: AudioInfo;
  conversationId?: string;
  review: boolean;
};

/** V6: speech-to-text behind one interface. Throws on a provider failure; the caller words it (V12). */
export interface Transcriber {
  readonly provider: VoiceProviderName;
  readonly model: string;
  transcribe(audio: Uint8Array, mediaType: VoiceMediaType, signal?: AbortSignal): Promise<{ text: string; seconds?: number }>;
}

/** V7: speech behind one interface: audio for one sentence or a few. */
export interface Speaker {
  readonly provider: VoiceProviderName;
  readonly model: string;
  speak(text: string, signal?: AbortSignal): Promise<{ audio: Uint8Array; mediaType: "audio/mpeg" | "audio/wav" }>;
}

/** The room's voice providers: null when off, an error value when set wrong (its message names the setting). */
export type VoiceProviders = {
  transcriber: Result<Transcriber> | null;
  speaker: Result<Speaker> | null;
};
