/**
 * What a clip is, from its own bytes (docs/PROTOCOL.md V2–V4): real speech
 * from espeak-ng (WAV) and sox (Ogg Vorbis) measured against `soxi -D`, a WebM
 * as Chrome's MediaRecorder writes it, MP4s with and without a declared
 * duration, and hostile bytes — seeded, every truncation, bit flips — that get
 * a length or a typed 400/415, never a throw.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { declaredSeconds, probeAudio } from "../../party/voice/audio.ts";
import { VOICE_FORMAT_NAMES, VOICE_MEDIA_TYPES } from "../../shared/voice.ts";
import { seededRng } from "../support/random.ts";
import { buildMp4, buildOggOpus, buildWebm, chromeRecording, concat, espeakWav, JOHN, PNG, soxiSeconds, toOgg, wavHeader } from "../support/voice-audio.ts";

const text = (s: string) => new TextEncoder().encode(s);

function expectTyped(bytes: Uint8Array, label: string): void {
  let result: ReturnType<typeof probeAudio>;
  try {
    result = probeAudio(bytes, null);
  } catch (error) {
    throw new Error(`${label}: probeAudio threw ${String(error)}`);
  }
  if (result.ok) {
    expect(VOICE_MEDIA_TYPES, label).toContain(result.value.mediaType);
    expect(Number.isFinite(result.value.seconds) && result.value.seconds >= 0, `${label}: ${result.value.seconds}`).toBe(true);
  } else {
    expect(["invalid_request", "unsupported_media_type"], `${label}: ${result.error.code}`).toContain(result.error.code);
  }
}

describe("Voice — probing a clip", () => {
  it("[V3] the espeak-ng WAV of the sentence: about 2.7 s, within 0.05 s, and what soxi -D says", () => {
    const wav = espeakWav(JOHN);
    const probe = probeAudio(wav.bytes, "audio/wav");
    expect(probe.ok && probe.value).toMatchObject({ mediaType: "audio/wav", exact: true });
    const seconds = probe.ok ? probe.value.seconds : NaN;
    expect(Math.abs(seconds - 2.7)).toBeLessThan(0.05);
    expect(Math.abs(seconds - soxiSeconds(wav.path))).toBeLessThan(0.001);
  });

  it("[V3] a streaming writer's WAV (data size left as a placeholder): the length of what is there", () => {
    const wav = espeakWav(JOHN).bytes;
    for (const placeholder of [0xffffffff, 0, 0x7ffff000]) {
      const copy = wav.slice();
      new DataView(copy.buffer).setUint32(40, placeholder, true);
      const probe = probeAudio(copy, null);
      expect(probe.ok && probe.value.seconds, `placeholder ${placeholder}`).toBeCloseTo((wav.length - 44) / 44_100, 6);
    }
  });

  it("[V3] the same speech as Ogg Vorbis (sox): its last granule position over the rate, as soxi -D", () => {
    const ogg = toOgg(espeakWav(JOHN));
    const probe = probeAudio(ogg.bytes, "audio/ogg");
    expect(probe.ok && probe.value).toMatchObject({ mediaType: "audio/ogg", exact: true });
    expect(Math.abs((probe.ok ? probe.value.seconds : NaN) - soxiSeconds(ogg.path))).toBeLessThan(0.001);
  });

  it("[V3] an Ogg Opus clip: (last granule − pre-skip) / 48 kHz; a page with a flipped bit is damaged (its CRC)", () => {
    const opus = buildOggOpus(2.7);
    expect(probeAudio(opus, "audio/ogg")).toEqual({ ok: true, value: { mediaType: "audio/ogg", seconds: 2.7, exact: true } });
    const flipped = opus.slice();
    flipped[opus.length - 2] = (flipped[opus.length - 2] ?? 0) ^ 1;
    expect(probeAudio(flipped, null)).toEqual({ ok: false, error: { code: "invalid_request", message: "the recording is damaged: an Ogg page's checksum does not match" } });
  });

  it("[V3] a WebM as MediaRecorder writes it (unknown-size Segment and Clusters, no Duration): the latest block's time", () => {
    const webm = buildWebm({ clusters: [{ timecode: 0, blocks: [0, 20] }, { timecode: 2_640, blocks: [0, 20] }] });
    expect(probeAudio(webm, "audio/webm")).toEqual({ ok: true, value: { mediaType: "audio/webm", seconds: 2.66, exact: true } });
    expect(declaredSeconds(webm)).toBeNull();
  });

  it("[V3] a WebM whose Info declares a Duration: Duration × TimecodeScale, also from its first bytes", () => {
    const webm = buildWebm({ duration: 2_700, clusters: [{ timecode: 0, blocks: [0, 20] }] });
    expect(probeAudio(webm, null)).toEqual({ ok: true, value: { mediaType: "audio/webm", seconds: 2.7, exact: true } });
    expect(declaredSeconds(webm.subarray(0, 200))).toBeCloseTo(2.7, 9);
  });

  it("[V3] an MP4 with moov/mvhd: duration over timescale; read from its start when the moov comes first", () => {
    const mp4 = buildMp4({ kind: "movie", timescale: 44_100, duration: 119_070 });
    expect(probeAudio(mp4, "audio/mp4")).toEqual({ ok: true, value: { mediaType: "audio/mp4", seconds: 2.7, exact: true } });
    expect(declaredSeconds(mp4.subarray(0, mp4.length - 40))).toBeCloseTo(2.7, 9);
    const mediaFirst = buildMp4({ kind: "movie", timescale: 44_100, duration: 119_070, mediaFirst: true });
    expect(probeAudio(mediaFirst, null).ok && declaredSeconds(mediaFirst)).toBeNull();
  });

  it("[V3] a fragmented MP4 (mvhd says 0): the sum of its fragments' sample durations in the track's timescale", () => {
    const byDefault = buildMp4({ kind: "fragmented", fragments: [{ samples: 43, sampleDuration: 1024 }, { samples: 43, sampleDuration: 1024 }] });
    expect(probeAudio(byDefault, null)).toEqual({ ok: true, value: { mediaType: "audio/mp4", seconds: (86 * 1024) / 44_100, exact: true } });
    const perSample = buildMp4({ kind: "fragmented", perSample: true, fragments: [{ samples: 10, sampleDuration: 4410 }] });
    expect(probeAudio(perSample, null)).toEqual({ ok: true, value: { mediaType: "audio/mp4", seconds: 1, exact: true } });
    expect(declaredSeconds(perSample)).toBeNull();
  });

  it("[V3] a fragmented MP4 whose decode times (tfdt) run past its samples' durations ends where its last fragment ends", () => {
    const mp4 = buildMp4({ kind: "fragmented", perSample: true, fragments: [{ samples: 5, sampleDuration: 1000, decodeTime: 0 }, { samples: 5, sampleDuration: 1000, decodeTime: 44_100 }] });
    expect(probeAudio(mp4, null)).toEqual({ ok: true, value: { mediaType: "audio/mp4", seconds: (44_100 + 5_000) / 44_100, exact: true } });
  });

  it("[V3] real MediaRecorder output from Chromium (2 s of the espeak WAV as its microphone): WebM and fragmented MP4 agree, about 2 s", () => {
    const webm = probeAudio(chromeRecording("webm"), "audio/webm");
    const mp4 = probeAudio(chromeRecording("mp4"), "audio/mp4");
    if (!webm.ok || !mp4.ok) throw new Error(JSON.stringify({ webm, mp4 }));
    expect(webm.value.seconds).toBeGreaterThan(1.8);
    expect(webm.value.seconds).toBeLessThanOrEqual(2.05);
    expect(Math.abs(webm.value.seconds - mp4.value.seconds)).toBeLessThan(0.1);
    expect([webm.value.exact, mp4.value.exact]).toEqual([true, true]);
  });

  it("[V3] a WAV header declares its length from its first 44 bytes (the early cap)", () => {
    expect(declaredSeconds(wavHeader(130))).toBeCloseTo(130, 6);
    expect(declaredSeconds(espeakWav(JOHN).bytes.subarray(0, 64))).toBeCloseTo(soxiSeconds(espeakWav(JOHN).path), 3);
    expect(declaredSeconds(toOgg(espeakWav(JOHN)).bytes)).toBeNull();
  });

  it("[V4] zero-length and header-only clips are 400 'the recording is empty'", () => {
    const webmHeaderOnly = buildWebm({ clusters: [] });
    const mp4NoMedia = buildMp4({ kind: "movie", timescale: 1000, duration: 2000 }).subarray(0, -72);
    for (const [label, bytes] of [["zero bytes", new Uint8Array()], ["WAV header, no samples", wavHeader(0)], ["RIFF", text("RIFF")], ["WebM header only", webmHeaderOnly], ["MP4 without mdat", mp4NoMedia]] as const) {
      expect(probeAudio(bytes, null), label).toEqual({ ok: false, error: { code: "invalid_request", message: "the recording is empty" } });
    }
  });

  it("[V4] a clip cut short is 400: a WAV's data shorter than declared, an Ogg's last page cut", () => {
    const wav = espeakWav(JOHN).bytes;
    const ogg = toOgg(espeakWav(JOHN)).bytes;
    for (const [label, bytes] of [["WAV", wav.subarray(0, wav.length - 1000)], ["Ogg", ogg.subarray(0, ogg.length - 100)], ["WAV header declaring 130 s", wavHeader(130)]] as const) {
      const probe = probeAudio(bytes, null);
      expect(probe.ok ? "ok" : probe.error, label).toEqual({ code: "invalid_request", message: "the recording is cut short: send the whole file" });
    }
  });

  it("[V2] anything but V2's containers is 415 naming the accepted formats: a PNG, text, random bytes, AVI, an AVIF, MP3, Ogg FLAC", () => {
    const avi = concat(text("RIFF"), new Uint8Array([4, 0, 0, 0]), text("AVI LIST"));
    const avif = buildMp4({ kind: "movie", timescale: 1000, duration: 1000, brand: "avif" });
    const random = new Uint8Array(256).map((_, i) => (i * 97 + 13) % 251);
    const mp3 = concat(text("ID3"), new Uint8Array([4, 0, 0, 0, 0, 0, 0]), new Uint8Array([0xff, 0xfb, 0x90, 0x64]), new Uint8Array(413));
    for (const [label, bytes] of [["PNG", PNG], ["text", text("remind me to call John tomorrow at 3pm")], ["random", random], ["AVI", avi], ["AVIF", avif], ["MP3", mp3]] as const) {
      const probe = probeAudio(bytes, null);
      expect(probe.ok ? "ok" : probe.error.code, label).toBe("unsupported_media_type");
      expect(probe.ok ? "" : probe.error.message, label).toContain(VOICE_FORMAT_NAMES);
    }
    // An intact Ogg (checksums right) whose stream is FLAC, not Opus or Vorbis.
    const flac = probeAudio(buildOggOpus(1, concat(text("\x7fFLAC"), new Uint8Array([1, 0, 0, 1]), text("fLaC"), new Uint8Array(38))), null);
    expect(flac.ok ? "ok" : flac.error.code).toBe("unsupported_media_type");
    expect(flac.ok ? "" : flac.error.message).toContain(VOICE_FORMAT_NAMES);
  });

  it("[V2] a declared type the bytes contradict is 415, naming both", () => {
    const probe = probeAudio(espeakWav(JOHN).bytes, "audio/webm");
    expect(probe).toEqual({ ok: false, error: { code: "unsupported_media_type", message: `the audio was sent as audio/webm but its bytes are WAV; accepted formats: ${VOICE_FORMAT_NAMES}` } });
  });

  it("[V4] hostile bytes never throw: every truncation of the WAV and the Ogg, seeded bit flips and random bytes get a length or a typed 400/415", () => {
    const rng = seededRng("voice audio fuzz");
    const wav = espeakWav(JOHN).bytes;
    const ogg = toOgg(espeakWav(JOHN)).bytes;
    const webm = buildWebm({ clusters: [{ timecode: 0, blocks: [0, 20, 40] }, { timecode: 60, blocks: [0, 20] }] });
    const mp4 = buildMp4({ kind: "fragmented", perSample: true, fragments: [{ samples: 5, sampleDuration: 1024 }, { samples: 3, sampleDuration: 1024 }] });
    const movie = buildMp4({ kind: "movie", timescale: 44_100, duration: 119_070 });
    let cuts = 0;
    for (const [label, bytes] of [["wav", wav], ["ogg", ogg], ["webm", webm], ["mp4", mp4], ["movie", movie]] as const) {
      for (let end = 0; end < bytes.length; end++) {
        const cut = bytes.subarray(0, end);
        expectTyped(cut, `${label} cut at ${end}`);
        declaredSeconds(cut);
        cuts++;
      }
    }
    const fixtures = [wav.subarray(0, 4096), ogg, buildOggOpus(1.5), webm, mp4, movie, chromeRecording("webm"), chromeRecording("mp4")];
    const flips = fc.sample(
      fc.record({ fixture: fc.nat(fixtures.length - 1), flips: fc.array(fc.record({ at: fc.nat(), bit: fc.nat(7) }), { minLength: 1, maxLength: 4 }) }),
      { seed: rng.seed, numRuns: 4000 },
    );
    for (const { fixture, flips: bits } of flips) {
      const bytes = (fixtures[fixture] ?? wav).slice();
      for (const { at, bit } of bits) bytes[at % bytes.length] = (bytes[at % bytes.length] ?? 0) ^ (1 << bit);
      expectTyped(bytes, `seed ${rng.seed}: flips ${JSON.stringify(bits)} of fixture ${fixture}`);
      declaredSeconds(bytes);
    }
    const noise = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 512 }),
        fc.uint8Array({ maxLength: 512 }).map((b) => concat(text("RIFF\0\0\0\0WAVE"), b)),
        fc.uint8Array({ maxLength: 512 }).map((b) => concat(text("OggS"), b)),
        fc.uint8Array({ maxLength: 512 }).map((b) => concat(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]), b)),
        fc.uint8Array({ maxLength: 512 }).map((b) => concat(new Uint8Array([0, 0, 0, 16]), text("ftypM4A "), b)),
      ),
      { seed: rng.seed, numRuns: 4000 },
    );
    for (const [i, bytes] of noise.entries()) {
      expectTyped(bytes, `seed ${rng.seed}: noise #${i}`);
      declaredSeconds(bytes);
    }
    console.log(`[V4] audio fuzz: ${cuts} truncations, ${flips.length} flipped clips, ${noise.length} noise clips (seed ${rng.seed})`);
  });

  it("[V4] elements of size zero or of their header's size only end: WebM, MP4 and RIFF made of empty elements", () => {
    const emptyEbml = concat(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x80]), ...Array.from({ length: 5000 }, () => new Uint8Array([0xec, 0x80])));
    const emptyBoxes = concat(new Uint8Array([0, 0, 0, 12]), text("ftypM4A "), ...Array.from({ length: 5000 }, () => concat(new Uint8Array([0, 0, 0, 8]), text("free"))));
    const zeroBox = concat(new Uint8Array([0, 0, 0, 12]), text("ftypM4A "), new Uint8Array([0, 0, 0, 0]), text("mdat"), new Uint8Array(10));
    const emptyChunks = concat(text("RIFF\0\0\0\0WAVE"), ...Array.from({ length: 5000 }, () => concat(text("junk"), new Uint8Array(4))));
    for (const bytes of [emptyEbml, emptyBoxes, zeroBox, emptyChunks]) expect(probeAudio(bytes, null).ok).toBe(false);
  });
});
