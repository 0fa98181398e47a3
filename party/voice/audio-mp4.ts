/**
 * V3: the length of an MP4 (AAC) clip. The movie header's duration over its
 * timescale when the writer declared it (moov/mvhd, or mvex/mehd); for a
 * fragmented file that declares none (browsers' recorders stream, so their
 * mvhd says 0), where its last fragment ends per track — its decode time plus
 * its samples' durations — in the track's own timescale; with neither, a bound
 * from the size.
 *
 * Boxes are walked by their sizes; a size below its own header is damage, so
 * every step advances (V4). Sample counts are checked against the box's bytes
 * before any loop over them.
 */
import { ok, type Result } from "../../shared/errors.ts";
import { boundFromSize, damaged, empty, truncated, unsupported, type AudioLength } from "./audio-bytes.ts";

/** Major brands of still images in the same ISO box format (HEIF, AVIF, JPEG 2000, Canon raw): not audio. */
const IMAGE_BRANDS = new Set(["avif", "avis", "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "jp2 ", "crx "]);

type Box = { type: string; data: number; end: number };

const be = (b: Uint8Array, at: number, size: number) => {
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + (b[at + i] ?? 0);
  return value;
};

/** The box at `at`, within `end`: "cut" when it runs past it, "bad" when its size is smaller than its own header. */
function box(b: Uint8Array, at: number, end: number): Box | "cut" | "bad" {
  if (at + 8 > end) return "cut";
  let size = be(b, at, 4);
  let header = 8;
  if (size === 1) {
    if (at + 16 > end) return "cut";
    size = be(b, at + 8, 8);
    header = 16;
  } else if (size === 0) size = end - at;
  if (size < header) return "bad";
  if (at + size > end) return "cut";
  return { type: String.fromCharCode(b[at + 4] ?? 0, b[at + 5] ?? 0, b[at + 6] ?? 0, b[at + 7] ?? 0), data: at + header, end: at + size };
}

/** The child boxes of a container box (or of the file); stops at the first that is damaged or cut. */
function children(b: Uint8Array, from: number, to: number): { boxes: Box[]; stop: "end" | "cut" | "bad" } {
  const boxes: Box[] = [];
  for (let at = from; at < to; ) {
    const found = box(b, at, to);
    if (typeof found === "string") return { boxes, stop: found };
    boxes.push(found);
    at = found.end;
  }
  return { boxes, stop: "end" };
}

const child = (b: Uint8Array, parent: Box, type: string) => children(b, parent.data, parent.end).boxes.find((x) => x.type === type);

type Movie = { timescale: number; declared: number | null; tracks: Map<number, { timescale: number; defaultDuration: number }> };

/** moov: the movie's timescale and declared duration, and each track's timescale and default sample duration. */
function readMoov(b: Uint8Array, moov: Box): Movie | null {
  const mvhd = child(b, moov, "mvhd");
  if (!mvhd || mvhd.end - mvhd.data < 32) return null;
  const v1 = b[mvhd.data] === 1;
  const timescale = be(b, mvhd.data + (v1 ? 20 : 12), 4);
  const duration = be(b, mvhd.data + (v1 ? 24 : 16), v1 ? 8 : 4);
  const unknown = v1 ? duration >= 2 ** 53 : duration === 0xffffffff;
  let declared = timescale > 0 && duration > 0 && !unknown ? duration / timescale : null;
  const mvex = child(b, moov, "mvex");
  const mehd = mvex && child(b, mvex, "mehd");
  if (declared === null && mehd && timescale > 0) {
    const fragments = be(b, mehd.data + 4, b[mehd.data] === 1 ? 8 : 4);
    if (fragments > 0) declared = fragments / timescale;
  }
  const tracks: Movie["tracks"] = new Map();
  for (const trak of children(b, moov.data, moov.end).boxes.filter((x) => x.type === "trak")) {
    const tkhd = child(b, trak, "tkhd");
    const mdia = child(b, trak, "mdia");
    const mdhd = mdia && child(b, mdia, "mdhd");
    if (!tkhd || !mdhd) continue;
    const id = be(b, tkhd.data + (b[tkhd.data] === 1 ? 20 : 12), 4);
    tracks.set(id, { timescale: be(b, mdhd.data + (b[mdhd.data] === 1 ? 20 : 12), 4), defaultDuration: 0 });
  }
  for (const trex of (mvex ? children(b, mvex.data, mvex.end).boxes : []).filter((x) => x.type === "trex")) {
    const track = tracks.get(be(b, trex.data + 4, 4));
    if (track) track.defaultDuration = be(b, trex.data + 12, 4);
  }
  return { timescale, declared, tracks };
}

/**
 * Moves each track's end past one moof: the fragment starts at its decode time (`tfdt`) when it
 * has one, else where the track's last fragment ended, and lasts its samples' durations. The decode
 * time wins over the running sum because writers' per-fragment durations can fall short (Chrome's
 * MediaRecorder writes each fragment's last sample shorter than the next decode time says). False when the durations cannot be read.
 */
function fragmentEnds(b: Uint8Array, moof: Box, movie: Movie, ends: Map<number, number>): boolean {
  for (const traf of children(b, moof.data, moof.end).boxes.filter((x) => x.type === "traf")) {
    const parts = children(b, traf.data, traf.end).boxes;
    const tfhd = parts.find((x) => x.type === "tfhd");
    if (!tfhd) return false;
    const flags = be(b, tfhd.data + 1, 3);
    const id = be(b, tfhd.data + 4, 4);
    const at = tfhd.data + 8 + (flags & 0x01 ? 8 : 0) + (flags & 0x02 ? 4 : 0);
    const fallback = flags & 0x08 ? be(b, at, 4) : (movie.tracks.get(id)?.defaultDuration ?? 0);
    const tfdt = parts.find((x) => x.type === "tfdt");
    let end = tfdt ? be(b, tfdt.data + 4, b[tfdt.data] === 1 ? 8 : 4) : (ends.get(id) ?? 0);
    for (const trun of parts.filter((x) => x.type === "trun")) {
      const runFlags = be(b, trun.data + 1, 3);
      const count = be(b, trun.data + 4, 4);
      const first = trun.data + 8 + (runFlags & 0x01 ? 4 : 0) + (runFlags & 0x04 ? 4 : 0);
      const perSample = [0x100, 0x200, 0x400, 0x800].filter((f) => runFlags & f).length * 4;
      if (first + count * perSample > trun.end) return false;
      let sum = 0;
      if (runFlags & 0x100) for (let i = 0; i < count; i++) sum += be(b, first + i * perSample, 4);
      else sum = count * fallback;
      if (sum === 0 && count > 0) return false;
      end += sum;
    }
    ends.set(id, Math.max(ends.get(id) ?? 0, end));
  }
  return true;
}

/** V3: an MP4 clip's length; no media data is an empty clip, a box cut off at the end a truncated one. */
export function probeMp4(b: Uint8Array): Result<AudioLength> {
  const top = children(b, 0, b.length);
  if (top.stop === "bad") return damaged("an MP4 box is malformed");
  if (top.stop === "cut") return top.boxes.length === 0 ? empty() : truncated();
  const ftyp = top.boxes[0];
  if (ftyp?.type !== "ftyp" || ftyp.end - ftyp.data < 4) return damaged("the MP4 does not start with its ftyp box");
  const brand = String.fromCharCode(...b.subarray(ftyp.data, ftyp.data + 4));
  if (IMAGE_BRANDS.has(brand)) return unsupported(`an image (${brand.trim()}) is not audio, nor`);
  if (!top.boxes.some((x) => x.type === "mdat" && x.end > x.data)) return empty();
  const moov = top.boxes.find((x) => x.type === "moov");
  if (!moov) return damaged("the MP4 has no moov box");
  const movie = readMoov(b, moov);
  if (!movie) return damaged("the MP4 has no movie header");
  if (movie.declared !== null) return ok({ seconds: movie.declared, exact: true });
  const totals = new Map<number, number>();
  const moofs = top.boxes.filter((x) => x.type === "moof");
  if (moofs.length > 0 && moofs.every((moof) => fragmentEnds(b, moof, movie, totals))) {
    let seconds = 0;
    for (const [id, units] of totals) {
      const scale = movie.tracks.get(id)?.timescale ?? 0;
      if (scale === 0) return ok(boundFromSize(b.length));
      seconds = Math.max(seconds, units / scale);
    }
    if (seconds > 0) return ok({ seconds, exact: true });
  }
  return ok(boundFromSize(b.length));
}

/** V1: the duration an MP4 declares when its moov comes before the media (a cut moov, or media first: null). */
export function mp4DeclaredSeconds(prefix: Uint8Array): number | null {
  for (const found of children(prefix, 0, prefix.length).boxes) {
    if (found.type === "mdat" || found.type === "moof") return null;
    if (found.type === "moov") return readMoov(prefix, found)?.declared ?? null;
  }
  return null;
}

