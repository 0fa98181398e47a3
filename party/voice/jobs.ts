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
import { publicJob, VOICE_MAX_SECONDS, type VoiceCapabilities, type VoiceJob, type VoiceJobRecord } from "../../shared/voice.ts";
import type { CommandContext } from "../core/commands.ts";
import { findConversation } from "../core/conversation-commands.ts";
import type { Ledger } from "../core/ledger.ts";
import type { SqlStore } from "../core/sql.ts";
import type { LogFields, Level } from "../log.ts";
import { VoiceAudioStore } from "./audio-store.ts";
import type { VoiceConfig } from "./config.ts";
import { transcriptionCost, type VoiceCost, voiceRefusal } from "./limits.ts";
import { voiceProviderFailure } from "./providers.ts";
import { capabilities, speak, type Spoken } from "./speech.ts";
import { after, type After, timed } from "./timeout.ts";
import type { Transcriber, VoiceProviders, VoiceUpload } from "./types.ts";

/** While a job is unfinished the alarm comes back at least this often, so an evicted room resumes it (V15). */
export const VOICE_WAKE_MS = 60_000;
/** A transcription that has not answered by then is abandoned (the provider's own timeout is shorter, V8). */
export const VOICE_JOB_TIMEOUT_MS = 90_000;
/** V27: at most this many jobs unfinished at once; another upload is `429` before its body is read. */
export const VOICE_MAX_UNFINISHED = 3;
/** V27: what a refused upload is told to wait, in seconds (about one job's turn). */
export const VOICE_BUSY_RETRY_S = 30;
/** V27: a job still unfinished this long after its upload is failed when the room resumes it. */
export const VOICE_STALE_MS = 10 * 60_000;
export const STALE = "the recording waited too long; send it again";
/** V28: what a discarded review job's failure says. */
export const DISCARDED = { code: "cancelled", message: "discarded" } as const;
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
  /** Keeps a running job alive past the request or alarm that started it (the DO's `ctx.waitUntil`, V15). */
  keepAlive?: (work: Promise<unknown>) => void;
  /** V26: the timer a provider call is raced against (tests give a controllable one). */
  after?: After;
  log: (level: Level, fields: LogFields) => void;
};

/** What the HTTP routes ask of the room's voice (V10–V18). */
export type VoiceApi = Pick<VoiceJobs, "transcriber" | "busy" | "job" | "accept" | "send" | "discard" | "speak" | "capabilities">;

export class VoiceJobs {
  readonly audio: VoiceAudioStore;
  #deps: VoiceJobsDeps;
  /** Jobs running in this process: a resume does not start one twice. */
  #running = new Map<string, Promise<void>>();
  /** V25: the room's jobs run one at a time, so each limit check sees the charge of the job before it. */
  #tail: Promise<void> = Promise.resolve();
  /** V25: seconds and tokens of provider calls under way (a clip, speech), counted by every limit check until charged. */
  #inFlight: VoiceCost = { seconds: 0, tokens: 0 };

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

