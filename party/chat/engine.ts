/**
 * The chat engine of one room (docs/PROTOCOL.md C1–C14): accepts messages,
 * queues turns, runs the model with the tools, streams tokens to every device
 * and to SSE readers, checkpoints partial text, and settles turns a restart
 * cut off. Platform-free: the room passes storage, the ledger, the command
 * path and a broadcast function in.
 */
import { type LanguageModel, stepCountIs, streamText } from "ai";
import { v7 as uuidv7 } from "uuid";
import type { Accepted, ActionCardFrame, LlmFrame, MessageSend } from "../../shared/chat.ts";
import type { Command } from "../../shared/commands.ts";
import type { Actor, Message, Note, Task } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { Applied, CommandContext } from "../core/commands.ts";
import type { Ledger } from "../core/ledger.ts";
import { memoriesOf } from "../core/projections.ts";
import type { SqlStore } from "../core/sql.ts";
import { buildContext, dayOf, estimateTokens, secondsToMidnightUtc } from "./context.ts";
import { ChatStore, endFrame, type TurnRow } from "./store.ts";
import { toolHost } from "./tool-host.ts";
import { buildTools } from "./tools.ts";
import { confirmProposal, type ProposalDeps, rejectProposal } from "./proposals.ts";

/** Tokens between checkpoints of a streaming turn's text (C4). */
export const CHECKPOINT_EVERY = 8;
/** A turn that produced nothing for this long fails as a timeout (C7). */
export const TURN_IDLE_TIMEOUT_MS = 30_000;
/** Most model steps (tool rounds) in one turn. */
export const MAX_STEPS = 5;

export type ChatLimits = { messagesPerMinute: number; dailyTokens: number; toolDailyCap: number };

export type ChatDeps = {
  userId: string;
  sql: SqlStore;
  ledger: Ledger;
  now: () => number;
  limits: ChatLimits;
  /** The model for a turn; the time zone lets the offline assistant read dates. */
  model: (options: { timeZone: string }) => LanguageModel;
  execute: (command: Command, ctx: CommandContext) => Result<Applied>;
  tasks: () => Task[];
  notes: () => Note[];
  /** Sends a turn frame to every device of the user. */
  broadcast: (frame: LlmFrame) => void;
  /** S6: builds, stores and announces today's plan ("plan my day" in chat). */
  proposePlan: () => Promise<Result<import("../../shared/domain.ts").Plan>>;
  /** Called when a turn ends (S8: tell the device in use if the user was elsewhere). */
  onTurnEnd?: (turn: { turnId: string; status: "completed" | "interrupted" | "failed"; text: string }) => void;
  log: (event: string, fields: { requestId?: string; detail?: string; durationMs?: number }) => void;
};

type Sink = (frame: LlmFrame) => void;

type Active = {
  turnId: string;
  actions: Map<string, ActionCardFrame>;
  messageId: string;
  tokens: string[];
  text: string;
  checkpointed: number;
  abort: AbortController;
  stopReason: "stopped" | "timeout" | null;
};


export class ChatEngine {
  #deps: ChatDeps;
  #store: ChatStore;
  #queue: string[] = [];
  #active: Active | null = null;
  #sinks = new Map<string, Set<Sink>>();
  #running: Promise<void> | null = null;

  constructor(deps: ChatDeps) {
    this.#deps = deps;
    this.#store = new ChatStore(deps.sql);
  }

  get store(): ChatStore {
    return this.#store;
  }

  /**
   * Replaces how turns get their model — for embedding a custom provider, and
   * for tests that need to hold a stream mid-way (a gated fake model).
   */
  useModel(model: ChatDeps["model"]): void {
    this.#deps = { ...this.#deps, model };
  }

  /** The turn streaming now, if any. */
  get active(): { turnId: string; tokens: readonly string[] } | null {
    return this.#active ? { turnId: this.#active.turnId, tokens: this.#active.tokens } : null;
  }

  /** Settles what a restart cut off: streaming turns end interrupted; queued ones run (C6). */
  recover(): void {
    for (const row of this.#store.unfinished()) {
      if (row.status === "queued") {
        this.#queue.push(row.id);
        continue;
      }
      const requestId = uuidv7();
      const text = row.text;
      this.#record(row, "interrupted", text, requestId);
      this.#deps.log("turn.interrupted", { requestId, detail: `${row.id} after restart` });
    }
    this.#kick();
  }

