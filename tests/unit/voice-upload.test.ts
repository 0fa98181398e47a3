/**
 * `POST /api/v1/voice-upload`'s body, read with its caps (docs/PROTOCOL.md
 * V1–V5): real forms made by the platform's FormData around espeak-ng's WAV,
 * sox's Ogg and built WebM/MP4 clips; oversized bodies refused from their
 * Content-Length and while streaming (a body that errors when read past its
 * first chunk proves nothing more was read); a WAV header declaring more than
 * the cap refused from its first chunk; bad forms and bad audio typed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FORM_OVERHEAD_BYTES, readVoiceUpload } from "../../party/voice/upload.ts";
import { VOICE_FORMAT_NAMES, VOICE_MAX_BYTES, VOICE_MAX_SECONDS } from "../../shared/voice.ts";
import { seededRng } from "../support/random.ts";
import { buildMp4, buildOggOpus, buildWebm, concat, espeakWav, JOHN, PNG, soxiSeconds, toOgg, wavHeader, type Bytes } from "../support/voice-audio.ts";

const LIMITS = { maxBytes: VOICE_MAX_BYTES, maxSeconds: VOICE_MAX_SECONDS };
const URL = "https://cos.test/api/v1/voice-upload";
const BOUNDARY = "----voice-test-7MA4YWxkTrZu0gW";
const text = (s: string): Bytes => new Uint8Array(new TextEncoder().encode(s));

/** A request made by the platform's own multipart encoder. */
function formRequest(fields: Array<[string, string | Blob, string?]>): Request {
  const form = new FormData();
  for (const [name, value, filename] of fields) {
    if (typeof value === "string") form.append(name, value);
    else form.append(name, value, filename ?? "clip");
  }
  return new Request(URL, { method: "POST", body: form });
}

