/**
 * Push-to-talk's plain parts (docs/PROTOCOL.md W115–W119), in Node: the
 * recorder's format choice and error sentences, which path the button takes
 * (server, browser, none), the browser recognition's interim/final/error
 * handling against a scripted recognizer, which voice jobs a device shows, and
 * the `voice.job.*` events folded into the cached state on every device.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { type BrainState, BrainStateSchema } from "../../shared/api.ts";
import { LedgerEventSchema, type LedgerEvent } from "../../shared/events.ts";
import type { VoiceJobRecord } from "../../shared/voice.ts";
import { asSentence, failureText, jobsShown } from "../../web/components/chat/voice-jobs.tsx";
import { chatRows } from "../../web/components/chat/chat-rows.ts";
import * as voiceUpload from "../../web/lib/voice/voice-upload.ts";
import { discardVoiceJob, uploadVoice } from "../../web/lib/voice/voice-upload.ts";
import { voiceCapabilitiesQuery } from "../../web/lib/voice/voice-capabilities.ts";
import { applyEvents } from "../../web/lib/state-events.ts";
import { listen, type Recognition, type RecognitionErrorEvent, type RecognitionResultEvent, recognitionConstructor, recognitionErrorText } from "../../web/lib/voice/browser-recognition.ts";
import { formatElapsed, MicError, micProblemOf, micProblemText, pickRecorderType, RECORDER_TYPES, recordFrom } from "../../web/lib/voice/recorder.ts";
import { BROWSER_NOTE, NONE_NOTE, voicePath } from "../../web/lib/voice/use-push-to-talk.ts";
import { FakeRoom } from "../support/fake-room.ts";

describe("Web — push-to-talk, the recorder", () => {
  it("[W115] the first container the browser records that the server accepts: WebM/Opus, then Ogg/Opus, then MP4", () => {
    expect(pickRecorderType(() => true)).toBe("audio/webm;codecs=opus");
    expect(pickRecorderType((t) => t !== RECORDER_TYPES[0])).toBe("audio/ogg;codecs=opus");
    expect(pickRecorderType((t) => t === "audio/mp4")).toBe("audio/mp4");
    expect(pickRecorderType((t) => t === "audio/x-unknown")).toBeNull();
  });

  it("[W117] getUserMedia's failures by name, each a sentence with its fix", () => {
    const named = (name: string) => Object.assign(new Error("whatever the browser says"), { name });
    expect(micProblemOf(named("NotAllowedError"))).toBe("denied");
    expect(micProblemOf(named("NotFoundError"))).toBe("no-device");
    expect(micProblemOf(named("NotReadableError"))).toBe("busy");
    expect(micProblemOf(named("TypeError"))).toBe("failed");
    expect(micProblemOf("not an error")).toBe("failed");
    expect(micProblemText("denied")).toMatch(/blocked for this site.*site settings/);
    expect(micProblemText("no-device")).toMatch(/No microphone was found/);
    expect(micProblemText("insecure")).toMatch(/https:\/\//);
  });

  it("[W117] a recorder that cannot be made or started releases the microphone (tracks stopped, meter closed) and says so", () => {
    const tracks = [{ stopped: false, stop() { this.stopped = true; } }];
    const stream = { getTracks: () => tracks } as unknown as MediaStream;
    let closed = 0;
    const meter = () => ({ level: () => 0, close: () => void closed++ });
    expect(() => recordFrom(stream, "audio/webm;codecs=opus", () => { throw new DOMException("nope", "NotSupportedError"); }, meter)).toThrow(MicError);
    expect(tracks[0]!.stopped).toBe(true);
    expect(closed).toBe(1);
    const unstartable = { addEventListener() {}, start() { throw new DOMException("bad state", "InvalidStateError"); } } as unknown as MediaRecorder;
    tracks[0]!.stopped = false;
    expect(() => recordFrom(stream, "audio/webm;codecs=opus", () => unstartable, meter)).toThrow(/could not be started/);
    expect(tracks[0]!.stopped).toBe(true);
    expect(closed).toBe(2);
  });

  it("[W115] the elapsed time reads m:ss", () => {
    expect([0, 0.99, 3.2, 59.9, 60, 120].map(formatElapsed)).toEqual(["0:00", "0:00", "0:03", "0:59", "1:00", "2:00"]);
  });
});

describe("Web — push-to-talk, the path it takes", () => {
  it("[W118] the server when it transcribes (or before it has said); else the browser's recognition, else an explanation — never a fake", () => {
    expect(voicePath("yes", [], false)).toEqual({ via: "server" });
    expect(voicePath("unknown", [], false)).toEqual({ via: "server" });
    expect(voicePath("no", [], true)).toEqual({ via: "browser", note: BROWSER_NOTE });
    expect(voicePath("no", [], false)).toEqual({ via: "none", note: NONE_NOTE });
    expect(BROWSER_NOTE).toContain("Server voice needs a speech-to-text provider (STT_PROVIDER); using your browser's speech recognition");
    expect(voicePath("no", ["STT_BASE_URL is not a URL."], true)).toEqual({ via: "browser", note: `STT_BASE_URL is not a URL. ${BROWSER_NOTE}` });
  });

  it("[W118] the recognition constructor: the standard name, else Chrome's prefixed one, else none", () => {
    class A {}
    class B {}
    expect(recognitionConstructor({ SpeechRecognition: A, webkitSpeechRecognition: B })).toBe(A);
    expect(recognitionConstructor({ webkitSpeechRecognition: B })).toBe(B);
    expect(recognitionConstructor({ webkitSpeechRecognition: "not a constructor" })).toBeNull();
    expect(recognitionConstructor({})).toBeNull();
  });
});

/** A recognizer driven by the test: the last one made is `made`. */
function scripted() {
  const made: Scripted[] = [];
  class Scripted implements Recognition {
    lang = "";
    continuous = false;
    interimResults = false;
    onresult: ((event: RecognitionResultEvent) => void) | null = null;
    onerror: ((event: RecognitionErrorEvent) => void) | null = null;
    onend: (() => void) | null = null;
    calls: string[] = [];
    constructor() {
      made.push(this);
    }
    start() {
      this.calls.push("start");
    }
    stop() {
      this.calls.push("stop");
    }
    abort() {
      this.calls.push("abort");
    }
    hear(index: number, parts: { text: string; final: boolean }[]) {
      this.onresult?.({ resultIndex: index, results: parts.map((p) => Object.assign([{ transcript: p.text }], { isFinal: p.final })) });
    }
  }
  return { Scripted, made };
}

