/**
 * V3: the length of a WAV (RIFF) and of an Ogg (Opus or Vorbis) clip, from
 * their own fields. Hostile input yields a typed value, never a throw; every
 * loop advances by a whole chunk or page header at least (V4).
 */
import { ok, type Result } from "../../shared/errors.ts";
import { asciiAt, damaged, empty, truncated, unsupported, type AudioLength } from "./audio-bytes.ts";

const u16 = (b: Uint8Array, at: number) => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const u32 = (b: Uint8Array, at: number) => (u16(b, at) + u16(b, at + 2) * 0x10000) >>> 0;

/**
 * A streaming writer does not know the length when it writes the header: it leaves 0 or
 * 0xFFFFFFFF (ffmpeg, browsers' encoders), or a placeholder near 2 GiB (`espeak-ng --stdout`
 * writes 0x7FFFF000). The data then runs to the end of the file: use what is there.
 */
const isPlaceholder = (size: number) => size === 0 || size >= 0x7fff0000;

type WavFields = {
  byteRate?: number;
  data?: { declared: number; available: number; placeholder: boolean };
  /** A chunk before the data ran past the end of these bytes. */
  cut: boolean;
};

/** Walks the RIFF chunks after `RIFF....WAVE`; each step moves past an 8-byte header at least. */
function wavFields(bytes: Uint8Array): WavFields {
  const fields: WavFields = { cut: false };
  let at = 12;
  while (at + 8 <= bytes.length) {
    const size = u32(bytes, at + 4);
    const body = at + 8;
    if (asciiAt(bytes, at, "fmt ")) {
      if (size < 16 || body + 16 > bytes.length) return { ...fields, cut: body + 16 > bytes.length };
      const channels = u16(bytes, body + 2);
      const rate = u32(bytes, body + 4);
      const bits = u16(bytes, body + 14);
      // The header's byte rate, or what it must be when a writer left it 0.
      fields.byteRate = u32(bytes, body + 8) || (rate * channels * bits) / 8;
    } else if (asciiAt(bytes, at, "data")) {
      const available = bytes.length - body;
      const placeholder = isPlaceholder(size);
      fields.data = { declared: size, available, placeholder };
      if (placeholder) return fields;
    } else if (fields.data === undefined && body + size > bytes.length) {
      return { ...fields, cut: true };
    }
    at = body + size + (size % 2);
  }
  if (fields.data === undefined && at < bytes.length) fields.cut = true;
  return fields;
}

/** V3: a WAV's length is its data bytes over the byte rate; a data chunk shorter than declared is cut short. */
export function probeWav(bytes: Uint8Array): Result<AudioLength> {
  if (bytes.length <= 12) return empty();
  const fields = wavFields(bytes);
  if (fields.data === undefined) return fields.cut || fields.byteRate === undefined ? (bytes.length <= 44 ? empty() : truncated()) : empty();
  if (fields.byteRate === undefined) return damaged("the WAV has no fmt chunk before its data");
  if (!(fields.byteRate > 0)) return damaged("the WAV header gives no byte rate");
  const { declared, available, placeholder } = fields.data;
  if (!placeholder && declared > available) return truncated();
  const dataBytes = placeholder ? available : declared;
  if (dataBytes === 0) return empty();
  return ok({ seconds: dataBytes / fields.byteRate, exact: true });
}

/** V1: the length a WAV header declares (null when a streaming writer left it open, or the header is not all here). */
export function wavDeclaredSeconds(prefix: Uint8Array): number | null {
  const fields = wavFields(prefix);
  if (!fields.data || fields.data.placeholder || !fields.byteRate) return null;
  return fields.data.declared / fields.byteRate;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's page checksum (CRC-32, polynomial 0x04C11DB7, unreflected), computed with its own field as zeros. */
function pageCrc(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    const byte = i >= start + 22 && i < start + 26 ? 0 : (bytes[i] ?? 0);
    crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ byte) & 0xff] ?? 0)) >>> 0;
  }
  return crc;
}

/**
 * V3: an Ogg clip's length is its last page's granule position: samples at 48 kHz after the
 * pre-skip for Opus, at the stream's rate for Vorbis. Pages are walked one by one and checked by
 * their CRC, so a flipped bit is a damaged clip, and a page cut off at the end is a truncated one.
 */
export function probeOgg(bytes: Uint8Array): Result<AudioLength> {
  let at = 0;
  let serial = -1;
  let codec: { rate: number; preSkip: number } | null = null;
  let granule = -1;
  while (at < bytes.length) {
    if (at + 27 > bytes.length) return at === 0 ? empty() : truncated();
    if (!asciiAt(bytes, at, "OggS")) return damaged("an Ogg page does not start where the last one ended");
    if (bytes[at + 4] !== 0) return damaged("an Ogg page has an unknown version");
    const segments = bytes[at + 26] ?? 0;
    const table = at + 27;
    if (table + segments > bytes.length) return truncated();
    let bodyLength = 0;
    for (let i = 0; i < segments; i++) bodyLength += bytes[table + i] ?? 0;
    const body = table + segments;
    const end = body + bodyLength;
    if (end > bytes.length) return truncated();
    if (pageCrc(bytes, at, end) !== u32(bytes, at + 22)) return damaged("an Ogg page's checksum does not match");
    const pageSerial = u32(bytes, at + 14);
    if (serial === -1) {
      serial = pageSerial;
      if (asciiAt(bytes, body, "OpusHead") && bodyLength >= 19) codec = { rate: 48_000, preSkip: u16(bytes, body + 10) };
      else if (asciiAt(bytes, body, "\x01vorbis") && bodyLength >= 30) codec = { rate: u32(bytes, body + 12), preSkip: 0 };
      else return unsupported("the Ogg stream is neither Opus nor Vorbis, so it is not");
      if (codec.rate === 0) return damaged("the Vorbis header gives no sample rate");
    }
    const lo = u32(bytes, at + 6);
    const hi = u32(bytes, at + 10);
    // All ones: no packet ends on this page, so it gives no position.
    if (pageSerial === serial && !(lo === 0xffffffff && hi === 0xffffffff)) granule = Math.max(granule, hi * 2 ** 32 + lo);
    at = end;
  }
  if (codec === null) return empty();
  const samples = granule - codec.preSkip;
  if (samples <= 0) return empty();
  return ok({ seconds: samples / codec.rate, exact: true });
}
