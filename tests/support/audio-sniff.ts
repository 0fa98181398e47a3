/**
 * What the fake providers check before they "transcribe": the container from the
 * clip's magic bytes and, for WAV, its length read from the header here — on
 * purpose NOT through the code under test (party/voice/audio.ts), so a probe bug
 * cannot hide behind a fake that trusts it. WAV and Ogg are read here; WebM and
 * MP4 fall back to probeAudio (part A); the Node server also asks `soxi -D` for
 * WAV and Ogg.
 * Pure: it runs in Node and in workerd.
 */
import { probeAudio } from "../../party/voice/audio.ts";
import type { VoiceMediaType } from "../../shared/voice.ts";

export type Sniffed = { ok: true; mediaType: VoiceMediaType; seconds: number } | { ok: false; reason: string };

const ascii = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));

/** The container by its first bytes, or null. */
export function sniffContainer(bytes: Uint8Array): VoiceMediaType | null {
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WAVE") return "audio/wav";
  if (bytes.length >= 4 && ascii(bytes, 0, 4) === "OggS") return "audio/ogg";
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return "audio/webm";
  if (bytes.length >= 12 && ascii(bytes, 4, 4) === "ftyp") return "audio/mp4";
  return null;
}

/** A WAV's length from its fmt and data chunks; a streaming writer's 0 / 0xFFFFFFFF data size means "what is there". */
export function wavSeconds(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let byteRate = 0;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = ascii(bytes, at, 4);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "fmt " && body + 12 <= bytes.length) byteRate = view.getUint32(body + 8, true);
    if (id === "data") {
      if (byteRate === 0) return null;
      const available = bytes.length - body;
      const streaming = size === 0 || size === 0xffffffff || size === 0x7fffffff;
      if (!streaming && size > available) return null; // truncated
      const length = streaming ? available : size;
      return length > 0 ? length / byteRate : null;
    }
    at = body + size + (size % 2);
  }
  return null;
}

/**
 * An Ogg stream's length: the last page's granule position over the rate of its
 * first packet (Opus counts at 48 kHz; Vorbis at the rate in its id header).
 * Null when the pages are cut or the codec is neither.
 */
export function oggSeconds(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let rate = 0;
  let granule = -1;
  for (let at = 0; at + 27 <= bytes.length; ) {
    if (ascii(bytes, at, 4) !== "OggS") return null;
    const segments = bytes[at + 26] ?? 0;
    if (at + 27 + segments > bytes.length) return null;
    let size = 0;
    for (let i = 0; i < segments; i++) size += bytes[at + 27 + i] ?? 0;
    const body = at + 27 + segments;
    if (body + size > bytes.length) return null; // a cut last page
    if (rate === 0) {
      if (ascii(bytes, body, 8) === "OpusHead") rate = 48_000;
      else if (ascii(bytes, body + 1, 6) === "vorbis" && body + 16 <= bytes.length) rate = view.getUint32(body + 12, true);
      else return null;
    }
    const position = Number(view.getBigInt64(at + 6, true));
    if (position >= 0) granule = position;
    at = body + size;
  }
  return rate > 0 && granule > 0 ? granule / rate : null;
}

/** Whether `bytes` is audio a Whisper server would take, and its length in seconds. */
export function sniffAudio(bytes: Uint8Array): Sniffed {
  if (bytes.length === 0) return { ok: false, reason: "the file is empty" };
  const mediaType = sniffContainer(bytes);
  if (mediaType === null) return { ok: false, reason: "not a recognized audio container" };
  if (mediaType === "audio/wav") {
    const seconds = wavSeconds(bytes);
    return seconds === null ? { ok: false, reason: "the WAV has no complete fmt and data chunks" } : { ok: true, mediaType, seconds };
  }
  if (mediaType === "audio/ogg") {
    const seconds = oggSeconds(bytes);
    return seconds === null ? { ok: false, reason: "the Ogg pages are cut or hold neither Opus nor Vorbis" } : { ok: true, mediaType, seconds };
  }
  const probed = probeAudio(bytes, mediaType);
  return probed.ok ? { ok: true, mediaType, seconds: probed.value.seconds } : { ok: false, reason: probed.error.message };
}

/** Base64 of bytes (btoa exists in Node and workerd). */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Bytes of strict base64, or null when the text is not base64. */
export function fromBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
