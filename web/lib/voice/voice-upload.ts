/**
 * The voice routes as the web app calls them (docs/PROTOCOL.md W116, V10–V18),
 * through the app's api client: the session token, `X-Device-Id` (the job
 * remembers which device recorded it, V21) and an `Idempotency-Key` per clip,
 * so a retried upload is the same job (H7), never a second message.
 */
import { z } from "zod";
import { VoiceJobSchema, type VoiceJobSend, VoiceUploadAcceptedSchema } from "../../../shared/voice.ts";
import { call } from "../api.ts";

/** The file name the clip is sent under: its extension follows the container (some servers read it). */
const EXTENSION: Record<string, string> = { "audio/webm": "webm", "audio/ogg": "ogg", "audio/mp4": "m4a", "audio/wav": "wav" };

/** `signal` aborts the upload (Cancel while sending, W116). */
export type UploadOptions = { conversationId?: string; review: boolean; idempotencyKey: string; signal?: AbortSignal };

/** `POST /api/v1/voice-upload`: the clip as multipart (`audio`, `conversationId`, `review`) → the job's id. */
export async function uploadVoice(clip: Blob, options: UploadOptions): Promise<string> {
  const form = new FormData();
  form.append("audio", clip, `voice.${EXTENSION[clip.type] ?? "webm"}`);
  if (options.conversationId) form.append("conversationId", options.conversationId);
  form.append("review", options.review ? "true" : "false");
  const accepted = await call(VoiceUploadAcceptedSchema, "POST", "/api/v1/voice-upload", form, options.idempotencyKey, options.signal);
  return accepted.transcriptJobId;
}

/** V14: the reviewed transcript sent as the message (the same job sent twice answers the same message). */
export const sendVoiceJob = (jobId: string, text: string) =>
  call(z.object({ messageId: z.string() }).loose(), "POST", `/api/v1/voice/jobs/${encodeURIComponent(jobId)}/send`, { text } satisfies VoiceJobSend);

/** V11: one job as the server has it. */
export const voiceJob = (jobId: string) => call(VoiceJobSchema, "GET", `/api/v1/voice/jobs/${encodeURIComponent(jobId)}`);

/** V28: a reviewed transcript discarded — the job ends `failed` with code `cancelled` on every device (idempotent). */
export const discardVoiceJob = (jobId: string) => call(z.object({ id: z.string() }).loose(), "POST", `/api/v1/voice/jobs/${encodeURIComponent(jobId)}/discard`);
