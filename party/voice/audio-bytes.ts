/**
 * V3, V4: what the container readers share: the sentences for bad clips and
 * the size bound used when a container declares no length.
 */
import { fail, type Result } from "../../shared/errors.ts";
import { VOICE_FORMAT_NAMES } from "../../shared/voice.ts";

/** A container's length: read from its fields (exact) or bounded from its size. */
export type AudioLength = { seconds: number; exact: boolean };

/**
 * V3: with no length in the container, the clip is assumed to be at most this
 * dense, so `bytes × 8 / rate` is a lower bound of its length: 128 kb/s is the
 * highest rate the browsers' recorders use by default, so a real clip is never
 * refused on an estimate; the provider's own duration is charged afterwards (V19).
 */
export const SIZE_BOUND_BITS_PER_SECOND = 128_000;
export const boundFromSize = (bytes: number): AudioLength => ({ seconds: (bytes * 8) / SIZE_BOUND_BITS_PER_SECOND, exact: false });

/** V4: the sentences people read for each kind of bad clip. */
export const EMPTY = "the recording is empty";
export const TRUNCATED = "the recording is cut short: send the whole file";
export const damaged = (what: string): Result<never> => fail("invalid_request", `the recording is damaged: ${what}`);
export const empty = (): Result<never> => fail("invalid_request", EMPTY);
export const truncated = (): Result<never> => fail("invalid_request", TRUNCATED);
export const unsupported = (what = "the audio is not"): Result<never> =>
  fail("unsupported_media_type", `${what} in an accepted format: ${VOICE_FORMAT_NAMES}`);

export const asciiAt = (bytes: Uint8Array, at: number, text: string): boolean => {
  if (at + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