  /** V27: `429` while VOICE_MAX_UNFINISHED jobs are unfinished (checked before the body is read, and again on accept). */
  busy(): AppError | null {
    const unfinished = this.#unfinished().length;
    if (unfinished < VOICE_MAX_UNFINISHED) return null;
    return { code: "rate_limited", message: `${unfinished} recordings are still being transcribed; send this one when they are done`, retryAfter: VOICE_BUSY_RETRY_S };
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
    const busy = this.busy();
    if (busy) return { ok: false, error: busy };
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

  /**
   * V28: a job's transcript dropped without sending it (`voice.job.failed` cancelled). Idempotent: a job
   * already failed answers as it is; a sent job is a conflict. A running job ends here; its audio goes.
   */
  discard(jobId: string, ctx: CommandContext): Result<VoiceJob> {
    const job = this.#record(jobId);
    if (!job) return fail("not_found", `voice job ${jobId} does not exist`);
    if (job.messageId !== undefined) return fail("conflict", `voice job ${jobId} was already sent`);
    if (job.status !== "failed") {
      this.#deps.ledger.transaction(() => {
        this.#deps.ledger.append({ type: "voice.job.failed", actor: ctx.actor, correlationId: ctx.correlationId, payload: { jobId, ...DISCARDED } });
        this.audio.delete(jobId);
      });
    }
    const now = this.job(jobId);
    return now ? ok(now) : fail("not_found", `voice job ${jobId} does not exist`);
  }

  /** V17, V25: speech counts the calls under way and is counted while it runs. */
  async speak(text: string, ctx: CommandContext, signal?: AbortSignal): Promise<Result<Spoken>> {
    return speak({ ...this.#deps, inFlight: () => this.#inFlight, reserve: (cost) => this.#reserve(cost), after: this.#deps.after ?? after }, text, ctx, signal);
  }

  /** V18 */
  capabilities(): VoiceCapabilities {
    return capabilities(this.#deps);
  }

  /**
   * V15: jobs left queued or transcribing (a restart, an eviction) run again from their stored audio;
   * V27: one waiting longer than VOICE_STALE_MS fails instead. Audio of no unfinished job is deleted.
   */
  resume(): void {
    const unfinished = this.#unfinished();
    this.audio.deleteExcept(unfinished.map((j) => j.id));
    for (const job of unfinished) {
      if (this.#running.has(job.id)) continue;
      if (this.#deps.now() - Date.parse(job.createdAt) > VOICE_STALE_MS) this.#fail(job.id, this.#deps.newId(), { code: "internal", message: STALE });
      else this.#start(job.id, this.#deps.newId());
    }
  }

  /** V15: when the alarm must come back while a job is unfinished; null when none is. */
  wakeAt(): number | null {
    return this.#unfinished().length > 0 ? this.#deps.now() + VOICE_WAKE_MS : null;
  }

  /** Resolves when every job started so far has ended (tests, and the host's waitUntil). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()]);
  }

  #unfinished(): VoiceJobRecord[] {
    return Object.values(this.#deps.ledger.state.voiceJobs ?? {}).filter((j) => j.status === "queued" || j.status === "transcribing");
  }

  /** V25: counts `cost` as under way until the returned release is called. */
  #reserve(cost: VoiceCost): () => void {
    this.#inFlight = { seconds: this.#inFlight.seconds + cost.seconds, tokens: this.#inFlight.tokens + cost.tokens };
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight = { seconds: this.#inFlight.seconds - cost.seconds, tokens: this.#inFlight.tokens - cost.tokens };
    };
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
    // V25: after the job before it (which always settles: its provider call is timed, V26).
    const run = this.#tail
      .then(() => this.#run(jobId, requestId))
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
    this.#tail = run;
    this.#deps.keepAlive?.(run);
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
      { usage: ledger.state.usage, now: now(), timeZone: ledger.state.preferences.timezone, minutesPerDay: config.minutesPerDay, dailyTokens, inFlight: this.#inFlight },
      transcriptionCost(job.seconds),
    );
    if (refused) return this.#fail(jobId, requestId, refused);
    const audio = this.audio.get(jobId);
    if (audio === null) return this.#fail(jobId, requestId, { code: "internal", message: "the recording is no longer stored; record it again" });
    if (job.status === "queued") ledger.append({ type: "voice.job.transcribing", actor: { kind: "system" }, correlationId: requestId, payload: { jobId } });
    let heard: { text: string; seconds?: number };
    const release = this.#reserve(transcriptionCost(job.seconds));
    try {
      heard = await timed((signal) => transcriber.value.transcribe(audio, job.mediaType, signal), VOICE_JOB_TIMEOUT_MS, this.#deps.after ?? after);
    } catch (error) {
      const failure = timedOut(error)
        ? { code: "internal" as const, message: "the speech-to-text provider did not answer in time (STT_PROVIDER); send it again" }
        : voiceProviderFailure(error, "transcription");
      this.#deps.log("warn", { event: "voice.provider_failed", requestId, code: failure.code, detail: `${transcriber.value.provider} ${failure.message}` });
      return this.#fail(jobId, requestId, failure);
    } finally {
      release();
    }
    const transcript = heard.text.trim();
    // V20: the provider's length, but never more than the clip could be (V1's cap, or the container's own length).
    const reported = heard.seconds !== undefined && Number.isFinite(heard.seconds) && heard.seconds > 0 ? heard.seconds : job.seconds;
    const seconds = Math.min(reported, Math.max(job.seconds, VOICE_MAX_SECONDS));
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
        if (!input.ok) return this.#fail(jobId, requestId, input.error), "failed";
        const sent = this.#deps.submit(input.value, actor, requestId);
        // V29: refused (the messages-a-minute limit, the budget): the transcript is kept, done without a message, for `/send`.
        if (sent.ok) messageId = sent.value.messageId;
        else this.#deps.log("warn", { event: "voice.not_sent", requestId, code: sent.error.code, detail: jobId });
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

/** V26: the timer won the race. */
const timedOut = (error: unknown): boolean => error instanceof DOMException && error.name === "TimeoutError";

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
