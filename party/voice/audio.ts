/**
 * V2–V4: what a clip is, from its own bytes. The container is sniffed by its
 * magic bytes (a client's Content-Type is a claim, checked against them) and
 * its length read from the container's own fields, so the caps (V1) and the
 * daily minutes (V19) never trust what the client says.
 *
 * Every reader here takes hostile bytes: it returns a typed 400/415 value or a
 * length, never throws, and each loop advances at least one byte per step, so
 * time is bounded by the input's size (V4).
 */
import { fail, ok, type Result } from "../../shared/errors.ts";
import { VOICE_FORMAT_NAMES, type VoiceMediaType } from "../../shared/voice.ts";
import { asciiAt as ascii, damaged, empty, unsupported, type AudioLength } from "./audio-bytes.ts";
import { matroskaDeclaredSeconds, probeMatroska } from "./audio-matroska.ts";
import { mp4DeclaredSeconds, probeMp4 } from "./audio-mp4.ts";
import { probeOgg, probeWav, wavDeclaredSeconds } from "./audio-riff-ogg.ts";
import type { AudioInfo } from "./types.ts";

export { boundFromSize, SIZE_BOUND_BITS_PER_SECOND, type AudioLength } from "./audio-bytes.ts";

/** What the first bytes say: one of V2's containers, `"short"` (a prefix of a magic, too few bytes to tell), or null. */
export function sniffContainer(bytes: Uint8Array): VoiceMediaType | "short" | null {
  const magics: Array<[VoiceMediaType, number, string]> = [
    ["audio/wav", 0, "RIFF"],
    ["audio/ogg", 0, "OggS"],
    ["audio/webm", 0, "\x1a\x45\xdf\xa3"],
    ["audio/mp4", 4, "ftyp"],
  ];
  for (const [type, at, magic] of magics) if (ascii(bytes, at, magic)) return type === "audio/wav" && !ascii(bytes, 8, "WAVE") ? wavOrShort(bytes) : type;
  // Fewer bytes than the longest magic needs: a start that could still become one is a header cut short.
  if (bytes.length < 12) {
    const couldBe = magics.some(([, at, magic]) => {
      for (let i = 0; i < magic.length; i++) if (at + i < bytes.length && bytes[at + i] !== magic.charCodeAt(i)) return false;
      return true;
    });
    if (couldBe) return "short";
  }
  return null;
}

/** RIFF of another form (AVI, WebP) is not audio; a RIFF header too short to name its form is a cut header. */
const wavOrShort = (bytes: Uint8Array): VoiceMediaType | "short" | null => (bytes.length < 12 ? "short" : null);

const NAMES: Record<VoiceMediaType, string> = { "audio/webm": "WebM", "audio/ogg": "Ogg", "audio/mp4": "MP4", "audio/wav": "WAV" };

/**
 * The container and length of `bytes`. `declared` is the media type the client named (null: none or
 * application/octet-stream). `415 unsupported_media_type` for anything but V2's containers, or a declared
 * type the bytes contradict; `400 invalid_request` for empty or truncated audio.
 */
export function probeAudio(bytes: Uint8Array, declared: VoiceMediaType | null): Result<AudioInfo> {
  if (bytes.length === 0) return empty();
  const sniffed = sniffContainer(bytes);
  if (sniffed === "short") return empty();
  if (sniffed === null) return unsupported();
  if (declared !== null && declared !== sniffed)
    return fail("unsupported_media_type", `the audio was sent as ${declared} but its bytes are ${NAMES[sniffed]}; accepted formats: ${VOICE_FORMAT_NAMES}`);
  const length = lengthOf(sniffed, bytes);
  if (!length.ok) return length;
  const { seconds, exact } = length.value;
  if (!Number.isFinite(seconds) || seconds < 0) return damaged("its length cannot be read");
  return ok({ mediaType: sniffed, seconds, exact });
}

function lengthOf(type: VoiceMediaType, bytes: Uint8Array): Result<AudioLength> {
  switch (type) {
    case "audio/wav":
      return probeWav(bytes);
    case "audio/ogg":
      return probeOgg(bytes);
    case "audio/webm":
      return probeMatroska(bytes);
    case "audio/mp4":
      return probeMp4(bytes);
    default: {
      const never: never = type;
      throw new Error(`probeAudio: no reader for ${String(never)}; add one to lengthOf`);
    }
  }
}

/**
 * V1: the length a clip's header declares, read from its first bytes only (a WAV's data chunk, an MP4
 * whose moov comes first, a WebM's Info Duration), so an upload over the cap is refused before the rest
 * is read. null: not declared in these bytes (yet), or not a container this can tell from its start.
 */
export function declaredSeconds(prefix: Uint8Array): number | null {
  const type = sniffContainer(prefix);
  const seconds =
    type === "audio/wav"
      ? wavDeclaredSeconds(prefix)
      : type === "audio/mp4"
        ? mp4DeclaredSeconds(prefix)
        : type === "audio/webm"
          ? matroskaDeclaredSeconds(prefix)
          : null;
  return seconds !== null && Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}