function handlers() {
  const seen = { interim: [] as string[], final: [] as string[], errors: [] as string[] };
  return { seen, on: { onInterim: (t: string) => seen.interim.push(t), onFinal: (t: string) => seen.final.push(t), onError: (_m: string, code: string) => seen.errors.push(code) } };
}

describe("Web — the browser's speech recognition", () => {
  it("[W118] interim text shown as it comes; the final parts joined and given once when it ends", () => {
    const { Scripted, made } = scripted();
    const { seen, on } = handlers();
    const listening = listen(Scripted, on, "en-GB");
    const r = made[0]!;
    expect([r.lang, r.continuous, r.interimResults, r.calls]).toEqual(["en-GB", true, true, ["start"]]);
    r.hear(0, [{ text: "remind me", final: false }]);
    r.hear(0, [{ text: "remind me to call John", final: true }, { text: " tomorrow", final: false }]);
    listening.stop();
    r.hear(1, [{ text: "remind me to call John", final: true }, { text: "tomorrow at 3pm", final: true }]);
    r.onend?.();
    expect(seen.interim).toEqual(["remind me", "remind me to call John tomorrow", "remind me to call John tomorrow at 3pm"]);
    expect(seen.final).toEqual(["remind me to call John tomorrow at 3pm"]);
    expect(r.calls).toEqual(["start", "stop"]);
  });

  it("[W118] cancel aborts and sends nothing; an error is explained and sends nothing", () => {
    const { Scripted, made } = scripted();
    const cancelled = handlers();
    listen(Scripted, cancelled.on).cancel();
    made[0]!.hear(0, [{ text: "half a sentence", final: true }]);
    made[0]!.onerror?.({ error: "aborted" });
    made[0]!.onend?.();
    expect(made[0]!.calls).toEqual(["start", "abort"]);
    expect([cancelled.seen.final, cancelled.seen.errors]).toEqual([[], []]);

    const failed = handlers();
    listen(Scripted, failed.on);
    made[1]!.onerror?.({ error: "not-allowed" });
    made[1]!.onend?.();
    expect([failed.seen.final, failed.seen.errors]).toEqual([[], ["not-allowed"]]);
  });

  it("[W118] each error code in words", () => {
    expect(recognitionErrorText("not-allowed")).toMatch(/Microphone access is blocked/);
    expect(recognitionErrorText("network")).toMatch(/online service it could not reach/);
    expect(recognitionErrorText("no-speech")).toMatch(/No speech was heard/);
    expect(recognitionErrorText("something-new")).toMatch(/stopped with an error/);
  });
});

