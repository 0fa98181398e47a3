/**
 * V5: a streaming multipart/form-data reader (RFC 7578, RFC 2046 §5.1). The
 * platform's `Request.formData()` reads the whole body before it says a word;
 * the voice upload must refuse a clip whose header declares too long a length
 * as soon as that header arrives (V1), so the body is parsed as it streams and
 * each part's bytes are handed on while they come.
 *
 * Memory stays bounded: in a part's body only a tail that may start the
 * delimiter is held back (at most its length − 1 bytes), a part's headers are
 * capped, and the preamble is dropped as it is scanned.
 */
import { fail, ok, type Result } from "../../shared/errors.ts";

/** A part's head: its form field name, its filename when it is a file, and its declared type. */
export type PartHead = { name: string; filename: string | null; contentType: string | null };
/** Where a part's bytes go; an error value stops the reading at once. */
export type PartSink = { data(chunk: Uint8Array): Result<void>; end(): Result<void> };

/** A part's headers may not pass this (a browser writes about 120 bytes). */
export const MAX_PART_HEADER_BYTES = 4 * 1024;

const CRLF = new Uint8Array([13, 10]);
const CRLF2 = new Uint8Array([13, 10, 13, 10]);
const encode = (text: string) => new TextEncoder().encode(text);

/** The first index of `needle` in `hay` from `from`, or -1 (a native scan for its first byte, then a compare). */
export function indexOf(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  if (first === undefined) return from;
  for (let at = hay.indexOf(first, from); at !== -1 && at + needle.length <= hay.length; at = hay.indexOf(first, at + 1)) {
    let i = 1;
    while (i < needle.length && hay[at + i] === needle[i]) i++;
    if (i === needle.length) return at;
  }
  return -1;
}

const join = (a: Uint8Array, b: Uint8Array) => {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** The boundary of a `multipart/form-data; boundary=…` header (RFC 2046: 1–70 characters), or null. */
export function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))\s*(?:;|$)/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2] ?? null;
  return boundary !== null && /^[0-9A-Za-z'()+_,\-./:=? ]*[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary) ? boundary : null;
}

const bad = (message: string): Result<never> => fail("invalid_request", message);

