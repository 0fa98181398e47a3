/**
 * Voice jobs in the room (docs/PROTOCOL.md V10–V16, V19, V20): an accepted
 * clip is stored with its `voice.job.queued` event in one transaction and
 * answered `202`; the job then runs in the background — limits, transcription,
 * and the transcript sent as the user's message (`channel: "voice"`, client
 * action id `voice-<jobId>`) or held for review — and its audio is deleted in
 * the transaction that ends it, done or failed. Every step is a ledger event,
 * so every device sees it live; a room woken with jobs unfinished resumes them
 * from their stored audio. Audio and transcripts are never logged.
 */
import { type Accepted, type MessageSend, MessageSendSchema } from "../../shared/chat.ts";
import { DEFAULT_CONVERSATION_ID } from "../../shared/conversations.ts";
import { dayOf } from "../../shared/dates.ts";
import type { Actor } from "../../shared/domain.ts";
import { type AppError, fail, ok, type Result } from "../../shared/errors.ts";
import { publicJob, type VoiceCapabilities, type VoiceJob, type VoiceJobRecord } from "../../shared/voice.ts";
import type { CommandContext } from "../core/commands.ts";
import { findConversation } from "../core/conversation-commands.ts";
import type { Ledger } from "../core/ledger.ts";
import type { SqlStore } from "../core/sql.ts";
import type { LogFields, Level } from "../log.ts";
import { VoiceAudioStore } from "./audio-store.ts";
import type { VoiceConfig } from "./config.ts";
import { transcriptionCost, voiceRefusal } from "./limits.ts";
import { voiceProviderFailure } from "./providers.ts";
import { capabilities, speak, type Spoken } from "./speech.ts";
import type { Transcriber, VoiceProviders, VoiceUpload } from "./types.ts";

/** While a job is unfinished the alarm comes back at least this often, so an evicted room resumes it (V15). */
export const VOICE_WAKE_MS = 60_000;
/** A transcription that has not answered by then is abandoned (the provider's own timeout is shorter, V8). */
export const VOICE_JOB_TIMEOUT_MS = 90_000;
/** V12: a transcript with no words is a failure, never an empty message. */
export const NO_SPEECH = "no speech was heard in the recording";

export type VoiceJobsDeps = {
  sql: SqlStore;
  ledger: Ledger;
  now: () => number;
  newId: () => string;
  /** The providers as the host made them (read per job: a test may give its room a fake one). */
  providers: () => VoiceProviders;
  config: VoiceConfig;
  dailyTokens: number;
  /** The chat's one way in for a user message (C1): idempotent by client action id. */
  submit: (input: MessageSend, actor: Actor, requestId: string) => Result<Accepted & { duplicate: boolean }>;
  /** Points the room's alarm again (it asks `wakeAt`). */
  reschedule: () => void;
  log: (level: Level, fields: LogFields) => void;
};

/** What the HTTP routes ask of the room's voice (V10–V18). */
export type VoiceApi = Pick<VoiceJobs, "transcriber" | "job" | "accept" | "send" | "speak" | "capabilities">;

export class VoiceJobs {
  readonly audio: VoiceAudioStore;
  #deps: VoiceJobsDeps;
  /** Jobs running in this process: a resume does not start one twice. */
  #running = new Map<string, Promise<void>>();

  constructor(deps: VoiceJobsDeps) {
    this.#deps = deps;
    this.audio = new VoiceAudioStore(deps.sql);
  }

  /** V10: the transcriber, or the `501` naming STT_PROVIDER (or the setting that is wrong) — checked before any body is read. */
  transcriber(): Result<Transcriber> {
    const configured = this.#deps.providers().transcriber;
    if (configured === null) return fail("not_configured", "server speech-to-text is not configured: set STT_PROVIDER (workers-ai or openai); the web app uses the browser's speech recognition meanwhile");
    if (!configured.ok) return fail("not_configured", configured.error.message);
    return configured;
  }

