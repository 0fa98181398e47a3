/**
 * Voice jobs in the room core (docs/PROTOCOL.md V10–V20), in Node with the
 * offline assistant and injected Transcriber/Speaker doubles: the lifecycle,
 * the audio deleted as a job ends, idempotent retries, review and send, resume
 * after a restart, the limits checked before a provider is called, the 501s,
 * the conversation purge and the exact job shape.
 */
import { describe, expect, it } from "vitest";
import type { SqlValue } from "../../party/core/sql.ts";
import type { CommandContext } from "../../party/core/commands.ts";
import type { Speaker, Transcriber, VoiceProviders, VoiceUpload } from "../../party/voice/types.ts";
import { NO_SPEECH, VOICE_WAKE_MS } from "../../party/voice/jobs.ts";
import { VOICE_AUDIO_CHUNK } from "../../party/voice/audio-store.ts";
import { BrainStateSchema } from "../../shared/api.ts";
import { ok } from "../../shared/errors.ts";
import { ConversationSchema } from "../../shared/conversations.ts";
import { VoiceCapabilitiesSchema, VoiceJobSchema, type VoiceMediaType } from "../../shared/voice.ts";
import { readTasks } from "../../shared/doc-schema.ts";
import { FakeRoom } from "../support/fake-room.ts";

const SENTENCE = "remind me to call John tomorrow at 3pm";

type Call = { bytes: Uint8Array; mediaType: VoiceMediaType };

/** A transcriber double: records what it got, answers `text` (or what `answer` says). */
function transcriber(answer: (call: Call) => Promise<{ text: string; seconds?: number }> | { text: string; seconds?: number }) {
  const calls: Call[] = [];
  const value: Transcriber = {
    provider: "openai",
    model: "whisper-test",
    transcribe: async (bytes, mediaType) => {
      calls.push({ bytes: bytes.slice(), mediaType });
      return answer({ bytes, mediaType });
    },
  };
  return { value, calls };
}

/** A transcriber that answers `text` only when the test opens its gate. */
function gated(text: string) {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  const stt = transcriber(async () => {
    await gate;
    return { text };
  });
  return { ...stt, open: () => open() };
}

function speaker(audio = new Uint8Array([82, 73, 70, 70, 1, 2, 3])) {
  const calls: string[] = [];
  const value: Speaker = {
    provider: "openai",
    model: "tts-test",
    speak: async (text) => {
      calls.push(text);
      return { audio, mediaType: "audio/wav" };
    },
  };
  return { value, calls };
}

function roomWith(providers: Partial<{ transcriber: Transcriber; speaker: Speaker }>, env: Record<string, string> = {}, sql?: FakeRoom["sql"]): FakeRoom {
  const voice: VoiceProviders = {
    transcriber: providers.transcriber ? ok(providers.transcriber) : null,
    speaker: providers.speaker ? ok(providers.speaker) : null,
  };
  return new FakeRoom({ env: { TIMEZONE: "America/New_York", ...env }, voice: () => voice, ...(sql ? { sql } : {}) });
}

/** A clip of `bytes` bytes (a pattern, so a reassembled clip out of order would differ). */
function clip(bytes: number, seconds: number, over: Partial<VoiceUpload> = {}): VoiceUpload {
  const audio = new Uint8Array(bytes).map((_, i) => (i * 7 + (i >> 9)) & 0xff);
  return { audio, info: { mediaType: "audio/wav", seconds, exact: true }, review: false, ...over };
}

const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({ actor: { kind: "user", deviceId: "phone-1" }, correlationId: "req-upload", ...over });

async function http(room: FakeRoom, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await room.room.request(new Request(`http://room.test${path}`, init), `req-${Math.random()}`);
  return res;
}

async function settle(room: FakeRoom): Promise<void> {
  await room.room.voice.idle();
  await room.room.chat.idle();
  room.flush();
}

const voiceEvents = (room: FakeRoom) => room.room.ledger.since(0, 1000).filter((e) => e.type.startsWith("voice."));

