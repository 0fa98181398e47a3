/**
 * V2–V4: what a clip is, from its own bytes. STUB — part A replaces the body.
 */
import { fail, type Result } from "../../shared/errors.ts";
import type { VoiceMediaType } from "../../shared/voice.ts";
import type { AudioInfo } from "./types.ts";

/**
 * The container and length of `bytes`. `declared` is the media type the client named (null: none or
 * application/octet-stream). `415 unsupported_media_type` for anything but V2's containers, or a declared
 * type the bytes contradict; `400 invalid_request` for empty or truncated audio.
 */
export function probeAudio(bytes: Uint8Array, declared: VoiceMediaType | null): Result<AudioInfo> {
  void bytes;
  void declared;
  return fail("internal", "probeAudio is not built yet");
}