const job = (over: Partial<VoiceJobRecord> & { id: string }): VoiceJobRecord => ({
  status: "queued",
  review: false,
  deviceId: "laptop",
  mediaType: "audio/webm",
  bytes: 1000,
  seconds: 3,
  createdAt: "2026-12-07T07:00:00.000Z",
  updatedAt: "2026-12-07T07:00:00.000Z",
  ...over,
});

describe("Web — voice jobs above the composer", () => {
  const now = Date.parse("2026-12-07T07:10:00.000Z");
  const jobs = [
    job({ id: "q", status: "queued", createdAt: "2026-12-07T07:00:03.000Z" }),
    job({ id: "t", status: "transcribing", deviceId: "phone", createdAt: "2026-12-07T07:00:02.000Z" }),
    job({ id: "review-mine", status: "done", review: true, transcript: "hi", createdAt: "2026-12-07T07:00:01.000Z" }),
    job({ id: "review-phone", status: "done", review: true, transcript: "hi", deviceId: "phone" }),
    job({ id: "reviewed", status: "done", review: true, transcript: "hi", messageId: "m1" }),
    job({ id: "sent", status: "done", transcript: "hi", messageId: "m2" }),
    job({ id: "failed", status: "failed", error: { code: "internal", message: "no speech was heard" }, updatedAt: "2026-12-07T07:05:00.000Z" }),
    job({ id: "failed-long-ago", status: "failed", error: { code: "internal", message: "x" }, updatedAt: "2026-12-07T05:00:00.000Z" }),
    job({ id: "elsewhere", status: "queued", conversationId: "c-other" }),
  ];

  it("[W119] in progress on every device; a review only on the device that recorded it, until sent; a recent failure; oldest first", () => {
    expect(jobsShown(jobs, "main", "laptop", new Set(), now).map((j) => j.id)).toEqual(["failed", "review-mine", "t", "q"]);
    expect(jobsShown(jobs, "main", "phone", new Set(), now).map((j) => j.id)).toEqual(["review-phone", "failed", "t", "q"]);
    expect(jobsShown(jobs, "c-other", "laptop", new Set(), now).map((j) => j.id)).toEqual(["elsewhere"]);
  });

  it("[W119] a failure's reason reads as a sentence", () => {
    expect(asSentence("the speech-to-text server at STT_BASE_URL failed")).toBe("The speech-to-text server at STT_BASE_URL failed.");
    expect(asSentence("No speech was heard!")).toBe("No speech was heard!");
    expect(asSentence("  ")).toBe("");
  });

  it("[W119] a job discarded (failed, code cancelled — on any device) shows nowhere", () => {
    const discarded = job({ id: "gone", status: "failed", error: { code: "cancelled", message: "discarded" }, updatedAt: "2026-12-07T07:09:00.000Z" });
    expect(jobsShown([discarded], "main", "laptop", new Set(), now)).toEqual([]);
    expect(jobsShown([discarded], "main", "phone", new Set(), now)).toEqual([]);
  });

  it("[W119] a failure in the user's words; the server's sentence (the setting it names) only as the detail", () => {
    const text = failureText({ code: "internal", message: "the speech-to-text server at STT_BASE_URL answered 500" });
    expect(text.headline).toBe("Couldn't transcribe — the speech service didn't answer. Try again.");
    expect(text.headline).not.toMatch(/STT_/);
    expect(text.detail).toBe("The speech-to-text server at STT_BASE_URL answered 500.");
    expect(failureText({ code: "rate_limited", message: "x" }).headline).toMatch(/voice limit/);
  });

  it("[W119] a job discarded or dismissed on this device is hidden here", () => {
    expect(jobsShown(jobs, "main", "laptop", new Set(["review-mine", "failed"]), now).map((j) => j.id)).toEqual(["t", "q"]);
  });
});

