/**
 * Hand-built audio for the voice tests (docs/PROTOCOL.md V1–V5): the
 * containers sox cannot write — a WebM as Chrome's MediaRecorder writes it
 * (unknown-size Segment and Clusters, no Duration), MP4s (moov first, media
 * first, fragmented), Ogg Opus pages with correct checksums — and hostile
 * clips. Pure: it runs in Node and in workerd (tests/support/voice-audio.ts
 * adds the espeak-ng and sox clips, which need processes).
 */

/** Bytes on a plain ArrayBuffer, as Request bodies and Blob parts take them. */
export type Bytes = Uint8Array<ArrayBuffer>;

export const concat = (...parts: Uint8Array[]): Bytes => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};
export const text = (s: string): Bytes => new Uint8Array([...s].map((c) => c.charCodeAt(0)));
const bigEndian = (value: number, size: number): Bytes => {
  const out = new Uint8Array(size);
  for (let i = size - 1, v = value; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
};
const littleEndian = (value: number, size: number) => bigEndian(value, size).reverse();

// --- WebM (EBML) -----------------------------------------------------------------------------

const UNKNOWN_SIZE = new Uint8Array([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
const ebmlSize = (n: number) => {
  for (let length = 1; length <= 8; length++)
    if (n < 2 ** (7 * length) - 1) {
      const out = bigEndian(n, length);
      out[0] = (out[0] ?? 0) | (0x80 >> (length - 1));
      return out;
    }
  throw new Error("element too large for the test builder");
};
const el = (id: number[], ...payload: Uint8Array[]) => {
  const body = concat(...payload);
  return concat(new Uint8Array(id), ebmlSize(body.length), body);
};
const uintEl = (id: number[], value: number) => el(id, bigEndian(value, value < 256 ? 1 : value < 65536 ? 2 : 4));
const float64 = (value: number) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, value);
  return out;
};

/** A silent Opus packet (TOC 0xF8: CELT fullband 20 ms, mono) — the bytes are never decoded here. */
const OPUS_FRAME = new Uint8Array([0xf8, 0xff, 0xfe]);

export type WebmOptions = {
  /** Each cluster's Timecode (ms at the default scale) and its SimpleBlocks' relative timecodes. */
  clusters: Array<{ timecode: number; blocks: number[] }>;
  /** Info Duration in timecode units; absent as Chrome's MediaRecorder leaves it. */
  duration?: number;
  docType?: string;
};

/** A WebM as MediaRecorder writes it: EBML header, an unknown-size Segment with Info and an Opus track, unknown-size Clusters. */
export function buildWebm(options: WebmOptions): Bytes {
  const header = el(
    [0x1a, 0x45, 0xdf, 0xa3],
    uintEl([0x42, 0x86], 1),
    uintEl([0x42, 0xf7], 1),
    uintEl([0x42, 0xf2], 4),
    uintEl([0x42, 0xf3], 8),
    el([0x42, 0x82], text(options.docType ?? "webm")),
    uintEl([0x42, 0x87], 4),
    uintEl([0x42, 0x85], 2),
  );
  const info = el(
    [0x15, 0x49, 0xa9, 0x66],
    uintEl([0x2a, 0xd7, 0xb1], 1_000_000),
    el([0x4d, 0x80], text("test")),
    el([0x57, 0x41], text("test")),
    ...(options.duration !== undefined ? [el([0x44, 0x89], float64(options.duration))] : []),
  );
  const tracks = el(
    [0x16, 0x54, 0xae, 0x6b],
    el([0xae], uintEl([0xd7], 1), uintEl([0x73, 0xc5], 4242), uintEl([0x83], 2), el([0x86], text("A_OPUS")), el([0xe1], el([0xb5], float64(48_000)), uintEl([0x9f], 1))),
  );
  const clusters = options.clusters.map(({ timecode, blocks }) =>
    concat(
      new Uint8Array([0x1f, 0x43, 0xb6, 0x75]),
      UNKNOWN_SIZE,
      uintEl([0xe7], timecode),
      ...blocks.map((relative) => el([0xa3], new Uint8Array([0x81]), bigEndian(relative & 0xffff, 2), new Uint8Array([0x80]), OPUS_FRAME)),
    ),
  );
  return concat(header, new Uint8Array([0x18, 0x53, 0x80, 0x67]), UNKNOWN_SIZE, info, tracks, ...clusters);
}

// --- MP4 (ISO BMFF) --------------------------------------------------------------------------

const box = (type: string, ...payload: Uint8Array[]) => {
  const body = concat(...payload);
  return concat(bigEndian(body.length + 8, 4), text(type), body);
};
const fullBox = (type: string, version: number, flags: number, ...payload: Uint8Array[]) =>
  box(type, new Uint8Array([version]), bigEndian(flags, 3), ...payload);

const mvhd = (timescale: number, duration: number) =>
  fullBox("mvhd", 0, 0, bigEndian(0, 4), bigEndian(0, 4), bigEndian(timescale, 4), bigEndian(duration, 4), bigEndian(0x00010000, 4), bigEndian(0x0100, 2), new Uint8Array(10), new Uint8Array(36), new Uint8Array(24), bigEndian(2, 4));
const trak = (timescale: number) =>
  box(
    "trak",
    fullBox("tkhd", 0, 3, bigEndian(0, 4), bigEndian(0, 4), bigEndian(1, 4), new Uint8Array(4), bigEndian(0, 4), new Uint8Array(60)),
    box("mdia", fullBox("mdhd", 0, 0, bigEndian(0, 4), bigEndian(0, 4), bigEndian(timescale, 4), bigEndian(0, 4), new Uint8Array(4)), fullBox("hdlr", 0, 0, new Uint8Array(4), text("soun"), new Uint8Array(13))),
  );

export type Mp4Options =
  /** ftyp + moov (mvhd with the duration) + mdat; `mediaFirst` puts the mdat before the moov. */
  | { kind: "movie"; timescale: number; duration: number; mediaFirst?: boolean; brand?: string }
  /** Fragmented as browsers record: mvhd says 0; each moof's trun lists its samples' durations (in 44.1 kHz units). */
  | { kind: "fragmented"; fragments: Array<{ samples: number; sampleDuration: number; decodeTime?: number }>; perSample?: boolean };

export function buildMp4(options: Mp4Options): Bytes {
  const ftyp = box("ftyp", text(options.kind === "movie" ? (options.brand ?? "M4A ") : "iso5"), bigEndian(0, 4), text("isomM4A "));
  const mdat = box("mdat", new Uint8Array(64).fill(0x21));
  if (options.kind === "movie") {
    const moov = box("moov", mvhd(options.timescale, options.duration), trak(options.timescale));
    return options.mediaFirst ? concat(ftyp, mdat, moov) : concat(ftyp, moov, mdat);
  }
  const moov = box("moov", mvhd(1000, 0), trak(44_100), box("mvex", fullBox("trex", 0, 0, bigEndian(1, 4), bigEndian(1, 4), bigEndian(1024, 4), bigEndian(0, 4), bigEndian(0, 4))));
  const fragments = options.fragments.map(({ samples, sampleDuration, decodeTime }, i) => {
    const trun = options.perSample
      ? fullBox("trun", 0, 0x100, bigEndian(samples, 4), ...Array.from({ length: samples }, () => bigEndian(sampleDuration, 4)))
      : fullBox("trun", 0, 0, bigEndian(samples, 4));
    const tfhd = options.perSample ? fullBox("tfhd", 0, 0, bigEndian(1, 4)) : fullBox("tfhd", 0, 0x08, bigEndian(1, 4), bigEndian(sampleDuration, 4));
    const tfdt = decodeTime === undefined ? [] : [fullBox("tfdt", 1, 0, bigEndian(decodeTime, 8))];
    return concat(box("moof", fullBox("mfhd", 0, 0, bigEndian(i + 1, 4)), box("traf", tfhd, ...tfdt, trun)), mdat);
  });
  return concat(ftyp, moov, ...fragments);
}

// --- Ogg pages -------------------------------------------------------------------------------

/** Ogg's CRC-32 (polynomial 0x04C11DB7, unreflected), bit by bit: written apart from the probe's table so each checks the other. */
function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 24;
    for (let i = 0; i < 8; i++) crc = crc & 0x80000000 ? ((crc << 1) ^ 0x04c11db7) >>> 0 : (crc << 1) >>> 0;
  }
  return crc >>> 0;
}

