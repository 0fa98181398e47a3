/**
 * Voice jobs under load and over time (docs/PROTOCOL.md V15, V16, V20, V25–V29): one job at a time so the
 * limits hold, a cap on unfinished jobs, provider calls that never answer, refused sends kept for /send,
 * discard, 90-day pruning, import, and bad uploads that leave nothing behind.
 */
import { describe, expect, it } from "vitest";
import { Ledger } from "../../party/core/ledger.ts";
import type { CommandContext } from "../../party/core/commands.ts";
import { reduceVoiceJobs, VOICE_JOBS_KEPT } from "../../party/core/voice-projection.ts";
import { maintain } from "../../party/chat/retention.ts";
import { buildExport } from "../../party/data/export.ts";
import { importArchive } from "../../party/data/import.ts";
import { VoiceAudioStore } from "../../party/voice/audio-store.ts";
import { STALE, VOICE_JOB_TIMEOUT_MS, VOICE_STALE_MS } from "../../party/voice/jobs.ts";
import { SPEECH_TIMEOUT_MS } from "../../party/voice/speech.ts";
import type { Speaker } from "../../party/voice/types.ts";
import { ok } from "../../shared/errors.ts";
import { type EventOf, parseLedgerEvent } from "../../shared/events.ts";
import { VOICE_MAX_BYTES, VOICE_MAX_SECONDS, type VoiceJobRecord } from "../../shared/voice.ts";
import { FakeRoom } from "../support/fake-room.ts";
import { nodeSql } from "../support/node-sql.ts";
import { concat, PNG, wavHeader } from "../support/voice-builders.ts";
import { bareJobs, clip, deaf, manualTimer, roomWith, speaker, transcriber } from "../support/voice-jobs-room.ts";

const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({ actor: { kind: "user", deviceId: "phone-1" }, correlationId: "req-upload", ...over });
const voiceEvents = (room: FakeRoom) => room.room.ledger.since(0, 5000).filter((e) => e.type.startsWith("voice."));
async function settle(room: FakeRoom): Promise<void> {
  await room.room.voice.idle();
  await room.room.chat.idle();
  room.flush();
}
const idOf = (r: { ok: true; value: { transcriptJobId: string } } | { ok: false; error: { message: string } }) => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value.transcriptJobId;
};
async function http(room: FakeRoom, method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}) {
  return room.room.request(new Request(`http://room.test${path}`, { method, headers, ...(body !== undefined ? { body } : {}) }), `req-${path.length}-${method}`);
}

