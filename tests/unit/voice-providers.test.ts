/**
 * V6–V9: the voice providers against faithful fakes of the real servers, with real
 * audio (espeak-ng's WAV of the sentence, and its Ogg made by sox): what
 * each server received (valid audio of the right length, the model, the key), the
 * transcript and speech returned, and failures worded by setting, never by body.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { voiceConfig, type VoiceEnv } from "../../party/voice/config.ts";
import { speechMediaType, voiceProviderFailure, voiceProviders, VoiceProviderError } from "../../party/voice/providers.ts";
import type { Speaker, Transcriber } from "../../party/voice/types.ts";
import { wavSeconds } from "../support/audio-sniff.ts";
import { AURA_MODEL, fakeWorkersAi, MP3_FRAME_BYTES, MP3_FRAME_SECONDS, WHISPER_MODEL } from "../support/fake-workers-ai.ts";
import { requireTool, soxiSeconds, startOpenAiAudioServer, type OpenAiAudioServer } from "../support/openai-audio-server.ts";

const run = promisify(execFile);
const SENTENCE = "remind me to call John tomorrow at 3pm";
const TRANSCRIPT = "Remind me to call John tomorrow at 3pm.";

let dir = "";
let wav = new Uint8Array();
let ogg = new Uint8Array();
let wavLength = 0;

beforeAll(async () => {
  await requireTool("espeak-ng");
  await requireTool("sox");
  dir = await mkdtemp(join(tmpdir(), "voice-providers-"));
  await run("espeak-ng", ["-w", join(dir, "s.wav"), SENTENCE]);
  await run("sox", [join(dir, "s.wav"), join(dir, "s.ogg")]);
  wav = new Uint8Array(await readFile(join(dir, "s.wav")));
  ogg = new Uint8Array(await readFile(join(dir, "s.ogg")));
  const soxi = await soxiSeconds(wav, "wav");
  if (soxi === null) throw new Error("soxi could not read espeak-ng's WAV");
  wavLength = soxi;
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const servers: OpenAiAudioServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function server(opts: Parameters<typeof startOpenAiAudioServer>[0]) {
  const s = await startOpenAiAudioServer(opts);
  servers.push(s);
  return s;
}

function providers(env: Omit<VoiceEnv, "hasAi">, ai?: Ai, maxRetries?: number) {
  const config = voiceConfig({ ...env, hasAi: ai !== undefined });
  return voiceProviders(config, ai ? { AI: ai } : {}, maxRetries === undefined ? {} : { maxRetries });
}
function stt(env: Omit<VoiceEnv, "hasAi">, ai?: Ai, maxRetries?: number): Transcriber {
  const t = providers(env, ai, maxRetries).transcriber;
  if (!t?.ok) throw new Error(`no transcriber: ${JSON.stringify(t)}`);
  return t.value;
}
function tts(env: Omit<VoiceEnv, "hasAi">, ai?: Ai, maxRetries?: number): Speaker {
  const s = providers(env, ai, maxRetries).speaker;
  if (!s?.ok) throw new Error(`no speaker: ${JSON.stringify(s)}`);
  return s.value;
}
async function failure(promise: Promise<unknown>): Promise<VoiceProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof VoiceProviderError)) throw new Error(`expected a VoiceProviderError, got ${String(error)}`);
  return error;
}

describe("OpenAI-compatible speech-to-text", () => {
  it("[V6] sends the espeak WAV as OpenAI's multipart with the model and the key, and returns the transcript", async () => {
    expect(wavLength).toBeGreaterThan(2);
    expect(Math.abs((wavSeconds(wav) ?? 0) - wavLength)).toBeLessThan(0.05);
    const s = await server({ transcript: TRANSCRIPT, apiKey: "sk-test-1" });
    const result = await stt({ STT_PROVIDER: "openai", STT_BASE_URL: s.url, STT_API_KEY: "sk-test-1" }).transcribe(wav, "audio/wav");
    expect(result.text).toBe(TRANSCRIPT);
    expect(s.requests).toHaveLength(1);
    const [got] = s.requests;
    expect(got).toMatchObject({
      path: "/v1/audio/transcriptions",
      model: "whisper-1",
      mediaType: "audio/wav",
      filename: "audio.wav",
      bytes: wav.length,
      responseFormat: "json",
      authorization: "Bearer sk-test-1",
      status: 200,
    });
    // The server's soxi read a valid clip of the spoken sentence's length.
    expect(Math.abs((got?.seconds ?? 0) - wavLength)).toBeLessThan(0.05);
  });

  it("[V6] sends an Ogg as audio/ogg with STT_MODEL, and no Authorization header when there is no key", async () => {
    const s = await server({ transcript: TRANSCRIPT });
    const result = await stt({ STT_PROVIDER: "openai", STT_BASE_URL: s.url, STT_MODEL: "Systran/faster-whisper-small" }).transcribe(ogg, "audio/ogg");
    expect(result.text).toBe(TRANSCRIPT);
    const [got] = s.requests;
    expect(got?.authorization).toBeUndefined();
    expect(got).toMatchObject({ model: "Systran/faster-whisper-small", mediaType: "audio/ogg", filename: "audio.ogg", bytes: ogg.length, responseFormat: "json" });
    expect(Math.abs((got?.seconds ?? 0) - wavLength)).toBeLessThan(0.1);
  });

  it("[V8] a refused key is `STT_API_KEY was refused`, not retried, and the server's body never shows", async () => {
    const s = await server({ transcript: TRANSCRIPT, apiKey: "right" });
    const error = await failure(stt({ STT_PROVIDER: "openai", STT_BASE_URL: s.url, STT_API_KEY: "wrong" }).transcribe(wav, "audio/wav"));
    expect(error.message).toBe("STT_API_KEY was refused by the speech-to-text server at STT_BASE_URL (401)");
    expect(s.requests.map((r) => r.status)).toEqual([401]);
    const app = voiceProviderFailure(error, "transcription");
    expect(app).toEqual({ code: "internal", message: error.message });
    expect(JSON.stringify(app)).not.toMatch(/Incorrect API key|wrong|right/);
  });

  it("[V8] a 500 names the server by its setting; its body and the stack stay out", async () => {
    const s = await server({ transcript: TRANSCRIPT, failStatus: 500 });
    const error = await failure(stt({ STT_PROVIDER: "openai", STT_BASE_URL: s.url }, undefined, 0).transcribe(wav, "audio/wav"));
    expect(error.message).toBe("the speech-to-text server at STT_BASE_URL answered 500");
    expect(error.detail).toMatch(/^status 500/);
    const app = voiceProviderFailure(error, "transcription");
    expect(JSON.stringify(app)).not.toMatch(/Sorry about that|at .*\.ts:\d+|127\.0\.0\.1/);
    expect(s.requests).toHaveLength(1);
  });

  it("[V8] audio the server cannot read is its 400, said as such", async () => {
    const s = await server({ transcript: TRANSCRIPT });
    const cut = wav.slice(0, 44 + 1000);
    new DataView(cut.buffer).setUint32(40, 100_000, true); // the data chunk declares more than is there: truncated
    const error = await failure(stt({ STT_PROVIDER: "openai", STT_BASE_URL: s.url }, undefined, 0).transcribe(cut, "audio/wav"));
    expect(error.message).toBe("the speech-to-text server at STT_BASE_URL answered 400");
    expect(s.requests[0]?.status).toBe(400);
  });

  it("[V8] an aborted signal ends a call the server never answers", async () => {
    const s = await server({ transcript: TRANSCRIPT, hold: true });
    const controller = new AbortController();
    const call = failure(stt({ STT_PROVIDER: "openai", STT_BASE_URL: s.url }).transcribe(wav, "audio/wav", controller.signal));
    await expect.poll(() => s.requests.length).toBe(1);
    controller.abort();
    const error = await call;
    expect(error.message).toBe("the request to the speech-to-text server at STT_BASE_URL was cancelled");
    expect(s.requests).toHaveLength(1); // an abort is not retried
  });

  it("[V8] a signal aborted before the call sends nothing", async () => {
    const s = await server({ transcript: TRANSCRIPT });
    const error = await failure(stt({ STT_PROVIDER: "openai", STT_BASE_URL: s.url }).transcribe(wav, "audio/wav", AbortSignal.abort()));
    expect(error.message).toMatch(/was cancelled$/);
    expect(s.requests).toHaveLength(0);
  });
});

describe("OpenAI-compatible speech", () => {
  it("[V7] asks for WAV with the model and TTS_VOICE, and returns espeak's speech that soxi reads", async () => {
    const s = await server({ transcript: "", apiKey: "k" });
    const speaker = tts({ TTS_PROVIDER: "openai", TTS_BASE_URL: s.url, TTS_API_KEY: "k", TTS_VOICE: "af_heart", TTS_MODEL: "kokoro" });
    const { audio, mediaType } = await speaker.speak("Your task Call John is set for tomorrow at 3 PM.");
    expect(mediaType).toBe("audio/wav");
    expect((await soxiSeconds(audio, "wav")) ?? 0).toBeGreaterThan(1);
    expect(s.requests).toEqual([
      {
        path: "/v1/audio/speech",
        model: "kokoro",
        text: "Your task Call John is set for tomorrow at 3 PM.",
        voice: "af_heart",
        responseFormat: "wav",
        authorization: "Bearer k",
        status: 200,
      },
    ]);
  });

  it("[V7] without TTS_VOICE the default voice is sent (OpenAI requires one)", async () => {
    const s = await server({ transcript: "" });
    await tts({ TTS_PROVIDER: "openai", TTS_BASE_URL: s.url }).speak("Hello.");
    expect(s.requests[0]).toMatchObject({ model: "tts-1", voice: "alloy", status: 200 });
  });

  it("[V7] a 200 that is not WAV or MP3 (a proxy's JSON) is a provider failure, never passed on", async () => {
    const proxy = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "audio/wav" });
      res.end(JSON.stringify({ detail: "upstream said no" }));
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const address = proxy.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      const error = await failure(tts({ TTS_PROVIDER: "openai", TTS_BASE_URL: `http://127.0.0.1:${port}/v1` }, undefined, 0).speak("Hello."));
      expect(error.message).toBe("the speech server at TTS_BASE_URL answered audio that is neither WAV nor MP3");
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it("[V8] a speech server's 503 is worded by TTS_BASE_URL", async () => {
    const s = await server({ transcript: "", failStatus: 503 });
    const error = await failure(tts({ TTS_PROVIDER: "openai", TTS_BASE_URL: s.url }, undefined, 0).speak("Hello."));
    expect(voiceProviderFailure(error, "speech")).toEqual({ code: "internal", message: "the speech server at TTS_BASE_URL answered 503" });
  });
});

describe("Workers AI", () => {
  it("[V6] whisper gets base64 of the exact bytes and its transcript and duration come back", async () => {
    const fake = fakeWorkersAi({ transcript: TRANSCRIPT });
    const transcriber = stt({ STT_PROVIDER: "workers-ai" }, fake.binding);
    expect(transcriber.model).toBe(WHISPER_MODEL);
    const result = await transcriber.transcribe(wav, "audio/wav");
    expect(result.text).toBe(TRANSCRIPT);
    expect(Math.abs((result.seconds ?? 0) - wavLength)).toBeLessThan(0.05);
    expect(fake.calls).toHaveLength(1);
    const [call] = fake.calls;
    expect(call).toMatchObject({ model: WHISPER_MODEL, inputKeys: ["audio"], mediaType: "audio/wav", signal: true, outcome: "ok" });
    expect(call?.audio).toEqual(wav);
  });

  it("[V6] whisper takes the Ogg too: the fake reads its length from the pages, as soxi does", async () => {
    const fake = fakeWorkersAi({ transcript: TRANSCRIPT });
    const result = await stt({ STT_PROVIDER: "workers-ai" }, fake.binding).transcribe(ogg, "audio/ogg");
    expect(result.text).toBe(TRANSCRIPT);
    const soxi = (await soxiSeconds(ogg, "ogg")) ?? 0;
    expect(fake.calls[0]).toMatchObject({ mediaType: "audio/ogg", outcome: "ok" });
    expect(Math.abs((fake.calls[0]?.seconds ?? 0) - soxi)).toBeLessThan(0.01);
    expect(fake.calls[0]?.audio).toEqual(ogg);
    // A cut last page is not audio a server would take.
    const cut = fakeWorkersAi({ transcript: TRANSCRIPT });
    await failure(stt({ STT_PROVIDER: "workers-ai" }, cut.binding, 0).transcribe(ogg.slice(0, ogg.length - 7), "audio/ogg"));
    expect(cut.calls[0]?.outcome).toBe("error");
  });

  it("[V7] aura gets {text, speaker} and answers MP3 frames of about the text's length", async () => {
    const fake = fakeWorkersAi({ transcript: "" });
    const speaker = tts({ TTS_PROVIDER: "workers-ai", TTS_VOICE: "luna" }, fake.binding);
    const text = "Done: Call John tomorrow at 3 PM, with a reminder.";
    const { audio, mediaType } = await speaker.speak(text);
    expect(mediaType).toBe("audio/mpeg");
    expect(fake.calls[0]).toMatchObject({ model: AURA_MODEL, inputKeys: ["speaker", "text"], speaker: "luna", text, returnRawResponse: true, outcome: "ok" });
    // Every frame is a valid MPEG-1 Layer III header (sync, 64 kbit/s, 48 kHz, mono), and together they last ~ text / 15 s.
    expect(audio.length % MP3_FRAME_BYTES).toBe(0);
    for (let at = 0; at < audio.length; at += MP3_FRAME_BYTES) expect([...audio.subarray(at, at + 4)]).toEqual([0xff, 0xfb, 0x54, 0xc0]);
    expect((audio.length / MP3_FRAME_BYTES) * MP3_FRAME_SECONDS).toBeCloseTo(text.length / 15, 1);
  });

  it("[V8] a Workers AI error is worded by STT_MODEL, without the binding's message", async () => {
    const fake = fakeWorkersAi({ transcript: TRANSCRIPT, error: "3040: Capacity temporarily exceeded, please try again." });
    const error = await failure(stt({ STT_PROVIDER: "workers-ai" }, fake.binding, 0).transcribe(wav, "audio/wav"));
    // workers-ai-provider maps Workers AI's error 3040 (capacity) to 429.
    expect(error.message).toBe("Workers AI speech-to-text (STT_MODEL) answered 429");
    expect(error.message).not.toMatch(/Capacity/);
  });

  it("[V8] an aborted signal ends a Workers AI call that never answers", async () => {
    const fake = fakeWorkersAi({ transcript: TRANSCRIPT, hold: true });
    const controller = new AbortController();
    const call = failure(stt({ STT_PROVIDER: "workers-ai" }, fake.binding).transcribe(wav, "audio/wav", controller.signal));
    await expect.poll(() => fake.calls.length).toBe(1);
    controller.abort();
    expect((await call).message).toBe("the request to Workers AI speech-to-text (STT_MODEL) was cancelled");
    expect(fake.calls[0]?.outcome).toBe("aborted");
  });

  it("[V6] the fake refuses what real whisper would: bytes that are not audio", async () => {
    const fake = fakeWorkersAi({ transcript: TRANSCRIPT });
    const error = await failure(stt({ STT_PROVIDER: "workers-ai" }, fake.binding, 0).transcribe(new TextEncoder().encode("not audio at all"), "audio/wav"));
    expect(error.message).toMatch(/^Workers AI speech-to-text \(STT_MODEL\)/);
    expect(fake.calls[0]?.outcome).toBe("error");
  });
});

describe("configuration", () => {
  it("[V9] off by default: no provider, no fake transcript", () => {
    expect(providers({})).toEqual({ transcriber: null, speaker: null });
    expect(providers({ STT_PROVIDER: "none", TTS_PROVIDER: "none" })).toEqual({ transcriber: null, speaker: null });
  });

  it("[V9] a provider set wrong is an error value naming the setting", () => {
    const p = providers({ STT_PROVIDER: "workers-ai", TTS_PROVIDER: "openai" });
    expect(p.transcriber).toEqual({ ok: false, error: { code: "internal", message: "STT_PROVIDER=workers-ai needs the AI binding" } });
    expect(p.speaker).toMatchObject({ ok: false, error: { code: "internal", message: expect.stringContaining("TTS_BASE_URL") } });
    // The binding missing at construction (config said it existed) is caught here too.
    const direct = voiceProviders(voiceConfig({ TTS_PROVIDER: "workers-ai", hasAi: true }), {});
    expect(direct.speaker).toEqual({ ok: false, error: { code: "internal", message: "TTS_PROVIDER=workers-ai needs the AI binding" } });
  });

  it("[V9] production's defaults: Workers AI whisper-large-v3-turbo and aura-1", () => {
    const fake = fakeWorkersAi({ transcript: "" });
    const p = providers({ STT_PROVIDER: "workers-ai", TTS_PROVIDER: "workers-ai" }, fake.binding);
    expect(p.transcriber).toMatchObject({ ok: true, value: { provider: "workers-ai", model: WHISPER_MODEL } });
    expect(p.speaker).toMatchObject({ ok: true, value: { provider: "workers-ai", model: AURA_MODEL } });
  });

  it("[V7] speech's media type comes from the bytes: WAV or MP3, anything else is refused", () => {
    expect(speechMediaType(wav)).toBe("audio/wav");
    expect(speechMediaType(new Uint8Array([0x49, 0x44, 0x33, 4, 0]))).toBe("audio/mpeg");
    expect(speechMediaType(new Uint8Array([0xff, 0xfb, 0x54, 0xc0]))).toBe("audio/mpeg");
    expect(speechMediaType(ogg)).toBeNull();
    expect(speechMediaType(new TextEncoder().encode("{\"error\":\"x\"}"))).toBeNull();
  });

  it("[V8] an error that is not a provider's is still a sentence naming the setting", () => {
    expect(voiceProviderFailure(new Error("boom at x.ts:1"), "transcription")).toEqual({ code: "internal", message: "the speech-to-text provider failed (STT_PROVIDER)" });
  });
});