  /** V11 */
  job(jobId: string): VoiceJob | null {
    const job = this.#record(jobId);
    return job ? publicJob(job) : null;
  }

  /**
   * V10, V12: stores the clip and queues its job in one transaction, then starts it.
   * Idempotent by client action id (`Idempotency-Key`): a retry answers the same job.
   */
  accept(upload: VoiceUpload, ctx: CommandContext): Result<{ transcriptJobId: string; duplicate: boolean }> {
    const { ledger, now } = this.#deps;
    const request = JSON.stringify({
      kind: "voice.upload",
      mediaType: upload.info.mediaType,
      bytes: upload.audio.length,
      digest: digest(upload.audio),
      conversationId: upload.conversationId ?? null,
      review: upload.review,
    });
    if (ctx.clientActionId !== undefined) {
      const prior = ledger.checkAction(ctx.clientActionId, request);
      if (prior.status === "conflict") return fail("conflict", `clientActionId ${ctx.clientActionId} was already used for a different request`);
      if (prior.status === "duplicate") {
        const result = prior.recorded.result;
        const id = typeof result === "object" && result !== null && "transcriptJobId" in result && typeof result.transcriptJobId === "string" ? result.transcriptJobId : null;
        if (id !== null) return ok({ transcriptJobId: id, duplicate: true });
        return fail("conflict", `clientActionId ${ctx.clientActionId} was already used for a different request`);
      }
    }
    if (upload.conversationId !== undefined && !findConversation(ledger.state, upload.conversationId)) {
      return fail("not_found", `conversation ${upload.conversationId} does not exist`);
    }
    const id = this.#deps.newId();
    const at = new Date(now()).toISOString();
    const deviceId = ctx.actor.kind === "user" ? ctx.actor.deviceId : undefined;
    const job: VoiceJobRecord = {
      id,
      status: "queued",
      ...(upload.conversationId !== undefined && upload.conversationId !== DEFAULT_CONVERSATION_ID ? { conversationId: upload.conversationId } : {}),
      review: upload.review,
      ...(deviceId !== undefined ? { deviceId } : {}),
      mediaType: upload.info.mediaType,
      bytes: upload.audio.length,
      seconds: upload.info.seconds,
      createdAt: at,
      updatedAt: at,
    };
    const result = { transcriptJobId: id };
    ledger.transaction(() => {
      this.audio.put(id, upload.audio);
      ledger.append({
        type: "voice.job.queued",
        actor: ctx.actor,
        correlationId: ctx.correlationId,
        payload: { job },
        clientActionId: ctx.clientActionId,
        request: ctx.clientActionId === undefined ? undefined : request,
        result,
      });
    });
    this.#deps.log("info", { event: "voice.queued", requestId: ctx.correlationId, detail: `${id} ${job.mediaType} ${job.bytes} bytes ${job.seconds.toFixed(1)} s` });
    this.#deps.reschedule();
    this.#start(id, ctx.correlationId);
    return ok({ ...result, duplicate: false });
  }

  /**
   * V14: sends a reviewed transcript (as corrected) as the user's message. Idempotent by the job:
   * a second send answers the first message; a job not done yet, or already sent, is a conflict.
   */
  send(jobId: string, text: string, ctx: CommandContext): Result<{ messageId: string; turnId?: string; duplicate: boolean }> {
    const job = this.#record(jobId);
    if (!job) return fail("not_found", `voice job ${jobId} does not exist`);
    if (job.status !== "done") return fail("conflict", `voice job ${jobId} is ${job.status}, not done: nothing to send yet`);
    const key = `voice-${jobId}`;
    if (job.messageId !== undefined) {
      // The same send again (its message's text): the first answer. Any other text: the job was sent already.
      const prior = this.#deps.ledger.checkAction(key, JSON.stringify({ kind: "message.send", ...this.#message(job, text) }));
      if (prior.status === "duplicate") return ok({ messageId: job.messageId, duplicate: true });
      return fail("conflict", `voice job ${jobId} was already sent`);
    }
    const input = messageInput({ ...this.#message(job, text), clientActionId: key });
    if (!input.ok) return input;
    return this.#deps.ledger.transaction(() => {
      const sent = this.#deps.submit(input.value, ctx.actor, ctx.correlationId);
      if (!sent.ok) return sent;
      this.#deps.ledger.append({ type: "voice.job.sent", actor: ctx.actor, correlationId: ctx.correlationId, payload: { jobId, messageId: sent.value.messageId } });
      return ok({ messageId: sent.value.messageId, turnId: sent.value.turnId, duplicate: false });
    });
  }

