/**
 * The voice routes as the web app calls them (docs/PROTOCOL.md W116, V10–V18),
 * through the app's api client: the session token, `X-Device-Id` (the job
 * remembers which device recorded it, V21) and an `Idempotency-Key` per clip,
 * so a retried upload is the same job (H7), never a second message.
 */
import { queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { VoiceCapabilitiesSchema, VoiceJobSchema, type VoiceJobSend, VoiceUploadAcceptedSchema } from "../../../shared/voice.ts";
import { call } from "../api.ts";
import { brainKeys } from "../queries.ts";

/** The file name the clip is sent under: its extension follows the container (some servers read it). */
const EXTENSION: Record<string, string> = { "audio/webm": "webm", "audio/ogg": "ogg", "audio/mp4": "m4a", "audio/wav": "wav" };

export type UploadOptions = { conversationId?: string; review: boolean; idempotencyKey: string };

/** `POST /api/v1/voice-upload`: the clip as multipart (`audio`, `conversationId`, `review`) → the job's id. */
export async function uploadVoice(clip: Blob, options: UploadOptions): Promise<string> {
  const form = new FormData();
  form.append("audio", clip, `voice.${EXTENSION[clip.type] ?? "webm"}`);
  if (options.conversationId) form.append("conversationId", options.conversationId);
  form.append("review", options.review ? "true" : "false");
  const accepted = await call(VoiceUploadAcceptedSchema, "POST", "/api/v1/voice-upload", form, options.idempotencyKey);
  return accepted.transcriptJobId;
}

/** V14: the reviewed transcript sent as the message (the same job sent twice answers the same message). */
export const sendVoiceJob = (jobId: string, text: string) =>
  call(z.object({ messageId: z.string() }).loose(), "POST", `/api/v1/voice/jobs/${encodeURIComponent(jobId)}/send`, { text } satisfies VoiceJobSend);

/** V11: one job as the server has it. */
export const voiceJob = (jobId: string) => call(VoiceJobSchema, "GET", `/api/v1/voice/jobs/${encodeURIComponent(jobId)}`);

/** V18: what the server can do (a provider for speech-to-text, for speech) and today's voice minutes. */
export const voiceCapabilitiesQuery = () =>
  queryOptions({
    queryKey: [...brainKeys.all, "voice"] as const,
    queryFn: () => call(VoiceCapabilitiesSchema, "GET", "/api/v1/voice"),
    // The providers change only with a restart; the minutes used are refetched when Settings opens.
    staleTime: 60_000,
    retry: 1,
  });