describe("Voice — jobs under load", () => {
  it("[V25][V27][V19] clips sent together run one at a time: the daily minutes hold; a fourth unfinished clip is 429 before its body is read", async () => {
    let open: () => void = () => {};
    const gate = new Promise<void>((r) => (open = r));
    const stt = transcriber(async (call) => (await gate, { text: `clip ${call.bytes.length}`, seconds: 50 }));
    const room = roomWith({ transcriber: stt.value }, { VOICE_MINUTES_PER_DAY: "1" });
    const ids = [4000, 4001, 4002].map((n) => idOf(room.room.voice.accept(clip(n, 50), ctx())));
    const fourth = room.room.voice.accept(clip(4003, 50), ctx());
    expect(fourth).toMatchObject({ ok: false, error: { code: "rate_limited", retryAfter: expect.any(Number) } });
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({ pull: (c) => (pulled++, c.enqueue(new Uint8Array(1024))) });
    const res = await room.room.request(
      new Request("http://room.test/api/v1/voice-upload", { method: "POST", headers: { "content-type": "multipart/form-data; boundary=x" }, body, duplex: "half" } as RequestInit),
      "req-busy",
    );
    expect([res.status, res.headers.get("retry-after")]).toEqual([429, "30"]);
    expect(pulled).toBeLessThanOrEqual(1);
    open();
    await settle(room);
    expect(stt.calls).toHaveLength(1);
    expect(ids.map((id) => room.room.voice.job(id)?.status)).toEqual(["done", "failed", "failed"]);
    expect(ids.map((id) => room.room.voice.job(id)?.error?.code ?? null)).toEqual([null, "rate_limited", "rate_limited"]);
    expect(room.room.ledger.state.usage.voiceSeconds).toBe(50);
    expect(room.room.voice.audio.rows()).toBe(0);
  });

  it("[V25] speech asked while a clip is with the provider counts that clip's seconds", async () => {
    let open: () => void = () => {};
    const gate = new Promise<void>((r) => (open = r));
    let reached: () => void = () => {};
    const called = new Promise<void>((r) => (reached = r));
    const stt = transcriber(async () => (reached(), await gate, { text: "buy milk", seconds: 50 }));
    const tts = speaker();
    const room = roomWith({ transcriber: stt.value, speaker: tts.value }, { VOICE_MINUTES_PER_DAY: "1" });
    idOf(room.room.voice.accept(clip(4000, 50), ctx()));
    await called;
    // 300 characters is 20 s of speech: 50 + 20 > 60.
    const spoken = await room.room.voice.speak("a".repeat(300), ctx());
    expect(spoken.ok ? "spoken" : spoken.error.code).toBe("rate_limited");
    expect(tts.calls).toEqual([]);
    open();
    await settle(room);
  });

  it("[V20] the seconds charged are capped: never more than the clip's own length or V1's cap", async () => {
    const room = roomWith({ transcriber: transcriber(() => ({ text: "buy milk", seconds: 100_000 })).value });
    idOf(room.room.voice.accept(clip(4000, 2), ctx()));
    await settle(room);
    expect(room.room.ledger.state.usage.voiceSeconds).toBe(VOICE_MAX_SECONDS);
  });

  it("[V26] a provider that never answers (and ignores the signal) is abandoned when the timer fires; the next job runs", async () => {
    const timer = manualTimer();
    let reached: () => void = () => {};
    const called = new Promise<void>((r) => (reached = r));
    let calls = 0;
    const stt = transcriber((call) => {
      calls++;
      if (calls === 1) return (reached(), new Promise<never>(() => {}));
      return { text: `heard ${call.bytes.length}` };
    });
    const kept: Promise<unknown>[] = [];
    const { jobs } = bareJobs({ transcriber: ok(stt.value), speaker: null }, { after: timer.after, keepAlive: (w) => kept.push(w) });
    const a = idOf(jobs.accept(clip(3000, 1, { review: true }), ctx()));
    const b = idOf(jobs.accept(clip(3001, 1, { review: true }), ctx()));
    // V15: each job is kept alive past the call that started it.
    expect(kept).toHaveLength(2);
    await called;
    expect(timer.waits).toEqual([VOICE_JOB_TIMEOUT_MS]);
    expect(jobs.job(b)?.status).toBe("queued");
    timer.fire();
    await jobs.idle();
    expect(jobs.job(a)).toMatchObject({ status: "failed", error: { code: "internal", message: expect.stringContaining("did not answer in time") } });
    expect(stt.calls[0]?.signal?.aborted).toBe(true);
    expect(jobs.job(b)).toMatchObject({ status: "done", transcript: "heard 3001" });
    expect(jobs.audio.rows()).toBe(0);
    await Promise.all(kept);
  });

  it("[V26] speech from a provider that never answers ends when the timer fires: 500 worded, nothing charged", async () => {
    const timer = manualTimer();
    const stuck: Speaker = { provider: "openai", model: "tts-test", speak: () => new Promise<never>(() => {}) };
    const { jobs, ledger } = bareJobs({ transcriber: null, speaker: ok(stuck) }, { after: timer.after });
    const spoken = jobs.speak("Your task is saved.", ctx());
    await expect.poll(() => timer.waits).toEqual([SPEECH_TIMEOUT_MS]);
    timer.fire();
    expect(await spoken).toMatchObject({ ok: false, error: { code: "internal", message: expect.stringContaining("TTS_PROVIDER") } });
    expect(ledger.state.usage.voiceSeconds ?? 0).toBe(0);
  });

  it("[V29] a transcript the messages-a-minute limit refuses is kept: done without a message, charged, sendable later", async () => {
    const room = roomWith({ transcriber: transcriber((call) => ({ text: call.bytes.length === 3000 ? "buy oat milk" : "call the plumber" })).value }, { MESSAGES_PER_MINUTE: "1" });
    const first = idOf(room.room.voice.accept(clip(3000, 1), ctx()));
    const second = idOf(room.room.voice.accept(clip(3001, 1), ctx()));
    await settle(room);
    expect(room.room.voice.job(first)?.messageId).toBeDefined();
    expect(room.room.voice.job(second)).toEqual({ id: second, status: "done", transcript: "call the plumber" });
    expect(room.room.ledger.state.usage.voiceSeconds).toBe(2);
    room.clock += 61_000;
    const sent = await http(room, "POST", `/api/v1/voice/jobs/${second}/send`, JSON.stringify({ text: "call the plumber" }), { "content-type": "application/json" });
    expect(sent.status).toBe(202);
    await settle(room);
    expect(room.room.ledger.state.recentMessages.filter((m) => m.role === "user").map((m) => m.text)).toEqual(["buy oat milk", "call the plumber"]);
  });
});