describe("Web — voice jobs folded from the ledger", () => {
  it("[W119] queued → transcribing → done → sent, and a failure, reach the cached state live (newest first); voice seconds count", async () => {
    const room = new FakeRoom();
    const res = await room.room.request(new Request("http://room.test/api/v1/state"), "req-state");
    const start: BrainState = BrainStateSchema.parse(await res.json());
    const at = (s: number) => new Date(Date.parse("2026-12-07T07:00:00.000Z") + s * 1000).toISOString();
    const base = start.lastEventSeq;
    const event = (seq: number, body: unknown): LedgerEvent =>
      LedgerEventSchema.parse({ id: `e${seq}`, seq: base + seq, ts: at(seq), actor: { kind: "system" }, correlationId: "r", ...(body as object) });
    const events = [
      event(1, { type: "voice.job.queued", payload: { job: job({ id: "a", createdAt: at(1), updatedAt: at(1) }) } }),
      event(2, { type: "voice.job.queued", payload: { job: job({ id: "b", review: true, createdAt: at(2), updatedAt: at(2) }) } }),
      event(3, { type: "voice.job.transcribing", payload: { jobId: "a" } }),
      event(4, { type: "voice.job.done", payload: { jobId: "b", transcript: "remind me", seconds: 2.7 } }),
      event(5, { type: "voice.job.failed", payload: { jobId: "a", code: "internal", message: "no speech was heard" } }),
      event(6, { type: "voice.job.sent", payload: { jobId: "b", messageId: "m1" } }),
      event(7, { type: "voice.used", payload: { day: start.usage.day, kind: "transcription", seconds: 2.7, tokens: 135 } }),
    ];
    const steps = events.map((_, i) => applyEvents(start, events.slice(0, i + 1).map((e) => ({ seq: e.seq, event: e })), room.clock));
    expect(steps[0]?.voiceJobs?.map((j) => [j.id, j.status])).toEqual([["a", "queued"]]);
    expect(steps[2]?.voiceJobs?.map((j) => [j.id, j.status])).toEqual([["b", "queued"], ["a", "transcribing"]]);
    expect(steps[3]?.voiceJobs?.[0]).toMatchObject({ id: "b", status: "done", transcript: "remind me", seconds: 2.7 });
    expect(steps[3]?.voiceJobs?.[0]?.messageId).toBeUndefined();
    expect(steps[4]?.voiceJobs?.[1]).toMatchObject({ id: "a", status: "failed", error: { code: "internal", message: "no speech was heard" } });
    expect(steps[5]?.voiceJobs?.[0]).toMatchObject({ id: "b", messageId: "m1" });
    expect(steps[6]?.usage).toMatchObject({ tokens: start.usage.tokens + 135, voiceSeconds: 2.7 });
  });
});

describe("Web — voice requests", () => {
  afterEach(() => vi.unstubAllGlobals());
  const stubFetch = () => {
    const seen: { path: string; init: RequestInit }[] = [];
    vi.stubGlobal("localStorage", { getItem: () => null, setItem() {}, removeItem() {} });
    vi.stubGlobal("fetch", (path: string, init: RequestInit) => {
      seen.push({ path, init });
      if (init.signal?.aborted) return Promise.reject(new DOMException("aborted", "AbortError"));
      const upload = path.endsWith("voice-upload");
      return Promise.resolve(new Response(JSON.stringify(upload ? { transcriptJobId: "j1" } : { id: "j1", status: "failed" }), { status: upload ? 202 : 200 }));
    });
    return seen;
  };

  it("[W116] the upload carries an abort signal (Cancel while sending ends it)", async () => {
    const seen = stubFetch();
    const controller = new AbortController();
    expect(await uploadVoice(new Blob(["x"], { type: "audio/webm" }), { review: false, idempotencyKey: "voice-1", signal: controller.signal })).toBe("j1");
    expect(seen[0]!.init.signal).toBe(controller.signal);
    controller.abort();
    await expect(uploadVoice(new Blob(["x"], { type: "audio/webm" }), { review: false, idempotencyKey: "voice-1", signal: controller.signal })).rejects.toThrow(/aborted/);
  });

  it("[W119] Discard asks the server (V28): POST /api/v1/voice/jobs/:id/discard", async () => {
    const seen = stubFetch();
    await discardVoiceJob("j 1");
    expect(seen.map((s) => [s.init.method, s.path])).toEqual([["POST", "/api/v1/voice/jobs/j%201/discard"]]);
  });
});

describe("Web — the voice capabilities query", () => {
  it("[W118] one definition (voice-capabilities.ts), read by push-to-talk and Settings alike", () => {
    expect(Object.keys(voiceUpload)).not.toContain("voiceCapabilitiesQuery");
    expect(voiceCapabilitiesQuery()).toMatchObject({ staleTime: 30_000, retry: 1 });
  });
});

describe("Web — a voice message in the chat", () => {
  it("[W119] a stored message with channel voice carries the microphone mark; a typed one does not", () => {
    const message = (id: string, channel: "chat" | "voice") => ({ id, role: "user" as const, text: "call John", channel, turnId: `t-${id}`, status: "complete" as const, createdAt: "2026-12-07T07:00:00.000Z" });
    const rows = chatRows({ older: [], recent: [message("v", "voice"), message("c", "chat")], replies: [], outbox: [], sent: [], proposals: [], undoneTurns: [], live: true, now: 0 });
    expect(rows.filter((r) => r.kind === "user").map((r) => [r.id, r.kind === "user" && r.voice === true])).toEqual([["v", true], ["c", false]]);
  });
});