/** A part's headers: `Content-Disposition: form-data; name="…"; filename="…"` and `Content-Type`. */
function parseHead(bytes: Uint8Array): Result<PartHead> {
  const lines = new TextDecoder().decode(bytes).split("\r\n");
  let disposition: string | null = null;
  let contentType: string | null = null;
  for (const line of lines) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) return bad("a part of the form has a malformed header");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-disposition") disposition = value;
    else if (name === "content-type") contentType = value;
  }
  if (disposition === null || !/^form-data\s*(;|$)/i.test(disposition)) return bad("a part of the form has no Content-Disposition: form-data header");
  const params = new Map<string, string>();
  for (const match of disposition.matchAll(/;\s*([A-Za-z0-9_*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g)) {
    const raw = (match[2] ?? "").trim();
    params.set((match[1] ?? "").toLowerCase(), raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw);
  }
  const name = params.get("name");
  if (!name) return bad("a part of the form has no name");
  const filename = params.get("filename") ?? params.get("filename*") ?? null;
  return ok({ name, filename, contentType });
}

type State = "preamble" | "boundary" | "headers" | "body" | "done";

/**
 * Feed it the body's chunks with `push`, then `end`. `onPart` answers each part's head with where
 * its bytes go, or an error value that stops the reading.
 */
export class MultipartReader {
  #delimiter: Uint8Array;
  // A virtual CRLF before the body, so the first boundary is found like every other one.
  #buffer: Uint8Array = CRLF;
  #state: State = "preamble";
  #sink: PartSink | null = null;
  #onPart: (head: PartHead) => Result<PartSink>;

  constructor(boundary: string, onPart: (head: PartHead) => Result<PartSink>) {
    this.#delimiter = encode(`\r\n--${boundary}`);
    this.#onPart = onPart;
  }

  get done(): boolean {
    return this.#state === "done";
  }

  push(chunk: Uint8Array): Result<void> {
    if (this.#state === "done") return ok(undefined); // the epilogue is ignored (RFC 2046)
    this.#buffer = join(this.#buffer, chunk);
    for (;;) {
      const step = this.#step();
      if (!step.ok) return step;
      if (!step.value) return ok(undefined);
    }
  }

  end(): Result<void> {
    return this.#state === "done" ? ok(undefined) : bad("the form ends before its closing boundary: send the whole form");
  }

  /**
   * How many of the buffered body bytes surely precede the next delimiter: all but a tail that is a
   * start of the delimiter (at most its length − 1 bytes, beginning with CR). Handing on the rest at once
   * lets the clip's header be checked as soon as it arrives.
   */
  #undelimited(keep: number): number {
    const buffer = this.#buffer;
    for (let at = buffer.indexOf(13, Math.max(0, buffer.length - keep)); at !== -1; at = buffer.indexOf(13, at + 1)) {
      let i = 1;
      while (at + i < buffer.length && buffer[at + i] === this.#delimiter[i]) i++;
      if (at + i === buffer.length) return at;
    }
    return buffer.length;
  }

  /** One move of the state machine; true when it may move again on what is buffered. */
  #step(): Result<boolean> {
    const keep = this.#delimiter.length - 1;
    switch (this.#state) {
      case "preamble": {
        const at = indexOf(this.#buffer, this.#delimiter);
        if (at === -1) {
          this.#buffer = this.#buffer.subarray(Math.max(0, this.#buffer.length - keep));
          return ok(false);
        }
        this.#buffer = this.#buffer.subarray(at + this.#delimiter.length);
        this.#state = "boundary";
        return ok(true);
      }
      case "boundary": {
        if (this.#buffer.length < 2) return ok(false);
        if (this.#buffer[0] === 45 && this.#buffer[1] === 45) {
          this.#state = "done";
          this.#buffer = new Uint8Array();
          return ok(false);
        }
        const at = indexOf(this.#buffer, CRLF);
        if (at === -1) return this.#buffer.length > 256 ? bad("a boundary line of the form is malformed") : ok(false);
        // Transport padding (spaces, tabs) may follow a boundary; nothing else may.
        if (this.#buffer.subarray(0, at).some((byte) => byte !== 32 && byte !== 9)) return bad("a boundary line of the form is malformed");
        this.#buffer = this.#buffer.subarray(at + 2);
        this.#state = "headers";
        return ok(true);
      }
      case "headers": {
        const bare = this.#buffer[0] === 13 && this.#buffer[1] === 10;
        const at = bare ? 0 : indexOf(this.#buffer.subarray(0, MAX_PART_HEADER_BYTES + 4), CRLF2);
        if (at === -1) return this.#buffer.length > MAX_PART_HEADER_BYTES ? bad("a part's headers are too long") : ok(false);
        const head = parseHead(this.#buffer.subarray(0, at));
        if (!head.ok) return head;
        const sink = this.#onPart(head.value);
        if (!sink.ok) return sink;
        this.#sink = sink.value;
        this.#buffer = this.#buffer.subarray(at + (bare ? 2 : 4));
        this.#state = "body";
        return ok(true);
      }
      case "body": {
        const sink = this.#sink;
        if (sink === null) throw new Error("MultipartReader: a body without its part's sink; #step must set it in 'headers'");
        const at = indexOf(this.#buffer, this.#delimiter);
        if (at === -1) {
          const safe = this.#undelimited(keep);
          if (safe > 0) {
            const sent = sink.data(this.#buffer.subarray(0, safe));
            if (!sent.ok) return sent;
            this.#buffer = this.#buffer.slice(safe);
          }
          return ok(false);
        }
        const sent = at > 0 ? sink.data(this.#buffer.subarray(0, at)) : ok(undefined);
        if (!sent.ok) return sent;
        const ended = sink.end();
        if (!ended.ok) return ended;
        this.#sink = null;
        this.#buffer = this.#buffer.subarray(at + this.#delimiter.length);
        this.#state = "boundary";
        return ok(true);
      }
      case "done":
        return ok(false);
      default: {
        const never: never = this.#state;
        throw new Error(`MultipartReader: unknown state ${String(never)}`);
      }
    }
  }
}