function tablesHolding(room: FakeRoom, needle: string): string[] {
  const tables = room.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").toArray();
  const found = new Set<string>();
  for (const { name } of tables) {
    for (const row of room.sql.exec<Record<string, SqlValue>>(`SELECT * FROM "${name}"`).toArray()) {
      for (const [column, value] of Object.entries(row)) {
        const text = value instanceof Uint8Array ? Buffer.from(value).toString("latin1") : String(value);
        if (text.toLowerCase().includes(needle.toLowerCase())) found.add(`${name}.${column}`);
      }
    }
  }
  return [...found].sort();
}

describe("Voice — jobs in the room", () => {
  it("[V12][V13][V16] a clip becomes the user's voice message, the offline assistant makes the task and reminder, the audio is deleted", async () => {
    const stt = transcriber(() => ({ text: `  ${SENTENCE} `, seconds: 2.7 }));
    const room = roomWith({ transcriber: stt.value });
    const phone = room.connect();
    phone.hello("phone-1");
    const upload = clip(VOICE_AUDIO_CHUNK * 2 + 1000, 2.7);
    const accepted = room.room.voice.accept(upload, ctx());
    if (!accepted.ok) throw new Error(accepted.error.message);
    const jobId = accepted.value.transcriptJobId;
    // Queued at once, its audio stored in chunks under the 2 MB row limit.
    expect(room.room.ledger.state.voiceJobs?.[jobId]?.status).toBe("queued");
    expect(room.room.voice.audio.rows()).toBe(3);
    await settle(room);
    // The provider got the exact clip, reassembled in order.
    expect(stt.calls).toHaveLength(1);
    expect(stt.calls[0]?.mediaType).toBe("audio/wav");
    expect(Buffer.from(stt.calls[0]!.bytes).equals(Buffer.from(upload.audio))).toBe(true);
    expect(voiceEvents(room).map((e) => e.type)).toEqual(["voice.job.queued", "voice.job.transcribing", "voice.used", "voice.job.done"]);
    // Every device saw the progress live (the ledger's events frames).
    const live = [...phone.of("event").map((f) => f.event), ...phone.of("events").flatMap((f) => f.events)].map((e) => e.type).filter((t) => t.startsWith("voice."));
    expect(live).toEqual(["voice.job.queued", "voice.job.transcribing", "voice.used", "voice.job.done"]);
    const job = room.room.voice.job(jobId);
    const message = room.room.ledger.state.recentMessages.find((m) => m.role === "user");
    expect(message).toMatchObject({ text: SENTENCE, channel: "voice" });
    expect(job).toEqual({ id: jobId, status: "done", transcript: SENTENCE, messageId: message?.id });
    const added = room.room.ledger.since(0, 1000).find((e) => e.type === "message.added" && e.payload.message.role === "user");
    expect(added?.actor).toEqual({ kind: "user", deviceId: "phone-1" });
    expect(readTasks(room.doc).map((t) => t.title)).toEqual(["Call John"]);
    expect(Object.values(room.room.ledger.state.reminders).map((r) => r.title)).toEqual(["Call John"]);
    expect(room.room.voice.audio.rows()).toBe(0);
    // V20: charged 2.7 s × 50 tokens.
    expect(room.room.ledger.state.usage.voiceSeconds).toBeCloseTo(2.7);
    // No transcript or audio in the logs.
    expect(JSON.stringify(room.logs)).not.toMatch(/john/i);
  });

  it("[V11] GET /api/v1/voice/jobs/:id answers exactly the public shape; an unknown job is 404", async () => {
    const stt = gated("buy milk");
    const room = roomWith({ transcriber: stt.value });
    const accepted = room.room.voice.accept(clip(2000, 1), ctx());
    if (!accepted.ok) throw new Error("refused");
    const running = await (await http(room, "GET", `/api/v1/voice/jobs/${accepted.value.transcriptJobId}`)).json();
    expect(running).toEqual({ id: accepted.value.transcriptJobId, status: "transcribing" });
    stt.open();
    await settle(room);
    const res = await http(room, "GET", `/api/v1/voice/jobs/${accepted.value.transcriptJobId}`);
    const body: unknown = await res.json();
    expect(VoiceJobSchema.parse(body)).toEqual(body);
    expect(Object.keys(body as object).sort()).toEqual(["id", "messageId", "status", "transcript"]);
    expect((await http(room, "GET", "/api/v1/voice/jobs/no-such-job")).status).toBe(404);
  });

  it("[V12][V16] a provider failure fails the job with a sentence (not the provider's words) and deletes the audio; no message", async () => {
    const stt = transcriber(() => Promise.reject(new Error("upstream said: secret-body-xyz at /srv/whisper.py:42")));
    const room = roomWith({ transcriber: stt.value });
    const accepted = room.room.voice.accept(clip(5000, 1), ctx());
    if (!accepted.ok) throw new Error("refused");
    await settle(room);
    const job = room.room.voice.job(accepted.value.transcriptJobId);
    expect(job?.status).toBe("failed");
    expect(job?.error?.message).toContain("STT_PROVIDER");
    expect(JSON.stringify(room.room.ledger.since(0, 1000))).not.toContain("secret-body-xyz");
    expect(JSON.stringify(room.logs)).not.toContain("secret-body-xyz");
    expect(room.room.voice.audio.rows()).toBe(0);
    expect(room.room.ledger.state.recentMessages).toEqual([]);
  });

  it("[V12] an empty transcript fails the job (no speech was heard), never an empty message; the call is still charged", async () => {
    const room = roomWith({ transcriber: transcriber(() => ({ text: "   " })).value });
    const accepted = room.room.voice.accept(clip(5000, 2), ctx());
    if (!accepted.ok) throw new Error("refused");
    await settle(room);
    expect(room.room.voice.job(accepted.value.transcriptJobId)).toEqual({ id: accepted.value.transcriptJobId, status: "failed", error: { code: "invalid_request", message: NO_SPEECH } });
    expect(room.room.ledger.state.recentMessages).toEqual([]);
    expect(room.room.ledger.state.usage.voiceSeconds).toBe(2);
    expect(room.room.voice.audio.rows()).toBe(0);
  });

  it("[V12] a transcript that is not plain text (a control character from the provider) fails the job with a sentence; no message, no crash", async () => {
    const room = roomWith({ transcriber: transcriber(() => ({ text: "call\u0007 John" })).value });
    const accepted = room.room.voice.accept(clip(5000, 1), ctx());
    if (!accepted.ok) throw new Error("refused");
    await settle(room);
    const job = room.room.voice.job(accepted.value.transcriptJobId);
    expect(job?.status).toBe("failed");
    expect(job?.error?.code).toBe("invalid_request");
    expect(job?.error?.message).toMatch(/^the transcript cannot be sent as a message: .*control character/);
    expect(room.room.ledger.state.recentMessages).toEqual([]);
    expect(room.room.voice.audio.rows()).toBe(0);
  });

  it("[V10] the same Idempotency-Key answers the same job and makes one message; another clip under it is a conflict", async () => {
    const stt = transcriber(() => ({ text: "buy oat milk" }));
    const room = roomWith({ transcriber: stt.value });
    const upload = clip(4000, 1);
    const first = room.room.voice.accept(upload, ctx({ clientActionId: "voice-key-0001" }));
    const again = room.room.voice.accept(upload, ctx({ clientActionId: "voice-key-0001", correlationId: "req-retry" }));
    await settle(room);
    const late = room.room.voice.accept(upload, ctx({ clientActionId: "voice-key-0001", correlationId: "req-late" }));
    expect(first.ok && again.ok && late.ok).toBe(true);
    if (!first.ok || !again.ok || !late.ok) return;
    expect(again.value).toEqual({ transcriptJobId: first.value.transcriptJobId, duplicate: true });
    expect(late.value.transcriptJobId).toBe(first.value.transcriptJobId);
    expect(stt.calls).toHaveLength(1);
    expect(room.room.ledger.state.recentMessages.filter((m) => m.role === "user")).toHaveLength(1);
    const other = room.room.voice.accept(clip(4001, 1), ctx({ clientActionId: "voice-key-0001" }));
    expect(other.ok ? null : other.error.code).toBe("conflict");
  });

  it("[V10] a clip for an unknown conversation is 404 and stores nothing", () => {
    const room = roomWith({ transcriber: transcriber(() => ({ text: "x" })).value });
    const refused = room.room.voice.accept(clip(4000, 1, { conversationId: "no-such-thread" }), ctx());
    expect(refused.ok ? null : refused.error.code).toBe("not_found");
    expect(room.room.voice.audio.rows()).toBe(0);
    expect(voiceEvents(room)).toEqual([]);
  });

  it("[V14] review: the transcript waits; the corrected text is sent once (a repeat answers the same message); a second, different send is 409", async () => {
    const stt = gated("remind me to call Jon tomorrow at 3pm");
    const room = roomWith({ transcriber: stt.value });
    const accepted = room.room.voice.accept(clip(4000, 3, { review: true }), ctx());
    if (!accepted.ok) throw new Error("refused");
    const jobId = accepted.value.transcriptJobId;
    expect((await http(room, "POST", `/api/v1/voice/jobs/${jobId}/send`, { text: SENTENCE })).status).toBe(409);
    stt.open();
    await settle(room);
    expect(room.room.voice.job(jobId)).toEqual({ id: jobId, status: "done", transcript: "remind me to call Jon tomorrow at 3pm" });
    expect(room.room.ledger.state.recentMessages).toEqual([]);
    expect(room.room.voice.audio.rows()).toBe(0);
    const sent = await http(room, "POST", `/api/v1/voice/jobs/${jobId}/send`, { text: SENTENCE }, { "x-device-id": "phone-1" });
    expect(sent.status).toBe(202);
    const { messageId } = (await sent.json()) as { messageId: string };
    await settle(room);
    expect(room.room.ledger.state.recentMessages.find((m) => m.id === messageId)).toMatchObject({ text: SENTENCE, channel: "voice" });
    expect(room.room.voice.job(jobId)?.messageId).toBe(messageId);
    expect(readTasks(room.doc).map((t) => t.title)).toEqual(["Call John"]);
    const repeat = await http(room, "POST", `/api/v1/voice/jobs/${jobId}/send`, { text: SENTENCE });
    expect([repeat.status, ((await repeat.json()) as { messageId: string }).messageId, repeat.headers.get("idempotent-replayed")]).toEqual([202, messageId, "true"]);
    expect((await http(room, "POST", `/api/v1/voice/jobs/${jobId}/send`, { text: "something else" })).status).toBe(409);
    expect((await http(room, "POST", "/api/v1/voice/jobs/no-such-job/send", { text: "x" })).status).toBe(404);
    expect(room.room.ledger.state.recentMessages.filter((m) => m.role === "user")).toHaveLength(1);
  });

  it("[V15] a room restarted mid-job resumes it from the stored audio: one transcript, one message; the alarm comes back meanwhile", async () => {
    let called: () => void = () => {};
    const reached = new Promise<void>((resolve) => (called = resolve));
    const stuck = transcriber(() => {
      called();
      // Never answers: the process it ran in is gone.
      return new Promise<never>(() => {});
    });
    const first = roomWith({ transcriber: stuck.value });
    const upload = clip(VOICE_AUDIO_CHUNK + 10, 2);
    const accepted = first.room.voice.accept(upload, ctx());
    if (!accepted.ok) throw new Error("refused");
    await reached;
    expect(stuck.calls).toHaveLength(1);
    expect(first.room.ledger.state.voiceJobs?.[accepted.value.transcriptJobId]?.status).toBe("transcribing");
    expect(first.alarmAt).not.toBeNull();
    expect(first.alarmAt!).toBeLessThanOrEqual(first.clock + VOICE_WAKE_MS);
    // The process goes; the storage stays. The old room's call never answers into the new room's storage.
    const working = transcriber(() => ({ text: "buy oat milk" }));
    const second = roomWith({ transcriber: working.value }, {}, first.sql);
    await settle(second);
    expect(working.calls).toHaveLength(1);
    expect(Buffer.from(working.calls[0]!.bytes).equals(Buffer.from(upload.audio))).toBe(true);
    expect(second.room.voice.job(accepted.value.transcriptJobId)?.status).toBe("done");
    expect(second.room.ledger.state.recentMessages.filter((m) => m.role === "user").map((m) => m.text)).toEqual(["buy oat milk"]);
    expect(second.room.voice.audio.rows()).toBe(0);
  });

  it("[V19] over today's voice minutes the job fails rate_limited before the provider is called", async () => {
    const stt = transcriber(() => ({ text: "never" }));
    const room = roomWith({ transcriber: stt.value }, { VOICE_MINUTES_PER_DAY: "1" });
    const fits = room.room.voice.accept(clip(4000, 50), ctx());
    await settle(room);
    const over = room.room.voice.accept(clip(4000, 11), ctx());
    await settle(room);
    if (!fits.ok || !over.ok) throw new Error("refused");
    expect(room.room.voice.job(fits.value.transcriptJobId)?.status).toBe("done");
    const job = room.room.voice.job(over.value.transcriptJobId);
    expect(job?.status).toBe("failed");
    expect(job?.error?.code).toBe("rate_limited");
    expect(job?.error?.message).toMatch(/VOICE_MINUTES_PER_DAY.*try again in \d+ min/);
    expect(stt.calls).toHaveLength(1);
    expect(room.room.voice.audio.rows()).toBe(0);
  });

  it("[V20] a clip whose tokens (seconds × 50) do not fit the daily token budget fails before the provider is called", async () => {
    const stt = transcriber(() => ({ text: "never" }));
    const room = roomWith({ transcriber: stt.value }, { LLM_DAILY_TOKEN_BUDGET: "400" });
    const over = room.room.voice.accept(clip(4000, 9), ctx());
    await settle(room);
    if (!over.ok) throw new Error("refused");
    expect(room.room.voice.job(over.value.transcriptJobId)?.error?.code).toBe("rate_limited");
    expect(stt.calls).toHaveLength(0);
    const fits = room.room.voice.accept(clip(4000, 7), ctx());
    await settle(room);
    if (!fits.ok) throw new Error("refused");
    expect(stt.calls).toHaveLength(1);
    // 7 s at 50 tokens a second, on the same tally as the assistant's tokens.
    expect(room.room.ledger.state.usage.tokens).toBe(350);
  });

  it("[V10][V17][V18] with no providers: upload 501 naming STT_PROVIDER before the body is read; speech 501 naming TTS_PROVIDER; capabilities say none", async () => {
    const room = new FakeRoom();
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const upload = await room.room.request(
      new Request("http://room.test/api/v1/voice-upload", { method: "POST", headers: { "content-type": "multipart/form-data; boundary=x" }, body, duplex: "half" } as RequestInit),
      "req-501",
    );
    const error = ((await upload.json()) as { error: { code: string; message: string } }).error;
    expect([upload.status, error.code]).toEqual([501, "not_configured"]);
    expect(error.message).toContain("STT_PROVIDER");
    expect(pulled).toBeLessThanOrEqual(1);
    const speech = await http(room, "POST", "/api/v1/speech", { text: "Hello there." });
    expect(speech.status).toBe(501);
    expect(await speech.text()).toContain("TTS_PROVIDER");
    const caps = VoiceCapabilitiesSchema.parse(await (await http(room, "GET", "/api/v1/voice")).json());
    expect(caps).toMatchObject({ transcription: null, speech: null, problems: [], minutesPerDay: 30, usedSeconds: 0 });
    expect(voiceEvents(room)).toEqual([]);
  });

  it("[V17][V19] speech: audio with its type, charged as voice seconds; over the minutes it is 429 and the speaker is not called", async () => {
    const tts = speaker();
    const room = roomWith({ speaker: tts.value }, { VOICE_MINUTES_PER_DAY: "1" });
    const res = await http(room, "POST", "/api/v1/speech", { text: "Your task is saved." });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/wav");
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([82, 73, 70, 70, 1, 2, 3]);
    expect(room.room.ledger.state.usage.voiceSeconds).toBeCloseTo("Your task is saved.".length / 15);
    const long = await http(room, "POST", "/api/v1/speech", { text: "a".repeat(900) });
    expect(long.status).toBe(429);
    expect(long.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(tts.calls).toEqual(["Your task is saved."]);
    const caps = VoiceCapabilitiesSchema.parse(await (await http(room, "GET", "/api/v1/voice")).json());
    expect(caps).toMatchObject({ transcription: null, speech: { provider: "openai", model: "tts-test" }, minutesPerDay: 1 });
    expect(caps.usedSeconds).toBeCloseTo("Your task is saved.".length / 15);
  });

  it("[V13] the state lists the voice jobs newest first with today's voice seconds", async () => {
    const room = roomWith({ transcriber: transcriber(() => ({ text: "note one", seconds: 1.5 })).value });
    const a = room.room.voice.accept(clip(3000, 1), ctx());
    room.clock += 1000;
    const b = room.room.voice.accept(clip(3000, 1), ctx());
    await settle(room);
    if (!a.ok || !b.ok) throw new Error("refused");
    const state = BrainStateSchema.parse(await (await http(room, "GET", "/api/v1/state")).json());
    expect(state.voiceJobs?.map((j) => j.id)).toEqual([b.value.transcriptJobId, a.value.transcriptJobId]);
    expect(state.usage.voiceSeconds).toBe(3);
  });

  it("[V16][T7] deleting a conversation purges its voice transcripts from every table and from the state", async () => {
    const room = roomWith({ transcriber: transcriber((call) => ({ text: call.bytes.length === 3002 ? "keep this walrus" : "the zanzibar quokka code" })).value });
    const created = ConversationSchema.parse(await (await http(room, "POST", "/api/v1/conversations", { title: "Trip" })).json());
    const inThread = room.room.voice.accept(clip(3000, 1, { conversationId: created.id }), ctx());
    const reviewed = room.room.voice.accept(clip(3001, 1, { conversationId: created.id, review: true }), ctx());
    const elsewhere = room.room.voice.accept(clip(3002, 1), ctx());
    await settle(room);
    if (!inThread.ok || !reviewed.ok || !elsewhere.ok) throw new Error("refused");
    expect(room.room.ledger.state.recentMessages.find((m) => m.role === "user" && m.conversationId === created.id)?.channel).toBe("voice");
    expect(tablesHolding(room, "zanzibar").length).toBeGreaterThan(0);
    expect((await http(room, "DELETE", `/api/v1/conversations/${created.id}`)).status).toBe(200);
    await settle(room);
    expect(tablesHolding(room, "zanzibar")).toEqual([]);
    expect(room.room.voice.job(inThread.value.transcriptJobId)).toBeNull();
    expect(room.room.voice.job(reviewed.value.transcriptJobId)).toBeNull();
    // Another thread's transcript stays.
    expect(room.room.voice.job(elsewhere.value.transcriptJobId)?.transcript).toBe("keep this walrus");
    expect(tablesHolding(room, "walrus").length).toBeGreaterThan(0);
    // Replay from zero gives the same jobs (L5).
    const { Ledger } = await import("../../party/core/ledger.ts");
    expect(new Ledger(room.sql).state.voiceJobs).toEqual(room.room.ledger.state.voiceJobs);
  });
});
