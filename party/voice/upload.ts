/**
 * V1, V5: `POST /api/v1/voice-upload`, read with its caps. The body is a
 * multipart/form-data form, parsed as it streams (party/voice/multipart.ts), so
 * every cap is checked before the whole clip is read: the Content-Length
 * first, then the bytes as they arrive, and the clip's own header as soon as it
 * is here — a WAV, or an MP4 with its moov first, that declares more than the
 * longest clip is refused before the rest is read. The clip is then probed
 * whole (party/voice/audio.ts): its container by its bytes, its length.
 */
import { fail, ok, type Result } from "../../shared/errors.ts";
import { VOICE_FORMAT_NAMES, voiceMediaTypeOf, type VoiceMediaType } from "../../shared/voice.ts";
import { unsupported } from "./audio-bytes.ts";
import { declaredSeconds, probeAudio, sniffContainer } from "./audio.ts";
import { boundaryOf, MultipartReader, type PartHead, type PartSink } from "./multipart.ts";
import type { VoiceUpload } from "./types.ts";

export type UploadLimits = { maxBytes: number; maxSeconds: number };

/** V1: what a form may add around its clip (boundaries, part headers, the small fields). */
export const FORM_OVERHEAD_BYTES = 16 * 1024;
/** V1: how much of a clip's start is searched for a declared length (a moov of a two-minute clip is a few KiB). */
export const EARLY_PROBE_BYTES = 256 * 1024;
/** V5: the form's small fields, each at most this long. */
const MAX_FIELD_BYTES = 256;
const CONVERSATION_ID = /^[A-Za-z0-9-]{1,64}$/;
const FIELDS = ["audio", "conversationId", "review"] as const;
type Field = (typeof FIELDS)[number];
const isField = (name: string): name is Field => (FIELDS as readonly string[]).includes(name);

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
const tooBig = (limits: UploadLimits) => fail("too_large", `the recording is larger than ${mib(limits.maxBytes)}`);
const tooLong = (limits: UploadLimits) => fail("too_large", `the recording is longer than ${limits.maxSeconds} seconds`);
const bad = (message: string): Result<never> => fail("invalid_request", message);

/** The audio part: collected in one buffer grown by doubling, its start checked as soon as it is here (V1, V2). */
class AudioSink implements PartSink {
  bytes: Uint8Array;
  size = 0;
  #decided = false;
  /** The prefix is looked at again only once it has doubled, so a clip sent a byte at a time costs O(n log n), not O(n²). */
  #nextLook = 12;
  readonly declared: VoiceMediaType | null;
  readonly limits: UploadLimits;
  /** `sizeHint`: the body's Content-Length: the buffer is sized from it at once, so a clip is not copied as it grows. */
  constructor(declared: VoiceMediaType | null, limits: UploadLimits, sizeHint: number) {
    this.declared = declared;
    this.limits = limits;
    this.bytes = new Uint8Array(Math.min(limits.maxBytes, Math.max(64 * 1024, Number.isFinite(sizeHint) ? sizeHint : 0)));
  }

  /** The clip: a view when the buffer is (nearly) all clip, else a copy, so no more than 64 KiB is held for nothing. */
  clip(): Uint8Array {
    return this.bytes.length - this.size <= 64 * 1024 ? this.bytes.subarray(0, this.size) : this.bytes.slice(0, this.size);
  }