  /** C1–C3: stores the user's message (before any model call) and queues its turn. */
  submit(input: MessageSend, actor: Actor, requestId: string): Result<Accepted & { duplicate: boolean }> {
    const { clientActionId, ...rest } = input;
    const request = JSON.stringify({ kind: "message.send", ...rest });
    if (clientActionId !== undefined) {
      const prior = this.#deps.ledger.checkAction(clientActionId, request);
      if (prior.status === "conflict") return fail("conflict", `clientActionId ${clientActionId} was already used for a different request`);
      if (prior.status === "duplicate") return ok({ ...(prior.recorded.result as Accepted), duplicate: true });
    }
    const now = this.#deps.now();
    const recent = this.#store.recentUserMessages(now);
    if (recent.count >= this.#deps.limits.messagesPerMinute) {
      return fail("rate_limited", `at most ${this.#deps.limits.messagesPerMinute} messages a minute`, recent.retryAfter);
    }
    const turnId = uuidv7();
    const messageId = uuidv7();
    const message: Message = { id: messageId, role: "user", text: input.text, channel: input.channel, turnId, status: "complete", createdAt: new Date(now).toISOString() };
    const accepted: Accepted = { status: "accepted", messageId, turnId, streamUrl: `/api/v1/stream/${turnId}` };
    this.#deps.ledger.transaction(() => {
      this.#store.createTurn(turnId, messageId, now, input.contextIds ?? []);
      this.#deps.ledger.append({
        type: "message.added",
        actor,
        correlationId: requestId,
        payload: { message, contextIds: input.contextIds ?? [] },
        clientActionId,
        request: clientActionId === undefined ? undefined : request,
        result: accepted,
      });
    });
    this.#queue.push(turnId);
    this.#kick();
    return ok({ ...accepted, duplicate: false });
  }

  /** C7: stops a streaming or queued turn, from any device. */
  stop(turnId: string): Result<{ turnId: string; status: string }> {
    if (this.#active?.turnId === turnId) {
      this.#active.stopReason = "stopped";
      this.#active.abort.abort(new Error("stopped by the user"));
      return ok({ turnId, status: "stopping" });
    }
    const queued = this.#queue.indexOf(turnId);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      const row = this.#store.turn(turnId)!;
      this.#record(row, "interrupted", "", uuidv7(), "stopped");
      return ok({ turnId, status: "interrupted" });
    }
    const row = this.#store.turn(turnId);
    if (!row) return fail("not_found", `turn ${turnId} does not exist`);
    return fail("conflict", `turn ${turnId} already ended (${row.status})`);
  }

  /** C8: runs a pending proposal's command, once, if it has not expired. */
  confirm(proposalId: string, actor: Actor, requestId: string): Result<{ proposalId: string; result: unknown }> {
    return confirmProposal(this.#proposalDeps(), proposalId, actor, requestId);
  }

  reject(proposalId: string): Result<{ proposalId: string }> {
    return rejectProposal(this.#proposalDeps(), proposalId);
  }

  #proposalDeps(): ProposalDeps {
    return { ...this.#deps, store: this.#store, action: (turnId, card) => this.#action(turnId, card) };
  }

  /** C5: the frames a device joining now needs to catch up on the streaming turn. */
  catchUp(resume?: { turnId: string; seq: number }): LlmFrame[] {
    const active = this.#active;
    if (!active) return [];
    const from = resume?.turnId === active.turnId ? resume.seq + 1 : 0;
    const tokens: LlmFrame[] = active.tokens.slice(from).map((token, i) => ({ type: "llm.token", turnId: active.turnId, seq: from + i, token }));
    const actions: LlmFrame[] = [...active.actions.values()].map((action) => ({ type: "llm.action", turnId: active.turnId, action }));
    return [...tokens, ...actions];
  }

  /**
   * C11: an SSE reader of one turn. Gets the tokens so far in order, then the
   * rest live, then the end; a finished turn is replayed whole. Null: no such turn.
   */
  subscribe(turnId: string, sink: Sink): (() => void) | null {
    const row = this.#store.turn(turnId);
    if (!row) return null;
    if (this.#active?.turnId === turnId) {
      this.#active.tokens.forEach((token, seq) => sink({ type: "llm.token", turnId, seq, token }));
    } else if (row.status !== "queued") {
      this.#store.tokens(turnId).forEach((token, seq) => sink({ type: "llm.token", turnId, seq, token }));
      sink(this.#store.end(row.id) ?? endFrame(row, this.#deps.ledger.state.recentMessages));
      return () => {};
    }
    let sinks = this.#sinks.get(turnId);
    if (!sinks) this.#sinks.set(turnId, (sinks = new Set()));
    sinks.add(sink);
    return () => sinks.delete(sink);
  }

  /** Resolves when the current queue has drained (tests and benchmarks). */
  idle = async (): Promise<void> => void (await this.#running);

  #emit(frame: LlmFrame): void {
    this.#deps.broadcast(frame);
    const sinks = this.#sinks.get(frame.turnId);
    if (sinks) for (const sink of sinks) sink(frame);
    if (frame.type === "llm.completed" || frame.type === "llm.interrupted" || frame.type === "llm.failed") this.#sinks.delete(frame.turnId);
  }

  #action(turnId: string, action: ActionCardFrame): void {
    if (this.#active?.turnId === turnId) this.#active.actions.set(action.id, action);
    this.#emit({ type: "llm.action", turnId, action });
  }

  #kick(): void {
    if (this.#running || this.#queue.length === 0) return;
    this.#running = (async () => {
      try {
        while (this.#queue.length > 0) {
          const turnId = this.#queue.shift()!;
          const row = this.#store.turn(turnId);
          if (row && row.status === "queued") {
            await this.#run(row).catch((error: unknown) => {
              // A bug before the model call: the turn must still end, and the queue go on.
              this.#deps.log("turn.failed", { detail: error instanceof Error ? error.message : String(error) });
              if (this.#active?.turnId === row.id) this.#active = null;
              this.#record(row, "failed", "", uuidv7(), "restart", { code: "internal", message: "the assistant could not answer; your message is saved — try again" });
            });
          }
        }
      } finally {
        this.#running = null;
      }
    })();
  }

  /** Ends a turn: stores its text and tokens, records the assistant's message, tells everyone. */
  #record(row: TurnRow, status: "completed" | "interrupted" | "failed", text: string, requestId: string, reason: "stopped" | "restart" | "timeout" = "restart", failure?: { code: string; message: string; retryAfter?: number }): void {
    const now = this.#deps.now();
    const active = this.#active?.turnId === row.id ? this.#active : null;
    const message: Message = {
      id: uuidv7(),
      role: "assistant",
      text,
      channel: "chat",
      turnId: row.id,
      status: status === "completed" ? "complete" : status,
      createdAt: new Date(now).toISOString(),
    };
    this.#deps.ledger.transaction(() => {
      if (active) this.#store.finish(row.id, status, active.tokens, active.checkpointed, text, now);
      else this.#store.setStatus(row.id, status, now);
      if (status !== "failed" || text) {
        this.#deps.ledger.append({ type: "message.added", actor: { kind: "assistant", turnId: row.id }, correlationId: requestId, payload: { message } });
      }
      if (status === "failed") {
        this.#deps.ledger.append({ type: "turn.failed", actor: { kind: "system" }, correlationId: requestId, payload: { turnId: row.id, ...failure } });
      }
    });
    this.#deps.onTurnEnd?.({ turnId: row.id, status, text });
    const end: LlmFrame =
      status === "completed"
        ? { type: "llm.completed", turnId: row.id, messageId: message.id, text }
        : status === "interrupted"
          ? { type: "llm.interrupted", turnId: row.id, text, reason }
          : { type: "llm.failed", turnId: row.id, code: failure?.code ?? "failed", message: failure?.message ?? "failed", ...(failure?.retryAfter ? { retryAfter: failure.retryAfter } : {}) };
    this.#store.setEnd(row.id, end);
    this.#emit(end);
  }

  #charge(charge: { type: "usage.charged"; tokens: number } | { type: "tool.used"; tool: string }, turnId: string, requestId: string): void {
    const actor = { kind: "assistant" as const, turnId };
    const day = dayOf(this.#deps.now());
    if (charge.type === "usage.charged") this.#deps.ledger.append({ type: charge.type, actor, correlationId: requestId, payload: { day, tokens: charge.tokens } });
    else this.#deps.ledger.append({ type: charge.type, actor, correlationId: requestId, payload: { day, tool: charge.tool } });
  }

  async #run(row: TurnRow): Promise<void> {
    const requestId = uuidv7();
    const started = this.#deps.now();
    const state = this.#deps.ledger.state;
    // The conversation up to this turn's message: messages queued after it are not its business.
    const all = state.recentMessages;
    const at = all.findIndex((m) => m.id === row.message_id);
    const messages = at >= 0 ? all.slice(0, at + 1) : all;
    const user = messages.find((m) => m.id === row.message_id);
    const context = buildContext({
      now: new Date(started),
      preferences: state.preferences,
      memories: memoriesOf(state),
      tasks: this.#deps.tasks(),
      notes: this.#deps.notes(),
      messages: messages.filter((m) => m.status !== "failed"),
      contextIds: this.#store.contextIds(row.id),
    });
    // G6: the daily token budget is checked before the call, with the prompt's estimated size.
    const today = dayOf(started);
    const spent = state.usage.day === today ? state.usage.tokens : 0;
    const estimate = estimateTokens(context.system) + context.messages.reduce((n, m) => n + estimateTokens(String(m.content)), 0) + 500;
    if (spent + estimate > this.#deps.limits.dailyTokens) {
      this.#store.setStatus(row.id, "streaming", started);
      this.#record(row, "failed", "", requestId, "restart", {
        code: "rate_limited",
        message: `today's assistant budget (${this.#deps.limits.dailyTokens} tokens) is used up`,
        retryAfter: secondsToMidnightUtc(started),
      });
      return;
    }
    const active: Active = { turnId: row.id, actions: new Map(), messageId: row.message_id, tokens: [], text: "", checkpointed: 0, abort: new AbortController(), stopReason: null };
    this.#active = active;
    this.#store.setStatus(row.id, "streaming", started);
    let idle = setTimeout(() => {
      active.stopReason = "timeout";
      active.abort.abort(new Error("timeout"));
    }, TURN_IDLE_TIMEOUT_MS);
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        active.stopReason = "timeout";
        active.abort.abort(new Error("timeout"));
      }, TURN_IDLE_TIMEOUT_MS);
    };
    const toolDay = dayOf(started);
    const host = toolHost({ ...this.#deps, store: this.#store, charge: (tool) => this.#charge({ type: "tool.used", tool }, row.id, requestId) }, row.id, requestId, toolDay);
    const tools = buildTools(host, (card) => {
      touch();
      this.#action(row.id, card);
    });
    try {
      const result = streamText({
        model: this.#deps.model({ timeZone: state.preferences.timezone }),
        system: context.system,
        messages: context.messages.length > 0 ? context.messages : [{ role: "user", content: user?.text ?? "" }],
        tools,
        stopWhen: stepCountIs(MAX_STEPS),
        abortSignal: active.abort.signal,
        maxRetries: 1,
        // Errors arrive as `error` parts below; the SDK's default console logging would print stacks.
        onError: () => {},
      });
      let usageTokens = 0;
      for await (const part of result.fullStream) {
        if (part.type === "text-delta") {
          touch();
          const seq = active.tokens.length;
          active.tokens.push(part.text);
          active.text += part.text;
          this.#emit({ type: "llm.token", turnId: row.id, seq, token: part.text });
          if (active.tokens.length - active.checkpointed >= CHECKPOINT_EVERY) {
            this.#store.checkpoint(row.id, active.tokens, active.checkpointed, active.text, this.#deps.now());
            active.checkpointed = active.tokens.length;
          }
        } else if (part.type === "finish") {
          usageTokens = (part.totalUsage.inputTokens ?? 0) + (part.totalUsage.outputTokens ?? 0);
        } else if (part.type === "error") {
          throw part.error;
        } else if (part.type === "abort") {
          throw active.abort.signal.reason ?? new Error("aborted");
        }
      }
      if (active.abort.signal.aborted) throw active.abort.signal.reason;
      this.#charge({ type: "usage.charged", tokens: usageTokens || estimate + estimateTokens(active.text) }, row.id, requestId);
      this.#record(row, "completed", active.text, requestId);
      this.#deps.log("turn.completed", { requestId, durationMs: this.#deps.now() - started });
    } catch (error) {
      // Tokens spent count against the budget however the turn ended (G6).
      this.#charge({ type: "usage.charged", tokens: estimate + estimateTokens(active.text) }, row.id, requestId);
      if (active.stopReason === "stopped") {
        this.#record(row, "interrupted", active.text, requestId, "stopped");
      } else if (active.stopReason === "timeout") {
        this.#record(row, "failed", active.text, requestId, "timeout", { code: "timeout", message: "the assistant took too long; try again" });
      } else {
        const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        this.#deps.log("turn.failed", { requestId, detail: detail.slice(0, 300) });
        // A configuration error is the operator's to see and fix; anything else from a provider stays in the logs.
        const config = /LLM provider settings are invalid|needs the AI binding/.test(detail);
        this.#record(row, "failed", active.text, requestId, "restart", {
          code: config ? "misconfigured" : "provider_error",
          message: config ? detail.replace(/^Error: /, "") : "the assistant is unavailable right now; your message is saved — try again",
        });
      }
    } finally {
      clearTimeout(idle);
      this.#active = null;
    }
  }
}
