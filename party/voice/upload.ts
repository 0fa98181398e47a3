/**
 * V1–V5: `POST /api/v1/voice-upload`, read with its caps. STUB — part A replaces the body.
 */
import { fail, type Result } from "../../shared/errors.ts";
import type { VoiceUpload } from "./types.ts";

export type UploadLimits = { maxBytes: number; maxSeconds: number };

/** The multipart body's `audio`, `conversationId` and `review`, checked; typed errors 400/413/415 (V1–V5). */
export async function readVoiceUpload(request: Request, limits: UploadLimits): Promise<Result<VoiceUpload>> {
  void request;
  void limits;
  return fail("internal", "readVoiceUpload is not built yet");
}