  data(chunk: Uint8Array): Result<void> {
    if (this.size + chunk.length > this.limits.maxBytes) return tooBig(this.limits);
    if (this.size + chunk.length > this.bytes.length) {
      const grown = new Uint8Array(Math.min(this.limits.maxBytes, Math.max(this.bytes.length * 2, this.size + chunk.length)));
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.bytes.set(chunk, this.size);
    this.size += chunk.length;
    return this.#early();
  }

  end(): Result<void> {
    return ok(undefined);
  }

  /** V1, V2: not audio, or declared too long, is refused from the clip's first bytes. */
  #early(): Result<void> {
    if (this.#decided || this.size < this.#nextLook) return ok(undefined);
    this.#nextLook = this.size * 2;
    const head = this.bytes.subarray(0, this.size);
    const container = sniffContainer(head);
    if (container === null) return unsupported();
    if (container === "short") return ok(undefined);
    if (this.declared !== null && this.declared !== container) return unsupportedAs(this.declared, head);
    const seconds = declaredSeconds(head);
    if (seconds !== null && seconds > this.limits.maxSeconds) return tooLong(this.limits);
    this.#decided = seconds !== null || this.size >= EARLY_PROBE_BYTES;
    return ok(undefined);
  }
}

/** The 415 a declared type the bytes contradict gets, worded by the probe. */
function unsupportedAs(declared: VoiceMediaType, head: Uint8Array): Result<never> {
  const probe = probeAudio(head, declared);
  return probe.ok ? unsupported() : fail(probe.error.code, probe.error.message);
}

/** A small text field (`conversationId`, `review`): UTF-8, capped. */
class FieldSink implements PartSink {
  #bytes: number[] = [];
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  data(chunk: Uint8Array): Result<void> {
    if (this.#bytes.length + chunk.length > MAX_FIELD_BYTES) return bad(`${this.name} is longer than ${MAX_FIELD_BYTES} bytes`);
    this.#bytes.push(...chunk);
    return ok(undefined);
  }
  end(): Result<void> {
    return ok(undefined);
  }
  text(): string | null {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(this.#bytes));
    } catch {
      return null;
    }
  }
}

/** V2: the part's Content-Type as one of V2's containers; null when none or `application/octet-stream` (the bytes decide). */
function declaredType(head: PartHead): Result<VoiceMediaType | null> {
  const bare = (head.contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (bare === "" || bare === "application/octet-stream") return ok(null);
  const type = voiceMediaTypeOf(bare);
  return type === null ? unsupported(`the audio was sent as ${bare}, which is not`) : ok(type);
}

/** The multipart body's `audio`, `conversationId` and `review`, checked; typed errors 400/413/415 (V1–V5). */
export async function readVoiceUpload(request: Request, limits: UploadLimits): Promise<Result<VoiceUpload>> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*(;|$)/i.test(contentType.trim()))
    return fail("unsupported_media_type", `send the recording as multipart/form-data, the file in the field "audio" (${VOICE_FORMAT_NAMES})`);
  const boundary = boundaryOf(contentType);
  if (boundary === null) return bad("the multipart/form-data content-type needs a boundary");
  const maxBody = limits.maxBytes + FORM_OVERHEAD_BYTES;
  const length = request.headers.get("content-length");
  if (length !== null && Number(length) > maxBody) return tooBig(limits);
  if (!request.body) return bad('the form has no "audio" file');

  const sinks = new Map<Field, AudioSink | FieldSink>();
  const form = new MultipartReader(boundary, (head): Result<PartSink> => {
    if (!isField(head.name)) return bad(`the form has an unknown field "${head.name.slice(0, 64)}": it takes audio, conversationId and review`);
    if (sinks.has(head.name)) return bad(`the form has more than one "${head.name}"`);
    let sink: AudioSink | FieldSink;
    if (head.name === "audio") {
      if (head.filename === null) return bad('"audio" must be a file');
      const declared = declaredType(head);
      if (!declared.ok) return declared;
      sink = new AudioSink(declared.value, limits, Number(length ?? 0));
    } else {
      if (head.filename !== null) return bad(`"${head.name}" must be a plain field, not a file`);
      sink = new FieldSink(head.name);
    }
    sinks.set(head.name, sink);
    return ok(sink);
  });

  const reader = request.body.getReader();
  let read = 0;
  try {
    while (!form.done) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch {
        return bad("the upload was interrupted");
      }
      if (next.done) break;
      read += next.value.byteLength;
      if (read > maxBody) return tooBig(limits);
      const pushed = form.push(next.value);
      if (!pushed.ok) return pushed;
    }
  } finally {
    // Stops the client's upload where it is, whatever ended the reading (an answer, a refusal, the closing boundary).
    await reader.cancel().catch(() => {});
  }
  const ended = form.end();
  if (!ended.ok) return ended;
  return finish(sinks, limits);
}

function finish(sinks: Map<Field, AudioSink | FieldSink>, limits: UploadLimits): Result<VoiceUpload> {
  const audio = sinks.get("audio");
  if (!(audio instanceof AudioSink)) return bad('the form has no "audio" file');
  const fields: Partial<Record<"conversationId" | "review", string>> = {};
  for (const name of ["conversationId", "review"] as const) {
    const sink = sinks.get(name);
    if (!(sink instanceof FieldSink)) continue;
    const text = sink.text();
    if (text === null) return bad(`${name} is not valid UTF-8`);
    fields[name] = text;
  }
  if (fields.conversationId !== undefined && !CONVERSATION_ID.test(fields.conversationId))
    return bad("conversationId must be 1–64 letters, digits or hyphens");
  if (fields.review !== undefined && fields.review !== "true" && fields.review !== "false") return bad('review must be "true" or "false"');
  const bytes = audio.clip();
  const info = probeAudio(bytes, audio.declared);
  if (!info.ok) return info;
  if (info.value.seconds > limits.maxSeconds) return tooLong(limits);
  return ok({
    audio: bytes,
    info: info.value,
    ...(fields.conversationId !== undefined ? { conversationId: fields.conversationId } : {}),
    review: fields.review === "true",
  });
}
