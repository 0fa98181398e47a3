/**
 * The room's side of the architect (docs/PROTOCOL.md B30–B41): it starts a
 * run (a row, then the workflow), and answers each step the workflow sends
 * back over RPC — the goal's context, the breakdown (the model through the
 * room's provider and budget, or the offline rules), progress for every
 * device, the proposal (handed to `room.architect`, one per run) and a clear
 * failure message. Plain code: the Durable Object supplies `launch`.
 */
import type { LanguageModel } from "ai";
import { localDate } from "../../shared/dates.ts";
import type { Task } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { formatDay } from "../../shared/format.ts";
import { ArchitectStageSchema, type ServerFrame } from "../../shared/protocol.ts";
import { dayStart, isoInZone } from "../../shared/zoned.ts";
import type { RoomConfig } from "../config.ts";
import type { Ledger } from "../core/ledger.ts";
import { memoriesOf } from "../core/projections.ts";
import { provenanceHash } from "../core/provenance.ts";
import type { SqlStore } from "../core/sql.ts";
import { modelFor } from "../models.ts";
import { classifyProviderError } from "../chat/provider-errors.ts";
import type { ArchitectPort } from "../goals/architect-port.ts";
import { type ArchitectCall, ArchitectCallSchema, type ArchitectContext, type ArchitectParams, type ArchitectStage, type DraftedAnswer } from "./calls.ts";
import { modelBreakdown } from "./model.ts";
import { addDays, DEFAULT_WEEKS, MAX_PLAN_WEEKS, ruleBreakdown } from "./rules.ts";
import { ArchitectRuns } from "./runs.ts";

/** B38: a run counts as in progress this long; after it, a new one may start even if the old never reported back. */
export const RUN_STALE_MS = 60 * 60_000;

type Gate = { wrap(model: LanguageModel): LanguageModel; settleAll(): void; readonly refusal: { message: string } | null };

export type ArchitectRoomDeps = {
  userId: string;
  sql: SqlStore;
  ledger: Ledger;
  now: () => number;
  newId: () => string;
  config: Pick<RoomConfig, "provider" | "providerEnv" | "chat">;
  /** B36: the daily budget's gate, the same a turn's calls pass. */
  gate: (holder: { turnId: string; requestId: string }) => Gate;
  tasks: () => Task[];
  broadcast: (frame: ServerFrame) => void;
  /** B12: room.architect (part G): the zone, work hours and busy time a run places around, and where its result goes. */
  proposals: () => ArchitectPort;
  /** Creates the workflow instance (the Durable Object's binding); absent, this host cannot run the architect. */
  launch?: ((params: ArchitectParams) => Promise<void>) | undefined;
  log: (event: string, detail: string) => void;
};

export type StartRequest = { goal: string; targetDate: string | null; turnId: string | null; requestId: string };

export class ArchitectRoom {
  readonly runs: ArchitectRuns;
  #deps: ArchitectRoomDeps;
  #model: (() => LanguageModel) | null = null;

  constructor(deps: ArchitectRoomDeps) {
    this.#deps = deps;
    this.runs = new ArchitectRuns(deps.sql, deps.now);
  }

  /** Replaces the room's provider for the breakdown: an embedder's own model, or a test's scripted one. */
  useModel(model: (() => LanguageModel) | null): void {
    this.#model = model;
  }

  /** B38: records the run, then creates its workflow; one run at a time per room. */
  async start(request: StartRequest): Promise<Result<{ runId: string }>> {
    const { launch, now, newId, userId } = this.#deps;
    if (!launch) return fail("internal", "the architect needs the workflow engine, which this server does not have");
    const busy = this.runs.running(now() - RUN_STALE_MS)[0];
    if (busy) return fail("conflict", `I'm still working on “${busy.goal}”; its plan will appear here when it is ready`);
    const runId = newId();
    this.runs.add({ runId, turnId: request.turnId, goal: request.goal, targetDate: request.targetDate });
    try {
      await launch({ userId, runId });
    } catch (error) {
      this.runs.remove(runId);
      this.#deps.log("architect.launch_failed", error instanceof Error ? error.message.slice(0, 200) : "unknown");
      return fail("internal", "the architect could not start; try again in a moment");
    }
    return ok({ runId });
  }