describe("Voice — jobs over time", () => {
  it("[V15] the state never drops an unfinished job to keep the latest 50", () => {
    const at = (i: number) => new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString();
    const job = (i: number, status: VoiceJobRecord["status"]): VoiceJobRecord => ({ id: `j${i}`, status, review: false, mediaType: "audio/wav", bytes: 1, seconds: 1, createdAt: at(i), updatedAt: at(i) });
    let jobs = reduceVoiceJobs(undefined, queued(job(0, "queued")));
    for (let i = 1; i <= VOICE_JOBS_KEPT + 5; i++) jobs = reduceVoiceJobs(jobs, queued(job(i, "done")));
    expect(Object.keys(jobs)).toHaveLength(VOICE_JOBS_KEPT);
    expect(jobs.j0?.status).toBe("queued");
    expect(jobs.j1).toBeUndefined();
  });

  it("[V27] resume fails a job that waited over 10 minutes and deletes its audio; audio of no unfinished job is deleted", async () => {
    const first = roomWith({ transcriber: deaf().value });
    const id = idOf(first.room.voice.accept(clip(3000, 1), ctx()));
    first.room.voice.audio.put("orphan", new Uint8Array([1, 2, 3]));
    const working = transcriber(() => ({ text: "never" }));
    const second = roomWith({ transcriber: working.value }, {}, first.sql, first.clock + VOICE_STALE_MS + 1000);
    await settle(second);
    expect(second.room.voice.job(id)).toMatchObject({ status: "failed", error: { message: STALE } });
    expect(working.calls).toHaveLength(0);
    expect(second.room.voice.audio.rows()).toBe(0);
  });

  it("[V28] discard: a review transcript is dropped (200, idempotent); a sent job is 409; an unknown one 404", async () => {
    const room = roomWith({ transcriber: transcriber(() => ({ text: "the secret walrus plan" })).value });
    const held = idOf(room.room.voice.accept(clip(3000, 1, { review: true }), ctx()));
    const sent = idOf(room.room.voice.accept(clip(3001, 1), ctx()));
    await settle(room);
    const discard = (id: string) => http(room, "POST", `/api/v1/voice/jobs/${id}/discard`, undefined, { "x-device-id": "phone-1" });
    const once = await discard(held);
    expect([once.status, await once.json()]).toEqual([200, { id: held, status: "failed", error: { code: "cancelled", message: "discarded" } }]);
    const again = await discard(held);
    expect([again.status, await again.json()]).toEqual([200, { id: held, status: "failed", error: { code: "cancelled", message: "discarded" } }]);
    expect(voiceEvents(room).filter((e) => e.type === "voice.job.failed")).toHaveLength(1);
    expect(JSON.stringify(room.room.ledger.state.voiceJobs?.[held])).not.toContain("walrus");
    expect((await discard(sent)).status).toBe(409);
    expect((await discard("no-such-job")).status).toBe(404);
    expect((await http(room, "POST", `/api/v1/voice/jobs/${held}/send`, JSON.stringify({ text: "x" }), { "content-type": "application/json" })).status).toBe(409);
  });

  it("[V16][C12] transcripts older than 90 days are blanked in the ledger and leave the state, from a snapshot or from zero", async () => {
    const room = roomWith({ transcriber: transcriber(() => ({ text: "the zanzibar quokka code" })).value });
    const id = idOf(room.room.voice.accept(clip(3000, 1, { review: true }), ctx()));
    await settle(room);
    room.room.ledger.writeSnapshot();
    room.clock += 91 * 24 * 60 * 60 * 1000;
    maintain({ sql: room.sql, ledger: room.room.ledger, store: room.room.chat.store, now: room.clock });
    expect(room.room.voice.job(id)).toBeNull();
    const rows = room.sql.exec<{ payload: string }>("SELECT payload FROM ledger_events UNION ALL SELECT state FROM ledger_snapshots").toArray();
    expect(rows.filter((r) => r.payload.includes("zanzibar"))).toEqual([]);
    expect(new Ledger(room.sql).state.voiceJobs).toEqual(room.room.ledger.state.voiceJobs);
    expect(new Ledger(room.sql).replayFromZero().voiceJobs).toEqual(room.room.ledger.state.voiceJobs);
  });

  it("[V15][U5] an archive with an unfinished job imports it failed (its audio was not in the archive)", async () => {
    const from = roomWith({ transcriber: deaf().value });
    const id = idOf(from.room.voice.accept(clip(3000, 1), ctx()));
    const data = buildExport({ ledger: from.room.ledger, doc: from.doc, store: from.room.chat.store, sql: from.sql, userId: "alice", now: () => from.clock });
    const to = roomWith({ transcriber: transcriber(() => ({ text: "never" })).value });
    const done = importArchive({ ledger: to.room.ledger, doc: to.doc, store: to.room.chat.store, sql: to.sql, now: () => to.clock, correlationId: "imp", log: () => {} }, data, new Uint8Array([0, 0]), "alice");
    expect(done.ok).toBe(true);
    expect(to.room.voice.job(id)).toMatchObject({ status: "failed", error: { code: "internal" } });
    expect(to.room.voice.wakeAt()).toBeNull();
  });

  it("[V12] a clip's table made in a transaction that rolled back is not remembered as there", () => {
    const sql = nodeSql();
    const store = new VoiceAudioStore(sql);
    expect(() =>
      sql.transactionSync(() => {
        store.put("a", new Uint8Array([1, 2]));
        throw new Error("rolled back");
      }),
    ).toThrow("rolled back");
    expect(store.rows()).toBe(0);
    expect(store.get("a")).toBeNull();
    store.put("b", new Uint8Array([3]));
    expect(store.rows()).toBe(1);
  });
});

