/**
 * The chat engine of one room (docs/PROTOCOL.md C1–C14): accepts messages,
 * queues turns, runs the model with the tools, streams tokens to every device
 * and to SSE readers, checkpoints partial text, and settles turns a restart
 * cut off. Platform-free: the room passes storage, the ledger, the command
 * path and a broadcast function in.
 */
import type { LanguageModel } from "ai";
import { v7 as uuidv7 } from "uuid";
import type { Accepted, ActionCardFrame, LlmFrame, MessageSend } from "../../shared/chat.ts";
import type { Command } from "../../shared/commands.ts";
import type { Actor, LedgerEvent, Message, Note, Plan, Task } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { Applied, CommandContext } from "../core/commands.ts";
import type { Ledger } from "../core/ledger.ts";
import { memoriesOf } from "../core/projections.ts";
import type { SqlStore } from "../core/sql.ts";
import { charge, estimatePrompt, overBudget, tokensToCharge } from "./budget.ts";
import { dayOf, turnContext } from "./context.ts";
import { confirmProposal, type ProposalDeps, rejectProposal } from "./proposals.ts";
import { classifyProviderError } from "./provider-errors.ts";
import { type ActionCard, modelTools, ToolRegistry } from "./registry.ts";
import { ChatStore, endFrame, type TurnRow } from "./store.ts";
import { toolHost } from "./tool-host.ts";
import { BUILT_IN_TOOLS } from "./tools.ts";
import { INTERNAL_FAILURE, isEnded, transition, TURN_IDLE_TIMEOUT_MS, type EndedTurn, type TurnEvent, type TurnState } from "./turn.ts";
import { recordEnd } from "./turn-record.ts";
import { streamTurn } from "./turn-stream.ts";
import { watchdog } from "./watchdog.ts";

/** Tokens between checkpoints of a streaming turn's text (C4). */
export const CHECKPOINT_EVERY = 8;

export type ChatLimits = { messagesPerMinute: number; dailyTokens: number; toolDailyCap: number };

export type ChatDeps = {
  userId: string;
  sql: SqlStore;
  ledger: Ledger;
  now: () => number;
  limits: ChatLimits;
  /** The model for a turn; the time zone lets the offline assistant read dates. */
  model: (options: { timeZone: string }) => LanguageModel;
  /** The assistant's tools, read every turn; the built-in ones when absent. */
  tools?: ToolRegistry;
  execute: (command: Command, ctx: CommandContext) => Result<Applied>;
  tasks: () => Task[];
  notes: () => Note[];
  /** Sends a turn frame to every device of the user. */
  broadcast: (frame: LlmFrame) => void;
  /** S6: builds, stores and announces today's plan ("plan my day" in chat). */
  proposePlan: () => Promise<Result<Plan>>;
  /** Called when a turn ends (S8: tell the device in use if the user was elsewhere). */
  onTurnEnd?: (turn: { turnId: string; status: "completed" | "interrupted" | "failed"; text: string }) => void;
  /** Tells the ledger's listeners about an event appended outside the command path. */
  announce: (event: LedgerEvent) => void;
  log: (event: string, fields: { requestId?: string; detail?: string; durationMs?: number }) => void;
};

type Sink = (frame: LlmFrame) => void;

/** The turn streaming now: where it is in its lifecycle, and what it has said and done so far. */
type Run = {
  state: TurnState;
  tokens: string[];
  text: string;
  checkpointed: number;
  actions: Map<string, ActionCardFrame>;
  abort: AbortController;
};

export class ChatEngine {
  #deps: ChatDeps;
  #store: ChatStore;
  #tools: ToolRegistry;
  #queue: string[] = [];
  #active: Run | null = null;
  #sinks = new Map<string, Set<Sink>>();
  #running: Promise<void> | null = null;

  constructor(deps: ChatDeps) {
    this.#deps = deps;
    this.#store = new ChatStore(deps.sql);
    this.#tools = deps.tools ?? new ToolRegistry(BUILT_IN_TOOLS);
  }

  get store(): ChatStore {
    return this.#store;
  }

