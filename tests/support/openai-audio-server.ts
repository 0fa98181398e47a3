/**
 * A local OpenAI-compatible audio server for the tests (what whisper.cpp's server,
 * speaches and Kokoro-FastAPI offer), on 127.0.0.1 at a free port:
 *
 * - `POST /v1/audio/transcriptions`: OpenAI's multipart form — `file` (a file part
 *   with a filename and a type), `model`, optional `response_format` (`json`,
 *   `verbose_json`, `text`), `language`, `prompt`, `temperature`,
 *   `timestamp_granularities[]`. The audio must be real: a known container by its
 *   magic bytes with a length (tests/support/audio-sniff.ts), and for WAV and Ogg
 *   `soxi -D` must read it too; else `400` with OpenAI's error body. Answers
 *   `{text}`, verbose_json `{task, language, duration, text, segments}` or plain text.
 * - `POST /v1/audio/speech`: JSON `{model, input, voice, response_format?, speed?}`;
 *   answers real speech, espeak-ng's WAV of `input` (`audio/wav`). Only `wav` is
 *   made here (the app asks for it); another format is a 400.
 *
 * With `apiKey`, a request without `Authorization: Bearer <apiKey>` is `401` as
 * OpenAI answers it. `failStatus` answers every request with that status (OpenAI's
 * error body); `hold` never answers until the client gives up (abort tests).
 * Needs espeak-ng and sox: without them it throws a clear error (a test fails, never skips).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { sniffAudio } from "./audio-sniff.ts";

const run = promisify(execFile);

export type AudioServerRequest = {
  path: "/v1/audio/transcriptions" | "/v1/audio/speech";
  model: string;
  /** Transcriptions: the file part's type, its filename, size, and length in seconds (soxi -D for WAV/Ogg, else the sniff). */
  mediaType?: string;
  filename?: string;
  bytes?: number;
  seconds?: number;
  responseFormat?: string;
  /** Speech: the text to speak and the voice asked for. */
  text?: string;
  voice?: string;
  /** The Authorization header as received (tests check the key is sent). */
  authorization?: string;
  /** The status the server answered. */
  status: number;
};

export type OpenAiAudioServerOptions = {
  transcript: string;
  apiKey?: string;
  /** Answer every request with this HTTP status and OpenAI's error body (e.g. 500, 503). */
  failStatus?: number;
  /** Never answer (until close): a hung server, for abort tests. */
  hold?: boolean;
};

export type OpenAiAudioServer = { url: string; requests: AudioServerRequest[]; close(): Promise<void> };

/** OpenAI's cap on an upload (25 MiB) plus room for the form's other parts. */
const MAX_BODY = 26_214_400 + 64 * 1024;

const SpeechBodySchema = z.strictObject({
  model: z.string().min(1),
  input: z.string().min(1).max(4_096),
  voice: z.string().min(1),
  response_format: z.enum(["mp3", "opus", "aac", "flac", "wav", "pcm"]).optional(),
  speed: z.number().min(0.25).max(4).optional(),
  instructions: z.string().optional(),
});

/** Throws a clear error when a Debian tool the tests need is missing. */
export async function requireTool(name: "espeak-ng" | "soxi" | "sox"): Promise<void> {
  try {
    await run(name, ["--version"]);
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") {
      throw new Error(`${name} is not installed: the voice tests need Debian's espeak-ng and sox (apt-get install espeak-ng sox)`);
    }
  }
}