type RawPart = { name: string; body: Bytes | string; filename?: string; type?: string };
/** A form written by hand, for what FormData never writes (duplicates as raw parts, no filename, a cut body). */
function rawForm(parts: RawPart[], close = true): Bytes {
  return concat(
    ...parts.flatMap(({ name, body, filename, type }) => [
      text(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${filename !== undefined ? `; filename="${filename}"` : ""}\r\n${type ? `Content-Type: ${type}\r\n` : ""}\r\n`),
      typeof body === "string" ? text(body) : body,
      text("\r\n"),
    ]),
    close ? text(`--${BOUNDARY}--\r\n`) : new Uint8Array(),
  );
}
const rawRequest = (body: Bytes, headers: Record<string, string> = {}) =>
  new Request(URL, { method: "POST", body, headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}`, ...headers } });

/** A body that hands out `first`, then errors if read again: a refusal after it proves the rest was never read. */
function firstChunkOnly(first: Bytes, headers: Record<string, string> = {}) {
  const seen = { pulls: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        seen.pulls++;
        if (seen.pulls === 1) controller.enqueue(first);
        else controller.error(new Error("the reader read past the first chunk"));
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  const init: RequestInit & { duplex: "half" } = { method: "POST", body, duplex: "half", headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}`, ...headers } };
  return { request: new Request(URL, init), seen };
}

const error = async (request: Request, limits = LIMITS) => {
  const result = await readVoiceUpload(request, limits);
  return result.ok ? { ok: true } : result.error;
};

describe("Voice — reading an upload", () => {
  it("[V1][V3] the espeak-ng WAV in a FormData form: the exact bytes, WAV, its length as soxi -D; review off, no conversation", async () => {
    const wav = espeakWav(JOHN);
    const result = await readVoiceUpload(formRequest([["audio", new Blob([wav.bytes], { type: "audio/wav" }), "john.wav"]]), LIMITS);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.audio).toEqual(wav.bytes);
    expect(result.value.info).toMatchObject({ mediaType: "audio/wav", exact: true });
    expect(Math.abs(result.value.info.seconds - soxiSeconds(wav.path))).toBeLessThan(0.001);
    expect(result.value.review).toBe(false);
    expect(result.value).not.toHaveProperty("conversationId");
  });

  it("[V2][V5] Ogg, WebM (as MediaRecorder names it) and MP4, with conversationId and review in any order", async () => {
    const cases = [
      { blob: new Blob([toOgg(espeakWav(JOHN)).bytes], { type: "audio/ogg" }), type: "audio/ogg" },
      { blob: new Blob([buildWebm({ clusters: [{ timecode: 0, blocks: [0] }, { timecode: 2_000, blocks: [0, 20] }] })], { type: "audio/webm;codecs=opus" }), type: "audio/webm" },
      { blob: new Blob([buildMp4({ kind: "movie", timescale: 1000, duration: 2500 })], { type: "audio/mp4" }), type: "audio/mp4" },
      { blob: new Blob([buildOggOpus(1.25)]), type: "audio/ogg" },
    ];
    for (const { blob, type } of cases) {
      const result = await readVoiceUpload(formRequest([["review", "true"], ["audio", blob], ["conversationId", "c-42"]]), LIMITS);
      expect(result.ok ? { type: result.value.info.mediaType, review: result.value.review, conversationId: result.value.conversationId } : result.error).toEqual({ type, review: true, conversationId: "c-42" });
    }
  });

  it("[V1] a Content-Length over the cap is 413 before a byte is read", async () => {
    const { request, seen } = firstChunkOnly(text("x"), { "content-length": String(VOICE_MAX_BYTES + FORM_OVERHEAD_BYTES + 1) });
    expect(await error(request)).toEqual({ code: "too_large", message: "the recording is larger than 12 MiB" });
    expect(seen.pulls).toBe(0);
  });

  it("[V1] a body that grows past the cap while streaming is 413 and the reader is cancelled", async () => {
    const wav = espeakWav(JOHN).bytes;
    const head = rawForm([{ name: "audio", filename: "a.wav", type: "audio/wav", body: wav.subarray(0, 44) }], false).slice(0, -2);
    let sent = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          controller.enqueue(sent === 0 ? head : new Uint8Array(64 * 1024).fill(1));
          sent++;
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    const init: RequestInit & { duplex: "half" } = { method: "POST", body, duplex: "half", headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` } };
    // A streaming writer's WAV (data size open) declares no length, so only the byte cap stops it.
    head.set([0xff, 0xff, 0xff, 0xff], head.length - 4);
    expect(await error(new Request(URL, init), { maxBytes: 1024 * 1024, maxSeconds: 120 })).toEqual({ code: "too_large", message: "the recording is larger than 1 MiB" });
    expect(cancelled).toBe(true);
    expect(sent).toBeLessThanOrEqual(1 + Math.ceil((1024 * 1024) / (64 * 1024)) + 1);
  });

  it("[V1] a WAV header declaring more than 120 s is 413 from the first chunk; so is an MP4 whose moov comes first", async () => {
    for (const clip of [wavHeader(130), buildMp4({ kind: "movie", timescale: 1000, duration: 130_000 }).subarray(0, -72)]) {
      const { request, seen } = firstChunkOnly(rawForm([{ name: "audio", filename: "long", body: clip }], false).slice(0, -2));
      expect(await error(request)).toEqual({ code: "too_large", message: `the recording is longer than ${VOICE_MAX_SECONDS} seconds` });
      expect(seen).toEqual({ pulls: 1, cancelled: true });
    }
  });

  it("[V1] a clip whose length is only known once read whole (Ogg, WebM) is 413 after probing when over the cap", async () => {
    const long = buildOggOpus(121);
    expect(await error(rawRequest(rawForm([{ name: "audio", filename: "o.ogg", body: long }])))).toEqual({ code: "too_large", message: "the recording is longer than 120 seconds" });
    const webm = buildWebm({ clusters: [{ timecode: 0, blocks: [0] }, { timecode: 125_000, blocks: [0] }] });
    expect(await error(rawRequest(rawForm([{ name: "audio", filename: "w.webm", body: webm }])))).toMatchObject({ code: "too_large" });
    expect(await error(rawRequest(rawForm([{ name: "audio", filename: "j.wav", body: espeakWav(JOHN).bytes }])), { maxBytes: 50_000, maxSeconds: 120 })).toMatchObject({ code: "too_large" });
  });

  it("[V2] not audio is 415 naming the formats, from the clip's first bytes: a PNG, text, random bytes, a declared image type", async () => {
    const random = new Uint8Array(64).map((_, i) => (i * 31 + 7) % 256);
    for (const [label, part] of [
      ["PNG", { name: "audio", filename: "x.png", body: PNG }],
      ["text", { name: "audio", filename: "x.txt", body: JOHN }],
      ["random", { name: "audio", filename: "x.bin", body: random }],
      ["declared image/png", { name: "audio", filename: "x.wav", type: "image/png", body: espeakWav(JOHN).bytes.subarray(0, 64) }],
      ["declared audio/mpeg", { name: "audio", filename: "x.mp3", type: "audio/mpeg", body: espeakWav(JOHN).bytes.subarray(0, 64) }],
      ["declared webm, bytes WAV", { name: "audio", filename: "x.webm", type: "audio/webm", body: espeakWav(JOHN).bytes.subarray(0, 64) }],
    ] as const) {
      const { request, seen } = firstChunkOnly(rawForm([part], false).slice(0, -2));
      const result = await error(request);
      expect(result, label).toMatchObject({ code: "unsupported_media_type" });
      expect("message" in result ? result.message : "", label).toContain(VOICE_FORMAT_NAMES);
      expect(seen.pulls, label).toBe(1);
    }
  });

  it("[V2] a body that is not multipart/form-data is 415 (raw audio included); multipart without a boundary is 400", async () => {
    const wav = espeakWav(JOHN).bytes;
    for (const type of ["audio/wav", "application/json", ""]) {
      const request = new Request(URL, { method: "POST", body: wav, headers: type ? { "content-type": type } : {} });
      expect(await error(request), type).toEqual({ code: "unsupported_media_type", message: `send the recording as multipart/form-data, the file in the field "audio" (${VOICE_FORMAT_NAMES})` });
    }
    expect(await error(new Request(URL, { method: "POST", body: wav, headers: { "content-type": "multipart/form-data" } }))).toEqual({ code: "invalid_request", message: "the multipart/form-data content-type needs a boundary" });
  });

  it("[V4] a zero-length file and a truncated WAV are 400", async () => {
    const wav = espeakWav(JOHN).bytes;
    expect(await error(formRequest([["audio", new Blob([]), "empty.wav"]]))).toEqual({ code: "invalid_request", message: "the recording is empty" });
    expect(await error(formRequest([["audio", new Blob([wav.subarray(0, 20_000)]), "cut.wav"]]))).toEqual({ code: "invalid_request", message: "the recording is cut short: send the whole file" });
  });

  it("[V5] the form's fields: audio required and a file; no duplicate or unknown field; conversationId and review checked; the form closed", async () => {
    const wav = espeakWav(JOHN).bytes;
    const audio: RawPart = { name: "audio", filename: "j.wav", type: "audio/wav", body: wav };
    const cases: Array<[string, Bytes, string]> = [
      ["no audio", rawForm([{ name: "review", body: "true" }]), 'the form has no "audio" file'],
      ["audio not a file", rawForm([{ name: "audio", body: wav }]), '"audio" must be a file'],
      ["two audio", rawForm([audio, audio]), 'the form has more than one "audio"'],
      ["unknown field", rawForm([audio, { name: "transcript", body: "hi" }]), 'the form has an unknown field "transcript": it takes audio, conversationId and review'],
      ["two reviews", rawForm([{ name: "review", body: "true" }, { name: "review", body: "false" }, audio]), 'the form has more than one "review"'],
      ["bad conversationId", rawForm([audio, { name: "conversationId", body: "../main" }]), "conversationId must be 1–64 letters, digits or hyphens"],
      ["long conversationId", rawForm([audio, { name: "conversationId", body: "c".repeat(65) }]), "conversationId must be 1–64 letters, digits or hyphens"],
      ["review yes", rawForm([audio, { name: "review", body: "yes" }]), 'review must be "true" or "false"'],
      ["review a file", rawForm([audio, { name: "review", filename: "r.txt", body: "true" }]), '"review" must be a plain field, not a file'],
      ["not closed", rawForm([audio], false), "the form ends before its closing boundary: send the whole form"],
      ["no disposition", concat(text(`--${BOUNDARY}\r\nContent-Type: audio/wav\r\n\r\n`), wav, text(`\r\n--${BOUNDARY}--\r\n`)), "a part of the form has no Content-Disposition: form-data header"],
    ];
    for (const [label, body, message] of cases) expect(await error(rawRequest(body)), label).toEqual({ code: "invalid_request", message });
    const fine = await readVoiceUpload(rawRequest(rawForm([audio, { name: "conversationId", body: "main" }, { name: "review", body: "false" }])), LIMITS);
    expect(fine.ok && { conversationId: fine.value.conversationId, review: fine.value.review }).toEqual({ conversationId: "main", review: false });
  });

  it("[V5] a form split into chunks at every offset reads the same; a delimiter split across chunks is found", async () => {
    const clip = buildOggOpus(1.5);
    const body = rawForm([{ name: "conversationId", body: "c-1" }, { name: "audio", filename: "o.ogg", type: "audio/ogg", body: clip }, { name: "review", body: "true" }]);
    for (let cut = 1; cut < body.length; cut++) {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(body.slice(0, cut));
          controller.enqueue(body.slice(cut));
          controller.close();
        },
      });
      const init: RequestInit & { duplex: "half" } = { method: "POST", body: stream, duplex: "half", headers: { "content-type": `multipart/form-data; boundary="${BOUNDARY}"` } };
      const result = await readVoiceUpload(new Request(URL, init), LIMITS);
      if (!result.ok) throw new Error(`cut at ${cut}: ${result.error.message}`);
      expect(result.value.audio, `cut at ${cut}`).toEqual(clip);
      expect(result.value.conversationId).toBe("c-1");
    }
  });

  it("[V1][V5] the espeak WAV's form sent a byte at a time reads the same (the clip's start is looked at again only as it doubles)", async () => {
    const wav = espeakWav(JOHN).bytes;
    const body = rawForm([{ name: "audio", filename: "j.wav", type: "audio/wav", body: wav }]);
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at < body.length) controller.enqueue(body.slice(at, ++at));
        else controller.close();
      },
    });
    const init: RequestInit & { duplex: "half" } = { method: "POST", body: stream, duplex: "half", headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` } };
    const result = await readVoiceUpload(new Request(URL, init), LIMITS);
    expect(result.ok && result.value.audio).toEqual(wav);
  });

  it("[V4][V5] seeded hostile forms (cut at every offset, bytes flipped) get an upload or a typed 400/413/415, never a throw", async () => {
    const rng = seededRng("voice upload fuzz");
    const body = rawForm([{ name: "audio", filename: "o.ogg", type: "audio/ogg", body: buildOggOpus(0.5) }, { name: "review", body: "true" }]);
    const bodies: Bytes[] = [];
    for (let end = 0; end < body.length; end++) bodies.push(body.subarray(0, end));
    for (const flips of fc.sample(fc.array(fc.record({ at: fc.nat(body.length - 1), bit: fc.nat(7) }), { minLength: 1, maxLength: 3 }), { seed: rng.seed, numRuns: 1500 })) {
      const copy = body.slice();
      for (const { at, bit } of flips) copy[at] = (copy[at] ?? 0) ^ (1 << bit);
      bodies.push(copy);
    }
    const codes = new Map<string, number>();
    for (const [i, hostile] of bodies.entries()) {
      const result = await readVoiceUpload(rawRequest(hostile), LIMITS).catch((thrown: unknown) => {
        throw new Error(`seed ${rng.seed}: body #${i} threw ${String(thrown)}`);
      });
      const code = result.ok ? "ok" : result.error.code;
      expect(["ok", "invalid_request", "too_large", "unsupported_media_type"], `seed ${rng.seed}: body #${i}`).toContain(code);
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    console.log(`[V5] upload fuzz: ${bodies.length} forms, ${JSON.stringify(Object.fromEntries(codes))} (seed ${rng.seed})`);
  });
});
