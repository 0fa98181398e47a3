/**
 * Voice through the real worker and Brain in workerd (docs/PROTOCOL.md
 * V10–V20): espeak-ng's WAV of the sentence (made in Node by
 * voice-global-setup.ts) uploaded as multipart, transcribed by the faithful
 * fake of Workers AI's Whisper through the production providers, sent as the
 * user's voice message; the offline assistant makes the task and its reminder.
 */
import { runDurableObjectAlarm, SELF } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { voiceConfig } from "../../party/voice/config.ts";
import { voiceProviders } from "../../party/voice/providers.ts";
import { BrainStateSchema } from "../../shared/api.ts";
import { ErrorBodySchema } from "../../shared/errors.ts";
import { VoiceJobSchema, VoiceUploadAcceptedSchema } from "../../shared/voice.ts";
import { AURA_MODEL, fakeWorkersAi, WHISPER_MODEL } from "../support/fake-workers-ai.ts";
import { api, BASE, connect, freshUser, inRoom, login, stubOf, type TestSocket } from "./helpers.ts";
import { leftover } from "./leftover.ts";
import { TestBrain } from "./test-brain.ts";
import type { VoiceJobs } from "../../party/voice/jobs.ts";
import { ok } from "../../shared/errors.ts";

const SENTENCE = "remind me to call John tomorrow at 3pm";

/** The espeak-ng WAV; a run without espeak-ng fails here, saying so (never skips). */
function espeakWav(): Uint8Array {
  const provided = inject("voiceWav");
  if (provided.startsWith("error:")) throw new Error(provided);
  return Uint8Array.from(atob(provided), (c) => c.charCodeAt(0));
}

function uploadRequest(token: string, audio: Uint8Array, fields: Record<string, string> = {}, headers: Record<string, string> = {}): Request {
  const form = new FormData();
  form.append("audio", new File([audio.slice()], "clip.wav", { type: "audio/wav" }));
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return new Request(`${BASE}/api/v1/voice-upload`, { method: "POST", headers: { authorization: `Bearer ${token}`, ...headers }, body: form });
}

/** The room with the fake Workers AI binding behind the production providers. */
async function roomWithWorkersAi(user: string, transcript: string, error?: string) {
  const ai = fakeWorkersAi({ transcript, ...(error ? { error } : {}) });
  const stub = await stubOf(user);
  await inRoom(stub, (brain) => brain.debugVoice(voiceProviders(voiceConfig({ STT_PROVIDER: "workers-ai", TTS_PROVIDER: "workers-ai", hasAi: true }), { AI: ai.binding })));
  return { ai, stub };
}

const eventsOf = (socket: TestSocket) => socket.frames.flatMap((f) => (f.type === "event" ? [f.event] : f.type === "events" ? f.events : []));