/** `soxi -D` of a clip: its length in seconds, or null when sox cannot read it. */
export async function soxiSeconds(bytes: Uint8Array, extension: "wav" | "ogg" | "mp3"): Promise<number | null> {
  const dir = await mkdtemp(join(tmpdir(), "soxi-"));
  try {
    const file = join(dir, `clip.${extension}`);
    await writeFile(file, bytes);
    const { stdout } = await run("soxi", ["-D", file]);
    const seconds = Number(stdout.trim());
    return Number.isFinite(seconds) ? seconds : null;
  } catch {
    return null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** espeak-ng's WAV of `text` (written to a file so the header carries the real sizes). */
async function speak(text: string): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), "espeak-"));
  try {
    const file = join(dir, "speech.wav");
    await run("espeak-ng", ["-w", file, "--", text]);
    return new Uint8Array(await readFile(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function openAiError(res: ServerResponse, status: number, message: string, type: string, code: string | null = null): number {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { message, type, param: null, code } }));
  return status;
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export async function startOpenAiAudioServer(opts: OpenAiAudioServerOptions): Promise<OpenAiAudioServer> {
  await requireTool("espeak-ng");
  await requireTool("soxi");
  const requests: AudioServerRequest[] = [];
  const held = new Set<ServerResponse>();

  async function transcriptions(req: IncomingMessage, res: ServerResponse, body: Buffer, record: AudioServerRequest): Promise<number> {
    const form = await new Request("http://fake/", { method: "POST", headers: { "content-type": req.headers["content-type"] ?? "" }, body: new Uint8Array(body) })
      .formData()
      .catch(() => null);
    if (form === null) return openAiError(res, 400, "Could not parse multipart form", "invalid_request_error");
    const model = form.get("model");
    const file = form.get("file");
    if (typeof model !== "string" || model === "") return openAiError(res, 400, "you must provide a model parameter", "invalid_request_error");
    record.model = model;
    if (!(file instanceof File)) return openAiError(res, 400, "'file' is a required property", "invalid_request_error");
    const format = form.get("response_format") ?? "json";
    if (typeof format !== "string" || !["json", "verbose_json", "text"].includes(format)) {
      return openAiError(res, 400, `'${String(format)}' is not one of ['json', 'text', 'verbose_json'] - 'response_format'`, "invalid_request_error");
    }
    record.responseFormat = format;
    const audio = new Uint8Array(await file.arrayBuffer());
    Object.assign(record, { mediaType: file.type, filename: file.name, bytes: audio.length });
    // OpenAI names the format from the filename's extension: a file without one is refused.
    const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase();
    const accepted = ["flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm"];
    if (extension === undefined || !accepted.includes(extension)) {
      return openAiError(res, 400, `Invalid file format. Supported formats: ${JSON.stringify(accepted)}`, "invalid_request_error");
    }
    const sniffed = sniffAudio(audio);
    if (!sniffed.ok) return openAiError(res, 400, "Audio file might be corrupted or unsupported", "invalid_request_error", "invalid_value");
    let seconds = sniffed.seconds;
    if (sniffed.mediaType === "audio/wav" || sniffed.mediaType === "audio/ogg") {
      const soxi = await soxiSeconds(audio, sniffed.mediaType === "audio/wav" ? "wav" : "ogg");
      if (soxi === null || soxi <= 0) return openAiError(res, 400, "Audio file might be corrupted or unsupported", "invalid_request_error", "invalid_value");
      seconds = soxi;
    }
    record.seconds = seconds;
    if (seconds < 0.1) return openAiError(res, 400, "Audio file is too short. Minimum audio length is 0.1 seconds.", "invalid_request_error", "audio_too_short");
    if (format === "text") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.end(`${opts.transcript}\n`);
      return 200;
    }
    const answer =
      format === "verbose_json"
        ? {
            task: "transcribe",
            language: "english",
            duration: seconds,
            text: opts.transcript,
            segments: [
              { id: 0, seek: 0, start: 0, end: seconds, text: opts.transcript, tokens: [50364], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.1, no_speech_prob: 0.01 },
            ],
          }
        : { text: opts.transcript };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(answer));
    return 200;
  }

  async function speech(res: ServerResponse, body: Buffer, record: AudioServerRequest): Promise<number> {
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      return openAiError(res, 400, "We could not parse the JSON body of your request.", "invalid_request_error");
    }
    const parsed = SpeechBodySchema.safeParse(json);
    if (!parsed.success) return openAiError(res, 400, `Invalid request: ${parsed.error.issues[0]?.path.join(".") ?? ""} ${parsed.error.issues[0]?.message ?? ""}`, "invalid_request_error");
    Object.assign(record, { model: parsed.data.model, text: parsed.data.input, voice: parsed.data.voice, responseFormat: parsed.data.response_format ?? "mp3" });
    if ((parsed.data.response_format ?? "mp3") !== "wav") return openAiError(res, 400, "this test server speaks only response_format wav", "invalid_request_error");
    const wav = await speak(parsed.data.input);
    res.writeHead(200, { "content-type": "audio/wav", "content-length": String(wav.length) });
    res.end(wav);
    return 200;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    if (req.method !== "POST" || (path !== "/v1/audio/transcriptions" && path !== "/v1/audio/speech")) {
      openAiError(res, 404, `Invalid URL (${req.method ?? "GET"} ${path})`, "invalid_request_error");
      return;
    }
    const record: AudioServerRequest = { path, model: "", status: 0, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) };
    requests.push(record);
    const body = await readBody(req);
    if (opts.hold) {
      held.add(res);
      return;
    }
    if (body === null) {
      record.status = openAiError(res, 413, "Maximum content size limit (26214400) exceeded.", "invalid_request_error");
      return;
    }
    if (opts.apiKey !== undefined && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      record.status = openAiError(res, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
      return;
    }
    if (opts.failStatus !== undefined) {
      record.status = openAiError(res, opts.failStatus, "The server had an error while processing your request. Sorry about that!", "server_error");
      return;
    }
    record.status = path === "/v1/audio/transcriptions" ? await transcriptions(req, res, body, record) : await speech(res, body, record);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) openAiError(res, 500, "The test server failed", "server_error");
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
