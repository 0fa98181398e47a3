/**
 * Voice in and out (docs/PROTOCOL.md V1–V24, W115–W124): the shapes the room,
 * the web app and outside clients share. Audio is ephemeral: a job holds its
 * clip only until it ends; the transcript becomes a user message with
 * `channel: "voice"`, and spoken replies are synthesized sentence by sentence
 * for the one device that asked.
 */
import { z } from "zod";
import { MAX_MESSAGE_CHARS } from "./chat.ts";

/** V2: the containers accepted, by their canonical media type; anything else is `415`. */
export const VOICE_MEDIA_TYPES = ["audio/webm", "audio/ogg", "audio/mp4", "audio/wav"] as const;
export type VoiceMediaType = (typeof VOICE_MEDIA_TYPES)[number];

/** V2: other names browsers and tools give the same containers (a `;codecs=` parameter is ignored). */
export const VOICE_MEDIA_ALIASES: Readonly<Record<string, VoiceMediaType>> = {
  "audio/webm": "audio/webm",
  "video/webm": "audio/webm",
  "audio/ogg": "audio/ogg",
  "application/ogg": "audio/ogg",
  "audio/opus": "audio/ogg",
  "audio/mp4": "audio/mp4",
  "audio/m4a": "audio/mp4",
  "audio/x-m4a": "audio/mp4",
  "audio/aac": "audio/mp4",
  "video/mp4": "audio/mp4",
  "audio/wav": "audio/wav",
  "audio/x-wav": "audio/wav",
  "audio/wave": "audio/wav",
  "audio/vnd.wave": "audio/wav",
};

/** What people read: the formats by name (error messages, the web app's help). */
export const VOICE_FORMAT_NAMES = "WebM/Opus, Ogg (Opus or Vorbis), MP4/AAC or WAV";

/** V1: the largest clip accepted, in bytes (checked from Content-Length, then while reading). */
export const VOICE_MAX_BYTES = 12 * 1024 * 1024;
/** V1: the longest clip accepted, in seconds (read from the container's header where it declares it). */
export const VOICE_MAX_SECONDS = 120;
/** V16, C12: what a voice transcript older than 90 days says instead of its words (retention's PRUNED_TEXT). */
export const VOICE_TRANSCRIPT_PRUNED = "[removed after 90 days]";
/** V17: the most characters one speech request may synthesize (a sentence or a few). */
export const SPEECH_MAX_CHARS = 1_000;

/**
 * V20: what voice costs in the daily token budget. Speech-to-text is charged by
 * the audio's length at Whisper's rate of 50 encoder positions per second;
 * speech by the tokens of the text it reads.
 */
export const VOICE_TOKENS_PER_SECOND = 50;
/** V20: speech is counted in the voice minutes at 15 characters a second (about 150 words a minute). */
export const SPEECH_CHARS_PER_SECOND = 15;

export const VoiceJobStatusSchema = z.enum(["queued", "transcribing", "done", "failed"]);
export type VoiceJobStatus = z.infer<typeof VoiceJobStatusSchema>;

/** Why a job failed: one of E2's codes and a sentence for people (never a provider's stack or body). */
export const VoiceJobErrorSchema = z.object({ code: z.string(), message: z.string() });

/** V11: `GET /api/v1/voice/jobs/:id`, exactly these fields. */
export const VoiceJobSchema = z.strictObject({
  id: z.string(),
  status: VoiceJobStatusSchema,
  transcript: z.string().optional(),
  messageId: z.string().optional(),
  error: VoiceJobErrorSchema.optional(),
});
export type VoiceJob = z.infer<typeof VoiceJobSchema>;

/** A job as the room's state keeps it (V13): the public shape and what the devices need to show and review it. */
export const VoiceJobRecordSchema = z.object({
  id: z.string(),
  status: VoiceJobStatusSchema,
  transcript: z.string().optional(),
  messageId: z.string().optional(),
  error: VoiceJobErrorSchema.optional(),
  /** T10: the thread the message goes to; absent: `main`. */
  conversationId: z.string().optional(),
  /** V14: hold the transcript for the user to correct before it is sent. */
  review: z.boolean(),
  /** The device that recorded it: the one whose reply is spoken (V21). */
  deviceId: z.string().optional(),
  mediaType: z.enum(VOICE_MEDIA_TYPES),
  bytes: z.number().int().nonnegative(),
  /** The clip's length: the container's before transcription, the provider's after it when it counts. */
  seconds: z.number().nonnegative(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type VoiceJobRecord = z.infer<typeof VoiceJobRecordSchema>;

/** V11: the public shape of a job record. */
export function publicJob(job: VoiceJobRecord): VoiceJob {
  return {
    id: job.id,
    status: job.status,
    ...(job.transcript !== undefined ? { transcript: job.transcript } : {}),
    ...(job.messageId !== undefined ? { messageId: job.messageId } : {}),
    ...(job.error !== undefined ? { error: job.error } : {}),
  };
}

/** V10: `202` to `POST /api/v1/voice-upload`. */
export const VoiceUploadAcceptedSchema = z.strictObject({ transcriptJobId: z.string() });

/** V14: `POST /api/v1/voice/jobs/:id/send` — the transcript as the user corrected it. */
export const VoiceJobSendSchema = z.strictObject({
  text: z.string().trim().min(1, "text must not be empty").max(MAX_MESSAGE_CHARS, `text is longer than ${MAX_MESSAGE_CHARS} characters`),
  clientActionId: z.string().optional(),
});
export type VoiceJobSend = z.infer<typeof VoiceJobSendSchema>;

/** V17: `POST /api/v1/speech`. */
export const SpeechRequestSchema = z.strictObject({
  text: z.string().trim().min(1, "text must not be empty").max(SPEECH_MAX_CHARS, `text is longer than ${SPEECH_MAX_CHARS} characters`),
});

export const VoiceProviderNameSchema = z.enum(["workers-ai", "openai"]);
export type VoiceProviderName = z.infer<typeof VoiceProviderNameSchema>;

/** V18: `GET /api/v1/voice` — what this server can do, so a device knows whether to use the browser's speech instead. */
export const VoiceCapabilitiesSchema = z.strictObject({
  /** Speech-to-text on the server; null: none configured (`STT_PROVIDER`), or its settings are wrong (`problem`). */
  transcription: z.strictObject({ provider: VoiceProviderNameSchema, model: z.string() }).nullable(),
  /** Text-to-speech on the server; null: none configured (`TTS_PROVIDER`). */
  speech: z.strictObject({ provider: VoiceProviderNameSchema, model: z.string() }).nullable(),
  /** A sentence for people when a provider is set but unusable (naming the setting). */
  problems: z.array(z.string()),
  formats: z.array(z.enum(VOICE_MEDIA_TYPES)),
  maxBytes: z.number().int(),
  maxSeconds: z.number().int(),
  minutesPerDay: z.number().int(),
  /** Voice seconds used on the user's local day so far (V19). */
  usedSeconds: z.number(),
});
export type VoiceCapabilities = z.infer<typeof VoiceCapabilitiesSchema>;

/** The canonical media type a header names, or null when it is not one of V2's. */
export function voiceMediaTypeOf(contentType: string | null | undefined): VoiceMediaType | null {
  const bare = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return Object.hasOwn(VOICE_MEDIA_ALIASES, bare) ? (VOICE_MEDIA_ALIASES[bare] ?? null) : null;
}