  /** B31: one call from a step of the workflow; validated, and refused for a run this room did not start. */
  async handle(raw: unknown): Promise<Result<unknown>> {
    const parsed = ArchitectCallSchema.safeParse(raw);
    if (!parsed.success) return fail("invalid_request", `architect call refused: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    const call: ArchitectCall = parsed.data;
    const run = this.runs.get(call.runId);
    if (!run) return fail("not_found", `no architect run ${call.runId} in this room`);
    switch (call.step) {
      case "context":
        return ok(this.context(call.runId));
      case "breakdown":
        return this.#breakdown(call.runId);
      case "progress":
        // A run that ended says nothing more: a retried step of a finished run stays quiet.
        if (run.status === "running") this.progress(call.runId, call.stage, call.message);
        return ok(null);
      case "propose":
        return this.#propose(call);
      case "fail":
        this.#fail(call.runId, call.message);
        return ok(null);
      default: {
        const never: never = call;
        throw new Error(`unhandled architect step ${JSON.stringify(never)}`);
      }
    }
  }

  /** B30: the goal, the zone, work hours and what is busy between now and the end of the target date. */
  context(runId: string): ArchitectContext {
    const run = this.runs.get(runId)!;
    const now = this.#deps.now();
    const timeZone = this.#deps.ledger.state.preferences.timezone;
    const today = localDate(timeZone, new Date(now));
    const last = run.targetDate ?? addDays(today, 7 * Math.max(DEFAULT_WEEKS.race, DEFAULT_WEEKS.generic));
    const cap = addDays(today, 7 * MAX_PLAN_WEEKS);
    const until = Math.max(now, dayStart(addDays(last < cap ? last : cap, 1), timeZone));
    // B43: timed calendar events and existing blocks, read by room.architect (one definition of "busy").
    const room = this.#deps.proposals().context(now, until);
    return {
      runId,
      goal: run.goal,
      targetDate: run.targetDate,
      turnId: run.turnId,
      // The preference zone, read once: the same that dates `today` and `until` (room.architect reads it too).
      timeZone,
      workHours: { ...room.workHours, days: [...room.workHours.days] },
      now: isoInZone(now, timeZone),
      today,
      until: isoInZone(until, timeZone),
      busy: room.busy,
    };
  }

  /**
   * B32–B36: the offline assistant plans by rule; a model answers strict JSON
   * (one retry inside), every call gated by the daily budget. A provider error
   * throws, so the workflow engine retries the step (B31); an answer that stays
   * invalid, or a refused budget, ends the run with its message.
   */
  async breakdown(runId: string): Promise<DraftedAnswer> {
    const run = this.runs.get(runId)!;
    const { config, ledger, now } = this.#deps;
    const state = ledger.state;
    const timeZone = state.preferences.timezone;
    const today = localDate(timeZone, new Date(now()));
    // B37: a run that ended (a step retried after it was proposed or failed) sends no progress and asks no model.
    if (run.status !== "running") return { ok: false, message: "this planning run has already ended" };
    this.progress(runId, "breakdown", `Breaking down “${run.goal}”…`);
    const provider = config.provider;
    if (provider.ok && provider.value.provider === "offline" && !this.#model) {
      const input = { goal: run.goal, targetDate: run.targetDate, today };
      const breakdown = ruleBreakdown(input);
      return { ok: true, breakdown, hash: provenanceHash(JSON.stringify(input), JSON.stringify(breakdown)), tokens: 0, source: "rules" };
    }
    const bare = this.#model ? this.#model() : modelFor(config, { timeZone, now: () => new Date(now()) });
    const gate = this.#deps.gate({ turnId: run.turnId ?? `architect-${runId}`, requestId: this.#deps.newId() });
    try {
      const input = {
        goal: run.goal,
        targetDate: run.targetDate,
        today,
        timeZone,
        workHours: state.preferences.workHours,
        tasks: this.#deps.tasks().filter((t) => t.status === "open").map((t) => t.title),
        memories: memoriesOf(state).map((m) => `${m.key}: ${m.value}`),
      };
      const answer = await modelBreakdown(gate.wrap(bare), input, config.chat.maxOutputTokens, () => gate.refusal);
      if (!answer.ok) return { ok: false, message: answer.failure.message };
      return { ok: true, ...answer.drafted };
    } finally {
      gate.settleAll();
    }
  }

  /** The breakdown, with provider failures by type (STYLE.md 15): a retryable one is the step's to retry (B31); any other ends the run. */
  async #breakdown(runId: string): Promise<Result<DraftedAnswer>> {
    try {
      return ok(await this.breakdown(runId));
    } catch (error) {
      const failure = classifyProviderError(error);
      this.#deps.log("architect.provider_failed", `${runId}: ${failure.detail}`);
      if (failure.retryable) return fail("internal", "the assistant is unavailable right now");
      return ok({ ok: false, message: failure.code === "misconfigured" ? failure.message : "the assistant's provider refused the request" });
    }
  }

  /** B41: one progress line, to every device of the user; B48: kept while the run works, for a device that connects meanwhile. */
  progress(runId: string, stage: ArchitectStage, message: string): void {
    this.runs.setProgress(runId, stage, message);
    this.#deps.broadcast({ type: "architect.progress", runId, step: stage, message });
  }

  /** B48: the latest line of each run still working, for a device that says hello mid-run (as C5 gives it a reply so far). */
  catchUp(): ServerFrame[] {
    return this.runs.running(this.#deps.now() - RUN_STALE_MS).flatMap((run) => {
      const stage = ArchitectStageSchema.safeParse(run.progress?.stage);
      return run.progress && stage.success ? [{ type: "architect.progress" as const, runId: run.runId, step: stage.data, message: run.progress.message }] : [];
    });
  }

  /** B39: hands the result to `room.architect` once; a retried step gets the same proposal back. */
  #propose(call: Extract<ArchitectCall, { step: "propose" }>): Result<unknown> {
    const run = this.runs.get(call.runId)!;
    if (run.status === "failed") return fail("conflict", `architect run ${call.runId} already failed`);
    const proposed = this.#deps.proposals().propose({
      runId: call.runId,
      goal: { title: run.goal, targetDate: run.targetDate },
      entries: call.entries,
      rationale: call.rationale,
      hash: call.hash,
      tokens: call.tokens,
      ...(run.turnId ? { turnId: run.turnId } : {}),
    });
    if (!proposed.ok) return proposed;
    if (this.runs.end(call.runId, "proposed", proposed.value.proposalId)) {
      const count = call.entries.length;
      this.progress(call.runId, "propose", `Your plan for “${run.goal}” is ready: ${count} item${count === 1 ? "" : "s"} to review`);
    }
    return ok(proposed.value);
  }

  /** B40: a run that cannot propose ends with one clear message in the chat, on every device; never twice. */
  #fail(runId: string, reason: string): void {
    const run = this.runs.get(runId)!;
    if (!this.runs.end(runId, "failed")) return;
    const when = run.targetDate ? ` for ${formatDay(run.targetDate)}` : "";
    const text = `I couldn't plan “${run.goal}”${when}: ${reason}. Nothing was added; ask me again when you're ready.`;
    const { ledger, now, newId } = this.#deps;
    ledger.append({
      type: "message.added",
      actor: { kind: "assistant", turnId: run.turnId ?? `architect-${runId}` },
      correlationId: newId(),
      payload: { message: { id: newId(), role: "assistant", text, channel: "chat", status: "failed", createdAt: new Date(now()).toISOString() } },
    });
    this.progress(runId, "failed", text.slice(0, 200));
  }
}