describe("Brain — voice in (workerd)", () => {
  it("[V10][V12][V13][V16] the espeak WAV as multipart: 202, queued → transcribing → done live, a voice message, the task Call John with its reminder; the audio is gone", async () => {
    const wav = espeakWav();
    const user = freshUser("voice");
    const token = await login(user);
    const { ai, stub } = await roomWithWorkersAi(user, SENTENCE);
    const laptop = await connect(token, "laptop-1");
    await laptop.hello();
    const res = await SELF.fetch(uploadRequest(token, wav, {}, { "x-device-id": "phone-1", "idempotency-key": "voice-upload-0001" }));
    expect(res.status).toBe(202);
    const { transcriptJobId } = VoiceUploadAcceptedSchema.parse(await res.json());
    // Every device sees the job's progress live, as ledger events.
    await laptop.until(() => eventsOf(laptop).some((e) => e.type === "voice.job.done"), "voice.job.done");
    const steps = eventsOf(laptop).filter((e) => e.type.startsWith("voice.job.")).map((e) => e.type);
    expect(steps).toEqual(["voice.job.queued", "voice.job.transcribing", "voice.job.done"]);
    // Whisper got the exact clip, base64, as Workers AI takes it.
    expect(ai.calls.map((c) => c.model)).toEqual([WHISPER_MODEL]);
    expect(ai.calls[0]?.audio?.length).toBe(wav.length);
    expect(ai.calls[0]?.mediaType).toBe("audio/wav");
    const job = VoiceJobSchema.parse(await (await api(token).get(`/api/v1/voice/jobs/${transcriptJobId}`)).json());
    expect(job).toMatchObject({ id: transcriptJobId, status: "done", transcript: SENTENCE });
    await laptop.until(() => laptop.frames.some((f) => f.type === "llm.completed"), "the reply's llm.completed");
    const state = BrainStateSchema.parse(await (await api(token).get("/api/v1/state")).json());
    const message = state.recentMessages.find((m) => m.id === job.messageId);
    expect(message).toMatchObject({ role: "user", channel: "voice", text: SENTENCE });
    expect(state.tasks.map((t) => t.title)).toEqual(["Call John"]);
    expect(state.reminders.map((r) => r.title)).toEqual(["Call John"]);
    expect(state.voiceJobs?.[0]).toMatchObject({ id: transcriptJobId, status: "done", deviceId: "phone-1", mediaType: "audio/wav", review: false });
    expect(state.usage.voiceSeconds).toBeGreaterThan(2);
    expect(await inRoom(stub, (brain) => brain.debugVoiceJobs().audio.rows())).toBe(0);

    // V10: the same Idempotency-Key answers the same job; no second message, no second call.
    const again = await SELF.fetch(uploadRequest(token, wav, {}, { "x-device-id": "phone-1", "idempotency-key": "voice-upload-0001" }));
    expect(again.status).toBe(202);
    expect(VoiceUploadAcceptedSchema.parse(await again.json()).transcriptJobId).toBe(transcriptJobId);
    expect(ai.calls).toHaveLength(1);
    const after = BrainStateSchema.parse(await (await api(token).get("/api/v1/state")).json());
    expect(after.recentMessages.filter((m) => m.role === "user")).toHaveLength(1);
    laptop.close();
  });

  it("[V14] review: the transcript waits for the user's correction, then is sent as the voice message", async () => {
    const user = freshUser("voice-review");
    const token = await login(user);
    await roomWithWorkersAi(user, "remind me to call Jon tomorrow at 3pm");
    const socket = await connect(token, "phone-1");
    await socket.hello();
    const res = await SELF.fetch(uploadRequest(token, espeakWav(), { review: "true" }, { "x-device-id": "phone-1" }));
    const { transcriptJobId } = VoiceUploadAcceptedSchema.parse(await res.json());
    await socket.until(() => eventsOf(socket).some((e) => e.type === "voice.job.done"), "voice.job.done");
    expect(await (await api(token).get(`/api/v1/voice/jobs/${transcriptJobId}`)).json()).toEqual({ id: transcriptJobId, status: "done", transcript: "remind me to call Jon tomorrow at 3pm" });
    const sent = await api(token).post(`/api/v1/voice/jobs/${transcriptJobId}/send`, { text: SENTENCE });
    expect(sent.status).toBe(202);
    await socket.until(() => socket.frames.some((f) => f.type === "llm.completed"), "the reply");
    const state = BrainStateSchema.parse(await (await api(token).get("/api/v1/state")).json());
    expect(state.recentMessages.find((m) => m.role === "user")).toMatchObject({ channel: "voice", text: SENTENCE });
    expect(state.tasks.map((t) => t.title)).toEqual(["Call John"]);
    socket.close();
  });

  it("[V12][V16] a provider failure fails the job with a sentence naming the setting, and deletes the audio", async () => {
    const user = freshUser("voice-fail");
    const token = await login(user);
    const { stub } = await roomWithWorkersAi(user, SENTENCE, "3010: Invalid or incomplete input for the model: the upstream rejected it");
    const socket = await connect(token, "phone-1");
    await socket.hello();
    const res = await SELF.fetch(uploadRequest(token, espeakWav()));
    const { transcriptJobId } = VoiceUploadAcceptedSchema.parse(await res.json());
    await socket.until(() => eventsOf(socket).some((e) => e.type === "voice.job.failed"), "voice.job.failed");
    const job = VoiceJobSchema.parse(await (await api(token).get(`/api/v1/voice/jobs/${transcriptJobId}`)).json());
    expect(job.status).toBe("failed");
    expect(job.error?.message).toMatch(/STT_/);
    expect(await inRoom(stub, (brain) => brain.debugVoiceJobs().audio.rows())).toBe(0);
    socket.close();
  });

  it("[V16][U14][U16] a clip still being transcribed when the account is erased: its audio goes with the rest, and the old job writes nothing after", async () => {
    const user = freshUser("voice-erase");
    const token = await login(user);
    const stub = await stubOf(user);
    let open: (() => void) | null = null;
    let oldJobs: VoiceJobs | null = null;
    await inRoom(stub, (brain) => {
      oldJobs = brain.debugVoiceJobs();
      brain.debugVoice({
        transcriber: ok({ provider: "openai", model: "held", transcribe: () => new Promise((resolve) => (open = () => resolve({ text: "the old user's secret words" }))) }),
        speaker: null,
      });
    });
    const res = await SELF.fetch(uploadRequest(token, espeakWav()));
    const { transcriptJobId } = VoiceUploadAcceptedSchema.parse(await res.json());
    await expect.poll(async () => VoiceJobSchema.parse(await (await api(token).get(`/api/v1/voice/jobs/${transcriptJobId}`)).json()).status).toBe("transcribing");
    expect(await inRoom(stub, (brain) => brain.debugVoiceJobs().audio.rows())).toBeGreaterThan(0);
    const { proposal } = (await (await api(token).call("DELETE", "/api/v1/account")).json()) as { proposal: { id: string } };
    expect((await api(token).post(`/api/v1/proposals/${proposal.id}/confirm`, {})).status).toBe(200);
    await expect.poll(() => leftover(user), { timeout: 20_000 }).toEqual({ rows: [], alarm: null, kv: [] });
    // The provider answers the old room: its writes are refused, nothing lands in the new one.
    await inRoom(stub, async () => {
      open?.();
      await oldJobs!.idle();
    });
    expect(await leftover(user)).toEqual({ rows: [], alarm: null, kv: [] });
  }, 60_000);

  it("[V15] a room evicted mid-transcription resumes the job from its stored audio when its alarm wakes it: one message", async () => {
    const user = freshUser("voice-evict");
    const token = await login(user);
    const stub = await stubOf(user);
    const heard: number[] = [];
    // The first call never answers (the process dies under it); the resumed one does.
    TestBrain.voiceFor.set(user, {
      transcriber: ok({
        provider: "openai",
        model: "evicted",
        transcribe: (audio) => {
          heard.push(audio.length);
          return heard.length === 1 ? new Promise<never>(() => {}) : Promise.resolve({ text: SENTENCE });
        },
      }),
      speaker: null,
    });
    const wav = espeakWav();
    const res = await SELF.fetch(uploadRequest(token, wav));
    const { transcriptJobId } = VoiceUploadAcceptedSchema.parse(await res.json());
    await expect.poll(() => heard.length).toBe(1);
    const [now, alarm] = await inRoom(stub, async (_brain, state) => [Date.now(), await state.storage.getAlarm()] as const);
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeLessThanOrEqual(now + 60_000);
    await inRoom(stub, (_brain, state) => state.abort("simulated eviction")).catch(() => {});
    // A stub to an object that was reset stays broken: a fresh one, as the next caller would have.
    const fresh = await stubOf(user);
    expect(await runDurableObjectAlarm(fresh)).toBe(true);
    await expect.poll(async () => VoiceJobSchema.parse(await (await api(token).get(`/api/v1/voice/jobs/${transcriptJobId}`)).json()).status).toBe("done");
    expect(heard).toEqual([wav.length, wav.length]);
    const state = BrainStateSchema.parse(await (await api(token).get("/api/v1/state")).json());
    expect(state.recentMessages.filter((m) => m.role === "user").map((m) => [m.channel, m.text])).toEqual([["voice", SENTENCE]]);
    expect(await inRoom(fresh, (brain) => brain.debugVoiceJobs().audio.rows())).toBe(0);
    TestBrain.voiceFor.delete(user);
  });

  it("[V17][V18][V19] speech through Workers AI aura: 200 audio/mpeg, charged as voice seconds; the capabilities name both providers", async () => {
    const user = freshUser("voice-speech");
    const token = await login(user);
    const { ai } = await roomWithWorkersAi(user, SENTENCE);
    const text = "I added Call John for tomorrow at 3 PM.";
    const res = await api(token).post("/api/v1/speech", { text });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/mpeg");
    const audio = new Uint8Array(await res.arrayBuffer());
    expect(audio.length).toBeGreaterThan(0);
    expect([audio[0], (audio[1] ?? 0) & 0xe0]).toEqual([0xff, 0xe0]);
    expect(ai.calls.map((c) => [c.model, c.text])).toEqual([[AURA_MODEL, text]]);
    const caps = await (await api(token).get("/api/v1/voice")).json();
    expect(caps).toMatchObject({
      transcription: { provider: "workers-ai", model: WHISPER_MODEL },
      speech: { provider: "workers-ai", model: AURA_MODEL },
      problems: [],
      minutesPerDay: 30,
    });
    expect((caps as { usedSeconds: number }).usedSeconds).toBeCloseTo(text.length / 15);
  });

  it("[V10] with no speech-to-text provider the upload is 501 naming STT_PROVIDER, and nothing is stored", async () => {
    const user = freshUser("voice-none");
    const token = await login(user);
    const res = await SELF.fetch(uploadRequest(token, espeakWav()));
    expect(res.status).toBe(501);
    const body = ErrorBodySchema.parse(await res.json());
    expect(body.error).toMatchObject({ code: "not_configured" });
    expect(body.error.message).toContain("STT_PROVIDER");
    const caps = await (await api(token).get("/api/v1/voice")).json();
    expect(caps).toMatchObject({ transcription: null, speech: null });
    const state = BrainStateSchema.parse(await (await api(token).get("/api/v1/state")).json());
    expect(state.voiceJobs).toEqual([]);
  });
});