  /** V17 */
  speak(text: string, ctx: CommandContext, signal?: AbortSignal): Promise<Result<Spoken>> {
    return speak(this.#deps, text, ctx, signal);
  }

  /** V18 */
  capabilities(): VoiceCapabilities {
    return capabilities(this.#deps);
  }

  /** V15: jobs left queued or transcribing (a restart, an eviction) run again from their stored audio. */
  resume(): void {
    for (const job of Object.values(this.#deps.ledger.state.voiceJobs ?? {})) {
      if (job.status === "queued" || job.status === "transcribing") this.#start(job.id, this.#deps.newId());
    }
  }

  /** V15: when the alarm must come back while a job is unfinished; null when none is. */
  wakeAt(): number | null {
    const unfinished = Object.values(this.#deps.ledger.state.voiceJobs ?? {}).some((j) => j.status === "queued" || j.status === "transcribing");
    return unfinished ? this.#deps.now() + VOICE_WAKE_MS : null;
  }

  /** Resolves when every job started so far has ended (tests, and the host's waitUntil). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()]);
  }

  #record(jobId: string): VoiceJobRecord | null {
    const jobs = this.#deps.ledger.state.voiceJobs ?? {};
    return Object.hasOwn(jobs, jobId) ? (jobs[jobId] ?? null) : null;
  }

  #message(job: VoiceJobRecord, text: string): Omit<MessageSend, "clientActionId"> {
    return { text, channel: "voice", ...(job.conversationId !== undefined ? { conversationId: job.conversationId } : {}) };
  }

  #start(jobId: string, requestId: string): void {
    if (this.#running.has(jobId)) return;
    const run = this.#run(jobId, requestId)
      .catch((error: unknown) => {
        // A bug, or the room's storage gone under it (an erase, U14): the job must still end, and its audio go.
        this.#deps.log("error", { event: "voice.job_bug", requestId, detail: error instanceof Error ? error.name : "unknown" });
        try {
          this.#fail(jobId, requestId, { code: "internal", message: "the voice job failed; try again" });
        } catch {
          // The storage refuses every write (an erased room): there is nothing left to end.
        }
      })
      .finally(() => {
        this.#running.delete(jobId);
        try {
          this.#deps.reschedule();
        } catch {
          // As above: an erased room sets no alarm.
        }
      });
    this.#running.set(jobId, run);
  }

  async #run(jobId: string, requestId: string): Promise<void> {
    // Let the accepting request answer first; the job runs after it.
    await Promise.resolve();
    const job = this.#record(jobId);
    if (!job || (job.status !== "queued" && job.status !== "transcribing")) return;
    const transcriber = this.transcriber();
    if (!transcriber.ok) return this.#fail(jobId, requestId, transcriber.error);
    const { ledger, now, config, dailyTokens } = this.#deps;
    // V19, V20: refused before the provider is called; nothing is charged.
    const refused = voiceRefusal(
      { usage: ledger.state.usage, now: now(), timeZone: ledger.state.preferences.timezone, minutesPerDay: config.minutesPerDay, dailyTokens },
      transcriptionCost(job.seconds),
    );
    if (refused) return this.#fail(jobId, requestId, refused);
    const audio = this.audio.get(jobId);
    if (audio === null) return this.#fail(jobId, requestId, { code: "internal", message: "the recording is no longer stored; record it again" });
    if (job.status === "queued") ledger.append({ type: "voice.job.transcribing", actor: { kind: "system" }, correlationId: requestId, payload: { jobId } });
    let heard: { text: string; seconds?: number };
    try {
      heard = await transcriber.value.transcribe(audio, job.mediaType, AbortSignal.timeout(VOICE_JOB_TIMEOUT_MS));
    } catch (error) {
      const failure = voiceProviderFailure(error, "transcription");
      this.#deps.log("warn", { event: "voice.provider_failed", requestId, code: failure.code, detail: `${transcriber.value.provider} ${failure.message}` });
      return this.#fail(jobId, requestId, failure);
    }
    const transcript = heard.text.trim();
    const seconds = heard.seconds !== undefined && Number.isFinite(heard.seconds) && heard.seconds > 0 ? heard.seconds : job.seconds;
    const cost = transcriptionCost(seconds);
    const day = dayOf(now(), ledger.state.preferences.timezone);
    const current = this.#record(jobId);
    if (!current || current.status !== "transcribing") {
      // Deleted with its conversation while the provider worked: charged, its audio gone, nothing sent.
      return ledger.transaction(() => {
        ledger.append({ type: "voice.used", actor: { kind: "system" }, correlationId: requestId, payload: { day, kind: "transcription", ...cost } });
        this.audio.delete(jobId);
      });
    }
    const ended = ledger.transaction((): "done" | "failed" => {
      // V20: the provider was called: it is charged, whatever the transcript.
      ledger.append({ type: "voice.used", actor: { kind: "system" }, correlationId: requestId, payload: { day, kind: "transcription", ...cost } });
      if (transcript === "") return this.#fail(jobId, requestId, { code: "invalid_request", message: NO_SPEECH }), "failed";
      let messageId: string | undefined;
      if (!job.review) {
        const actor: Actor = job.deviceId !== undefined ? { kind: "user", deviceId: job.deviceId } : { kind: "user" };
        const input = messageInput({ ...this.#message(job, transcript), clientActionId: `voice-${jobId}` });
        const sent = input.ok ? this.#deps.submit(input.value, actor, requestId) : input;
        if (!sent.ok) return this.#fail(jobId, requestId, sent.error), "failed";
        messageId = sent.value.messageId;
      }
      ledger.append({
        type: "voice.job.done",
        actor: { kind: "system" },
        correlationId: requestId,
        payload: { jobId, transcript, seconds, ...(messageId !== undefined ? { messageId } : {}) },
      });
      this.audio.delete(jobId);
      return "done";
    });
    if (ended === "done") this.#deps.log("info", { event: "voice.done", requestId, detail: `${jobId} ${seconds.toFixed(1)} s` });
  }

  /** V12, V16: the job fails with a sentence for people; its audio goes in the same transaction. */
  #fail(jobId: string, requestId: string, error: AppError): void {
    const message = error.retryAfter !== undefined ? `${error.message}; try again in ${Math.ceil(error.retryAfter / 60)} min` : error.message;
    this.#deps.ledger.transaction(() => {
      if (this.#record(jobId)) {
        this.#deps.ledger.append({ type: "voice.job.failed", actor: { kind: "system" }, correlationId: requestId, payload: { jobId, code: error.code, message } });
      }
      this.audio.delete(jobId);
    });
    this.#deps.log("warn", { event: "voice.failed", requestId, code: error.code, detail: jobId });
  }
}

/** A transcript is checked as a typed message is (C1: its length, no control characters) before it is sent. */
function messageInput(input: MessageSend): Result<MessageSend> {
  const parsed = MessageSendSchema.safeParse(input);
  return parsed.success ? ok(parsed.data) : fail("invalid_request", `the transcript cannot be sent as a message: ${parsed.error.issues[0]?.message ?? "invalid"}`);
}

/** FNV-1a over the clip: tells a retry of the same upload from another clip sent under the same key (H7). */
function digest(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return `${bytes.length.toString(16)}-${hash.toString(16)}`;
}