/** One Ogg page carrying one packet (< 255 × 255 bytes), with a correct checksum. */
export function oggPage(packet: Uint8Array, granule: number, sequence: number, headerType = 0, serial = 0x1234): Bytes {
  const lacing = [...Array.from({ length: Math.floor(packet.length / 255) }, () => 255), packet.length % 255];
  const header = concat(text("OggS"), new Uint8Array([0, headerType]), littleEndian(granule % 2 ** 32, 4), littleEndian(Math.floor(granule / 2 ** 32), 4), littleEndian(serial, 4), littleEndian(sequence, 4), new Uint8Array(4), new Uint8Array([lacing.length, ...lacing]));
  const page = concat(header, packet);
  new DataView(page.buffer).setUint32(22, oggCrc(page), true);
  return page;
}

/** An Ogg Opus clip of `seconds`: OpusHead (pre-skip 312), OpusTags, and one page of audio whose granule ends it. */
export function buildOggOpus(seconds: number, firstPacket?: Uint8Array): Bytes {
  const head = firstPacket ?? concat(text("OpusHead"), new Uint8Array([1, 1]), littleEndian(312, 2), littleEndian(48_000, 4), littleEndian(0, 2), new Uint8Array([0]));
  const tags = concat(text("OpusTags"), littleEndian(4, 4), text("test"), littleEndian(0, 4));
  return concat(oggPage(head, 0, 0, 2), oggPage(tags, 0, 1), oggPage(OPUS_FRAME, Math.round(seconds * 48_000) + 312, 2, 4));
}

// --- WAV headers and hostile clips ----------------------------------------------------------

/** A 44-byte PCM WAV header declaring `seconds` of 16 kHz mono 16-bit audio (no samples follow). */
export function wavHeader(seconds: number, rate = 16_000): Bytes {
  const data = Math.round(seconds * rate * 2);
  return concat(
    text("RIFF"), littleEndian(36 + data, 4), text("WAVE"),
    text("fmt "), littleEndian(16, 4), littleEndian(1, 2), littleEndian(1, 2), littleEndian(rate, 4), littleEndian(rate * 2, 4), littleEndian(2, 2), littleEndian(16, 2),
    text("data"), littleEndian(data, 4),
  );
}

/** A real PNG's first bytes (signature and IHDR of a 1×1 image). */
export const PNG = concat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), bigEndian(13, 4), text("IHDR"), bigEndian(1, 4), bigEndian(1, 4), new Uint8Array([8, 6, 0, 0, 0]), bigEndian(0x1f15c489, 4));