describe("Voice — bad uploads to the real route", () => {
  const wav = (seconds: number) => concat(wavHeader(seconds), new Uint8Array(Math.round(seconds * 32_000)));
  /** The platform's multipart encoding, as bytes (a FormData body cancelled mid-stream upsets undici, not the room). */
  const form = async (bytes: Uint8Array, type: string) => {
    const f = new FormData();
    f.append("audio", new Blob([bytes.slice().buffer], { type }), "clip");
    const encoded = new Response(f);
    return { body: new Uint8Array(await encoded.arrayBuffer()), type: encoded.headers.get("content-type") ?? "" };
  };
  const cases: [string, () => Uint8Array, string, number, string][] = [
    ["oversized", () => new Uint8Array(VOICE_MAX_BYTES + 64 * 1024), "audio/wav", 413, "too_large"],
    ["truncated", () => wav(2).slice(0, 20_000), "audio/wav", 400, "invalid_request"],
    ["wrong type", () => PNG, "image/png", 415, "unsupported_media_type"],
    ["zero-length", () => new Uint8Array(0), "audio/wav", 400, "invalid_request"],
  ];
  for (const [name, bytes, type, status, code] of cases) {
    it(`[V1][V10] ${name} audio is ${status} ${code} with a request id; nothing stored; the Idempotency-Key stays unused`, async () => {
      const stt = transcriber(() => ({ text: "buy milk" }));
      const room = roomWith({ transcriber: stt.value });
      const headers = { "idempotency-key": "voice-key-bad-0001", "x-device-id": "phone-1" };
      const bad = await form(bytes(), type);
      const res = await http(room, "POST", "/api/v1/voice-upload", bad.body, { ...headers, "content-type": bad.type });
      const body = (await res.json()) as { error: { code: string; requestId: string } };
      expect([res.status, body.error.code]).toEqual([status, code]);
      expect(body.error.requestId).toMatch(/^req-/);
      expect(voiceEvents(room)).toEqual([]);
      expect(room.room.voice.audio.rows()).toBe(0);
      const ok = await form(wav(1), "audio/wav");
      const good = await http(room, "POST", "/api/v1/voice-upload", ok.body, { ...headers, "content-type": ok.type });
      expect(good.status).toBe(202);
      await settle(room);
      expect(stt.calls).toHaveLength(1);
    });
  }
});

function queued(job: VoiceJobRecord): EventOf<"voice.job.queued"> {
  const event = parseLedgerEvent({ seq: 1, id: `e-${job.id}`, type: "voice.job.queued", ts: job.createdAt, actor: { kind: "user" }, correlationId: "c", payload: { job } });
  if (event?.type !== "voice.job.queued") throw new Error("not a voice.job.queued event");
  return event;
}