  /** The assistant's tools: register or unregister one and the next turn has it, or not. */
  get tools(): ToolRegistry {
    return this.#tools;
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
    return this.#active ? { turnId: this.#active.state.turnId, tokens: this.#active.tokens } : null;
  }

  /** Settles what a restart cut off: streaming turns end interrupted; queued ones run (C6). */
  recover(): void {
    for (const row of this.#store.unfinished()) {
      if (row.status === "queued") {
        this.#queue.push(row.id);
        continue;
      }
      const requestId = uuidv7();
      this.#settle(row, { status: "streaming", turnId: row.id, startedAt: row.updated_at }, { type: "restart" }, row.text, requestId);
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
    const recorded = this.#deps.sql.transactionSync(() => {
      this.#store.createTurn(turnId, messageId, now, input.contextIds ?? []);
      return this.#deps.ledger.append({
        type: "message.added",
        actor,
        correlationId: requestId,
        payload: { message, contextIds: input.contextIds ?? [] },
        clientActionId,
        request: clientActionId === undefined ? undefined : request,
        result: accepted,
      });
    });
    this.#deps.announce(recorded.event);
    this.#queue.push(turnId);
    this.#kick();
    return ok({ ...accepted, duplicate: false });
  }

  /** C7: stops a streaming or queued turn, from any device. */
  stop(turnId: string): Result<{ turnId: string; status: string }> {
    if (this.#active?.state.turnId === turnId) {
      this.#dispatch(this.#active, { type: "stop" });
      return ok({ turnId, status: "stopping" });
    }
    const queued = this.#queue.indexOf(turnId);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      this.#settle(this.#store.turn(turnId)!, { status: "queued", turnId }, { type: "stop" }, "", uuidv7());
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
    const run = this.#active;
    if (!run) return [];
    const turnId = run.state.turnId;
    const from = resume?.turnId === turnId ? resume.seq + 1 : 0;
    const tokens: LlmFrame[] = run.tokens.slice(from).map((token, i) => ({ type: "llm.token", turnId, seq: from + i, token }));
    const actions: LlmFrame[] = [...run.actions.values()].map((action) => ({ type: "llm.action", turnId, action }));
    return [...tokens, ...actions];
  }

  /**
   * C11: an SSE reader of one turn. Gets the tokens so far in order, then the
   * rest live, then the end; a finished turn is replayed whole. Null: no such turn.
   */
  subscribe(turnId: string, sink: Sink): (() => void) | null {
    const row = this.#store.turn(turnId);
    if (!row) return null;
    if (this.#active?.state.turnId === turnId) {
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
    if (this.#active?.state.turnId === turnId) this.#active.actions.set(action.id, action);
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
              // A bug in the room: the turn must still end, and the queue go on.
              this.#deps.log("turn.failed", { detail: error instanceof Error ? error.message : String(error) });
              if (this.#active?.state.turnId === row.id) this.#active = null;
              this.#settle(row, { status: "queued", turnId: row.id }, { type: "fail", failure: INTERNAL_FAILURE }, "", uuidv7());
            });
          }
        }
      } finally {
        this.#running = null;
      }
    })();
  }

  /** Applies an event to the streaming turn; entering `stopping` aborts its stream. */
  #dispatch(run: Run, event: TurnEvent): void {
    const next = transition(run.state, event, this.#deps.now());
    if (next === run.state) return;
    run.state = next;
    if (next.status === "stopping" && !run.abort.signal.aborted) run.abort.abort(new Error(next.reason === "stopped" ? "stopped by the user" : "timeout"));
  }

  /** Ends a turn that is not streaming (queued, or cut off by a restart) with one event. */
  #settle(row: TurnRow, from: TurnState, event: TurnEvent, text: string, requestId: string): void {
    const ended = transition(from, event, this.#deps.now());
    if (!isEnded(ended)) throw new Error(`turn ${row.id}: "${event.type}" does not end a ${from.status} turn; use it on a streaming turn through #dispatch`);
    this.#record(row, ended, text, requestId);
  }

  /** Ends a turn: stores its text and tokens, records the assistant's message, tells everyone. */
  #record(row: TurnRow, ended: EndedTurn, text: string, requestId: string): void {
    const run = this.#active?.state.turnId === row.id ? this.#active : null;
    const { events, end } = recordEnd({ ...this.#deps, store: this.#store, newId: uuidv7 }, row, ended, text, requestId, run);
    events.forEach((e) => this.#deps.announce(e));
    this.#deps.onTurnEnd?.({ turnId: row.id, status: ended.status, text });
    this.#emit(end);
  }

  async #run(row: TurnRow): Promise<void> {
    const requestId = uuidv7();
    const started = this.#deps.now();
    const state = this.#deps.ledger.state;
    const prompt = turnContext({
      now: new Date(started),
      preferences: state.preferences,
      memories: memoriesOf(state),
      tasks: this.#deps.tasks(),
      notes: this.#deps.notes(),
      messages: state.recentMessages,
      messageId: row.message_id,
      contextIds: this.#store.contextIds(row.id),
    });
    const queued: TurnState = { status: "queued", turnId: row.id };
    // G6: the daily token budget is checked before the call, with the prompt's estimated size.
    const estimate = estimatePrompt(prompt);
    const refused = overBudget(state.usage, started, this.#deps.limits.dailyTokens, estimate);
    if (refused) return this.#settle(row, queued, { type: "fail", failure: refused }, "", requestId);

    const run: Run = { state: transition(queued, { type: "start" }, started), tokens: [], text: "", checkpointed: 0, actions: new Map(), abort: new AbortController() };
    this.#active = run;
    this.#store.setStatus(row.id, "streaming", started);
    const stall = watchdog(TURN_IDLE_TIMEOUT_MS, () => this.#dispatch(run, { type: "stall" }));
    const host = toolHost({ ...this.#deps, store: this.#store, charge: (tool) => charge(this.#deps, row.id, requestId, { tool }) }, row.id, requestId, dayOf(started));
    const onAction = (card: ActionCard) => {
      stall.touch();
      this.#action(row.id, card);
    };
    let reported = 0;
    try {
      reported = await streamTurn({
        model: () => this.#deps.model({ timeZone: state.preferences.timezone }),
        prompt,
        tools: modelTools(this.#tools.tools(), host, { defaultCap: this.#deps.limits.toolDailyCap, onAction }),
        signal: run.abort.signal,
        onToken: (token) => {
          stall.touch();
          this.#token(run, token);
        },
      });
      this.#dispatch(run, { type: "finish" });
    } catch (error) {
      const failure = classifyProviderError(error);
      // A stopped or stalled turn was aborted here: its state, not the error, says how it ends.
      if (run.state.status === "streaming") this.#deps.log("turn.failed", { requestId, detail: failure.detail });
      this.#dispatch(run, { type: "fail", failure: { code: failure.code, message: failure.message } });
    } finally {
      stall.cancel();
    }
    const ended = run.state;
    if (!isEnded(ended)) throw new Error(`turn ${row.id} is still ${ended.status} after its stream ended: every path out of #stream must finish or fail it`);
    // Tokens spent count against the budget however the turn ended (G6).
    charge(this.#deps, row.id, requestId, { tokens: tokensToCharge({ completed: ended.status === "completed", reported, estimate, text: run.text }) });
    this.#record(row, ended, run.text, requestId);
    this.#active = null;
    if (ended.status === "completed") this.#deps.log("turn.completed", { requestId, durationMs: this.#deps.now() - started });
  }

  /** One token: to every device and reader now, to storage every CHECKPOINT_EVERY tokens (C4). */
  #token(run: Run, token: string): void {
    const seq = run.tokens.length;
    run.tokens.push(token);
    run.text += token;
    this.#emit({ type: "llm.token", turnId: run.state.turnId, seq, token });
    if (run.tokens.length - run.checkpointed >= CHECKPOINT_EVERY) {
      this.#store.checkpoint(run.state.turnId, run.tokens, run.checkpointed, run.text, this.#deps.now());
      run.checkpointed = run.tokens.length;
    }
  }
}
