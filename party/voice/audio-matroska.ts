/**
 * V3: the length of a WebM (Matroska) clip. The Segment's Info Duration ×
 * TimecodeScale when the writer declared it; otherwise the latest block's time
 * (its Cluster Timecode + its own relative timecode), which is what Chrome's
 * MediaRecorder leaves: it writes the Segment and its Clusters with an unknown
 * size and no Duration, because it streams.
 *
 * The elements are walked flat in file order: the few masters read here
 * (EBML header, Segment, Info, Cluster, BlockGroup) are entered, every other
 * element is skipped by its size, so an unknown-size master needs no end: its
 * children simply follow. Each step moves past an ID and a size (≥ 2 bytes).
 */
import { ok, type Result } from "../../shared/errors.ts";
import { boundFromSize, damaged, empty, truncated, unsupported, type AudioLength } from "./audio-bytes.ts";

const EBML = 0x1a45dfa3;
const DOC_TYPE = 0x4282;
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const TIMECODE_SCALE = 0x2ad7b1;
const DURATION = 0x4489;
const CLUSTER = 0x1f43b675;
const TIMECODE = 0xe7;
const SIMPLE_BLOCK = 0xa3;
const BLOCK_GROUP = 0xa0;
const BLOCK = 0xa1;
const ENTERED = new Set([EBML, SEGMENT, INFO, CLUSTER, BLOCK_GROUP]);

type Vint = { value: number; length: number; unknown: boolean };

/** An EBML variable-length integer: "cut" past the end, "bad" with no length marker in its first byte. */
function vint(bytes: Uint8Array, at: number, keepMarker: boolean): Vint | "cut" | "bad" {
  const first = bytes[at];
  if (first === undefined) return "cut";
  if (first === 0) return "bad";
  const length = Math.clz32(first) - 23;
  if (at + length > bytes.length) return "cut";
  const mask = 0xff >> length;
  let value = keepMarker ? first : first & mask;
  let unknown = (first & mask) === mask;
  for (let i = 1; i < length; i++) {
    const byte = bytes[at + i] ?? 0;
    value = value * 256 + byte;
    unknown &&= byte === 0xff;
  }
  return { value, length, unknown };
}

const uint = (bytes: Uint8Array, at: number, size: number) => {
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + (bytes[at + i] ?? 0);
  return value;
};

type Walk = {
  scale: number;
  duration: number | null;
  latest: number;
  blocks: number;
  /** Where the Info element ends when its size is known: past it, a declared Duration is final. */
  infoEnd: number;
  stop: "end" | "cut" | "bad" | "doctype" | "declared";
};

function walk(bytes: Uint8Array, prefix: boolean): Walk {
  const state: Walk = { scale: 1_000_000, duration: null, latest: -Infinity, blocks: 0, infoEnd: -1, stop: "end" };
  let cluster = 0;
  let at = 0;
  while (at < bytes.length) {
    if (prefix && state.duration !== null && state.infoEnd >= 0 && at >= state.infoEnd) return { ...state, stop: "declared" };
    const id = vint(bytes, at, true);
    if (id === "cut" || id === "bad") return { ...state, stop: id };
    if (id.length > 4) return { ...state, stop: "bad" };
    const size = vint(bytes, at + id.length, false);
    if (size === "cut" || size === "bad") return { ...state, stop: size };
    const data = at + id.length + size.length;
    if (ENTERED.has(id.value)) {
      if (!size.unknown && data + size.value > bytes.length && !prefix) return { ...state, stop: "cut" };
      if (id.value === INFO && !size.unknown) state.infoEnd = data + size.value;
      at = data;
      continue;
    }
    if (size.unknown) return { ...state, stop: "bad" };
    if (data + size.value > bytes.length) return { ...state, stop: "cut" };
    const field = id.value;
    if (field === DOC_TYPE) {
      const docType = String.fromCharCode(...bytes.subarray(data, data + Math.min(size.value, 16))).replace(/\0+$/, "");
      if (docType !== "webm" && docType !== "matroska") return { ...state, stop: "doctype" };
    } else if (field === TIMECODE_SCALE && size.value >= 1 && size.value <= 8) {
      state.scale = uint(bytes, data, size.value) || 1_000_000;
    } else if (field === DURATION && (size.value === 4 || size.value === 8)) {
      const view = new DataView(bytes.buffer, bytes.byteOffset + data, size.value);
      const duration = size.value === 4 ? view.getFloat32(0) : view.getFloat64(0);
      if (Number.isFinite(duration) && duration > 0) state.duration = duration;
    } else if (field === TIMECODE && size.value <= 8) {
      cluster = uint(bytes, data, size.value);
    } else if (field === SIMPLE_BLOCK || field === BLOCK) {
      // A block starts with its track number (a vint), then its time relative to the cluster (int16).
      const track = vint(bytes, data, false);
      if (typeof track === "string" || track.length + 2 > size.value) return { ...state, stop: "bad" };
      const relative = (((bytes[data + track.length] ?? 0) << 24) >> 16) | (bytes[data + track.length + 1] ?? 0);
      state.latest = Math.max(state.latest, cluster + relative);
      state.blocks++;
    }
    at = data + size.value;
  }
  return prefix && state.duration !== null && state.infoEnd >= 0 && at >= state.infoEnd ? { ...state, stop: "declared" } : state;
}

/** V3: a WebM clip's length; one with no block of audio is empty; an element cut off at the end is a truncated clip. */
export function probeMatroska(bytes: Uint8Array): Result<AudioLength> {
  const state = walk(bytes, false);
  if (state.stop === "doctype") return unsupported("the EBML document is not WebM or Matroska, so it is not");
  if (state.stop === "bad") return damaged("a WebM element is malformed");
  if (state.stop === "cut") return state.blocks === 0 && bytes.length < 64 ? empty() : truncated();
  if (state.blocks === 0) return empty();
  if (state.duration !== null) return ok({ seconds: (state.duration * state.scale) / 1e9, exact: true });
  if (state.latest >= 0) return ok({ seconds: (state.latest * state.scale) / 1e9, exact: true });
  return ok(boundFromSize(bytes.length));
}

/** V1: the Duration a WebM's Info declares, once the whole Info is in these first bytes. */
export function matroskaDeclaredSeconds(prefix: Uint8Array): number | null {
  const state = walk(prefix, true);
  return state.stop === "declared" && state.duration !== null ? (state.duration * state.scale) / 1e9 : null;
}
