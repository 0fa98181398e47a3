/**
 * The chat engine of one room (docs/PROTOCOL.md C1–C14): accepts messages,
 * queues turns, runs the model with the tools, streams tokens to every device
 * and to SSE readers, checkpoints partial text, and settles turns a restart
 * cut off. Platform-free: the room passes storage, the ledger, the command
 * path and a broadcast function in.
 */
import type { ToolSet } from "ai";
import { v7 as uuidv7 } from "uuid";
import { cardKey } from "../../shared/action-card.ts";
import type { Accepted, ActionCardFrame, LlmFrame, MessageSend } from "../../shared/chat.ts";
import type { Actor } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { acceptMessage } from "./accept.ts";
import { acceptRegenerate } from "./branches.ts";
import { ConversationIndex } from "./conversations.ts";
import type { ConversationStorePort } from "../core/conversation-commands.ts";
import { deleteConversation } from "./conversation-delete.ts";
import type { MessageRegenerate } from "../../shared/conversations.ts";
import type { CommandContext } from "../core/commands.ts";
import type { ChatDeps } from "./deps.ts";
import { callCost, chargeTool } from "./budget.ts";
import { BudgetGate } from "./budget-gate.ts";
import { dayOf } from "../../shared/dates.ts";
import { turnContext } from "./context.ts";
import { CONTEXT_OPEN_TASKS, type ContextItems } from "./context-items.ts";
import { confirmProposal, type ProposalDeps, rejectProposal } from "./proposals.ts";
import type { ConfirmSelection } from "../../shared/goals.ts";
import { classifyProviderError } from "./provider-errors.ts";
import { type ActionCard, modelTools, ToolRegistry } from "./registry.ts";
import { TokenReservations } from "./reservations.ts";
import { ChatStore, endFrame, type TurnRow } from "./store.ts";
import { toolHost } from "./tool-host.ts";
import { BUILT_IN_TOOLS } from "./tools.ts";
import { type EndedTurn, INTERNAL_FAILURE, isEnded, transition, TURN_IDLE_TIMEOUT_MS, type TurnEvent, type TurnState } from "./turn.ts";
import { recordEnd } from "./turn-record.ts";
import { firstCall, streamTurn } from "./turn-stream.ts";
import { TurnRun } from "./turn-run.ts";
import { catchUpFrames, type Sink, tokenFrames, TurnFeed } from "./turn-feed.ts";
import { type Watchdog, watchdog } from "./watchdog.ts";
import { liveMemories, recordUse } from "../core/memory-life.ts";
import { proposeNoticed } from "./memory-proposals.ts";

export type { ChatDeps, ChatLimits } from "./deps.ts";

export class ChatEngine {
  #deps: ChatDeps;
  #store: ChatStore;
  #index: ConversationIndex;
  #tools: ToolRegistry;
  #reservations: TokenReservations;
  #queue: string[] = [];
  #active: TurnRun | null = null;
  #feed: TurnFeed;
  #running: Promise<void> | null = null;
  /** K28: confirmed proposals whose calendar write is running. */
  #outward = new Map<string, Promise<void>>();

  constructor(deps: ChatDeps) {
    this.#deps = deps;
    this.#store = new ChatStore(deps.sql);
    this.#index = new ConversationIndex(deps.sql, deps.ledger);
    this.#tools = deps.tools ?? new ToolRegistry(BUILT_IN_TOOLS);
    this.#reservations = new TokenReservations(deps.sql, deps.ledger, deps.now, uuidv7);
    this.#feed = new TurnFeed((frame) => this.#deps.broadcast(frame));
  }

  get store(): ChatStore {
    return this.#store;
  }

  /** T8: the conversations' message index (paging, counting, purging a deleted one). */
  get conversations(): ConversationIndex {
    return this.#index;
  }

  /**
   * T7: what `conversation.delete` asks of the chat: its size, and its purge — which first stops the turns
   * answering its messages (the streaming one and the queued ones, as C7's stop does), so no reply of it lands.
   */
  get conversationStore(): ConversationStorePort {
    return {
      count: (conversationId) => this.#index.count(conversationId),
      purge: (conversationId) => {
        const inIt = (turnId: string) => {
          const question = this.#store.turn(turnId)?.message_id;
          return question !== undefined && this.#index.entry(question)?.conversationId === conversationId;
        };
        const turns = [...(this.#active ? [this.#active.turnId] : []), ...this.#queue].filter(inIt);
        this.#index.purge(conversationId);
        for (const turnId of turns) this.stop(turnId);
      },
    };
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
    return this.#active ? { turnId: this.#active.turnId, tokens: this.#active.tokens } : null;
  }

  /** Settles what a restart cut off: its model calls are charged what they held, streaming turns end interrupted; queued ones run (C6, C13). */
  recover(): void {
    this.#reservations.recover();
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
    return this.#queued(acceptMessage({ ...this.#deps, store: this.#store, newId: uuidv7, index: this.#index }, input, actor, requestId));
  }

  /** T12: answers a user message again; the reply becomes a sibling of the earlier ones. */
  regenerate(input: MessageRegenerate, actor: Actor, requestId: string): Result<Accepted & { duplicate: boolean }> {
    const turnQuestion = (turnId: string) => this.#store.turn(turnId)?.message_id ?? null;
    return this.#queued(acceptRegenerate({ ...this.#deps, store: this.#store, newId: uuidv7, index: this.#index, turnQuestion }, input, actor, requestId));
  }

  /** T6: deletes a small conversation at once; a bigger one becomes a proposal the user confirms. */
  deleteConversation(conversationId: string, ctx: CommandContext): Result<{ value: unknown; duplicate: boolean; status: 200 | 202 }> {
    return deleteConversation({ ...this.#deps, store: this.#store, index: this.#index, newId: uuidv7 }, conversationId, ctx);
  }

  #queued(accepted: Result<Accepted & { duplicate: boolean }>): Result<Accepted & { duplicate: boolean }> {
    if (accepted.ok && !accepted.value.duplicate) {
      this.#queue.push(accepted.value.turnId);
      this.#kick();
    }
    return accepted;
  }

  /** C7: stops a streaming or queued turn, from any device. */
  stop(turnId: string): Result<{ turnId: string; status: string }> {
    if (this.#active?.turnId === turnId) {
      // Single use (C7, H14): a second stop while the first winds the stream down is a conflict, not another success.
      const state = this.#active.state;
      if (state.status === "stopping" && state.reason === "stopped") return fail("conflict", `turn ${turnId} is already stopping`);
      this.#active.apply({ type: "stop" }, this.#deps.now());
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
  confirm(proposalId: string, actor: Actor, requestId: string, selection?: ConfirmSelection): Result<{ proposalId: string; result: unknown }> {
    return confirmProposal(this.#proposalDeps(), proposalId, actor, requestId, selection);
  }

  /** B12: a card from outside a turn (a workflow's proposal) to every device, as the turn's own cards go. */
  announce(turnId: string, card: ActionCardFrame): void {
    this.#action(turnId, card);
  }

  reject(proposalId: string, actor: Actor, requestId: string): Result<{ proposalId: string }> {
    return rejectProposal(this.#proposalDeps(), proposalId, actor, requestId);
  }

  #proposalDeps(): ProposalDeps {
    return {
      ...this.#deps,
      store: this.#store,
      action: (turnId, card) => this.#action(turnId, card),
      inFlight: this.#outward,
      timeZone: () => this.#deps.ledger.state.preferences.timezone,
    };
  }

  /** C5: the frames a device joining now needs to catch up on the streaming turn. */
  catchUp(resume?: { turnId: string; seq: number }): LlmFrame[] {
    const run = this.#active;
    return run ? catchUpFrames(run.turnId, run.tokens, run.actions.values(), resume) : [];
  }

  /**
   * C11: an SSE reader of one turn. Gets the tokens so far in order, then the
   * rest live, then the end; a finished turn is replayed whole. Null: no such turn.
   */
  subscribe(turnId: string, sink: Sink): (() => void) | null {
    const row = this.#store.turn(turnId);
    if (!row) return null;
    if (this.#active?.turnId === turnId) {
      tokenFrames(turnId, this.#active.tokens).forEach(sink);
    } else if (row.status !== "queued") {
      tokenFrames(turnId, this.#store.tokens(turnId)).forEach(sink);
      sink(this.#store.end(row.id) ?? endFrame(row, this.#deps.ledger.state.recentMessages));
      return () => {};
    }
    return this.#feed.listen(turnId, sink);
  }

  /** Resolves when the current queue has drained (tests and benchmarks). */
  idle = async (): Promise<void> => {
    await this.#running;
    // K28: and the calendar writes confirmed so far.
    await Promise.all([...this.#outward.values()]);
  };

  #action(turnId: string, action: ActionCardFrame): void {
    // Keyed like the web keys them: a proposal's later card replaces its first, whatever its id (C16).
    if (this.#active?.turnId === turnId) this.#active.actions.set(cardKey(action), action);
    this.#feed.emit({ type: "llm.action", turnId, action });
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
              if (this.#active?.turnId === row.id) this.#active = null;
              this.#settle(row, { status: "queued", turnId: row.id }, { type: "fail", failure: INTERNAL_FAILURE }, "", uuidv7());
            });
          }
        }
      } finally {
        this.#running = null;
      }
    })();
  }

  /** Ends a turn that is not streaming (queued, or cut off by a restart) with one event. */
  #settle(row: TurnRow, from: TurnState, event: TurnEvent, text: string, requestId: string): void {
    const ended = transition(from, event, this.#deps.now());
    if (!isEnded(ended)) throw new Error(`turn ${row.id}: "${event.type}" does not end a ${from.status} turn; a streaming turn ends through its TurnRun`);
    this.#record(row, ended, text, requestId);
  }

  /** Ends a turn: stores its text and tokens, records the assistant's message, tells everyone. */
  #record(row: TurnRow, ended: EndedTurn, text: string, requestId: string): void {
    const run = this.#active?.turnId === row.id ? this.#active : null;
    // A turn cut off by a restart lost its run's cards; its proposals are still in the store (C16).
    const cards = run ? [...run.actions.values()] : this.#store.proposalCards(row.id);
    const { end } = recordEnd({ ...this.#deps, store: this.#store, newId: uuidv7, index: this.#index }, row, ended, text, requestId, run, cards);
    this.#deps.onTurnEnd?.({ turnId: row.id, status: ended.status, text });
    this.#feed.emit(end);
  }

  async #run(row: TurnRow): Promise<void> {
    const requestId = uuidv7();
    const started = this.#deps.now();
    const state = this.#deps.ledger.state;
    const older = { message: (id: string) => this.#index.message(id, started), parentOf: (id: string) => this.#index.entry(id)?.parentId ?? null };
    const prompt = turnContext(state, { now: new Date(started), messageId: row.message_id, items: this.#contextItems(this.#store.contextIds(row.id)), older });
    const run = new TurnRun(row.id, started, (tokens, from, text) => this.#store.checkpoint(row.id, tokens, from, text, this.#deps.now()));
    const stall = watchdog(TURN_IDLE_TIMEOUT_MS, () => run.apply({ type: "stall" }, this.#deps.now()));
    try {
      const tools = this.#turnTools(run, stall, requestId, dayOf(started, state.preferences.timezone));
      // G6: a turn whose first call cannot fit fails before a model is built; every call, this one included, is then gated (budget-gate.ts).
      const { maxOutputTokens, dailyTokens } = this.#deps.limits;
      const refused = this.#reservations.check(callCost(await firstCall({ prompt, tools, maxOutputTokens })).bound, dailyTokens);
      if (refused) return this.#settle(row, { status: "queued", turnId: row.id }, { type: "fail", failure: refused }, "", requestId);
      recordUse(this.#deps.ledger, liveMemories(state, started), row.id, started, requestId); // Y4

      this.#active = run;
      this.#store.setStatus(row.id, "streaming", started);
      await this.#stream(run, prompt, tools, stall, { requestId, timeZone: state.preferences.timezone });
    } finally {
      stall.cancel();
    }
    const ended = run.state;
    if (!isEnded(ended)) throw new Error(`turn ${row.id} is still ${ended.status} after its stream: #stream must finish or fail it on every path`);
    // Y6: what the user's message stated is offered to remember; the cards join the reply.
    if (ended.status === "completed") proposeNoticed({ ...this.#deps, store: this.#store }, { turnId: row.id, messageId: row.message_id, requestId }, (card) => this.#action(row.id, card), [...run.actions.values()]);
    this.#record(row, ended, run.text, requestId);
    this.#active = null;
    if (ended.status === "completed") this.#deps.log("turn.completed", { requestId, durationMs: this.#deps.now() - started });
  }

  /** R33: the room's bounded read when it lends one; else every task and note, filtered (small test rooms). */
  #contextItems(contextIds: string[]): Pick<ContextItems, "open" | "pointed"> {
    if (this.#deps.contextItems) return this.#deps.contextItems(contextIds);
    const tasks = this.#deps.tasks();
    return {
      open: tasks.filter((t) => t.status === "open").slice(0, CONTEXT_OPEN_TASKS),
      pointed: [...tasks, ...this.#deps.notes()].filter((x) => contextIds.includes(x.id)),
    };
  }

  /** The AI SDK tools of a turn: each use counted, each action shown, and each counts as progress for the watchdog. */
  #turnTools(run: TurnRun, stall: Watchdog, requestId: string, day: string): ToolSet {
    const { turnId } = run;
    const host = toolHost({ ...this.#deps, store: this.#store, charge: (tool) => chargeTool(this.#deps, turnId, requestId, tool) }, turnId, requestId, day);
    const onAction = (card: ActionCard) => {
      stall.touch();
      this.#action(turnId, card);
    };
    return modelTools(this.#tools.tools(), host, { defaultCap: this.#deps.limits.toolDailyCap, onAction });
  }

  /**
   * A budget gate for model calls made outside a turn (the daily plan, S5):
   * they reserve and settle against the same daily budget and reservations as
   * turns, so no call of any kind can pass it (C13, G6). Call `settleAll()`
   * when the work is done.
   */
  budgetGate(holder: { turnId: string; requestId: string }): BudgetGate {
    const { dailyTokens, maxOutputTokens } = this.#deps.limits;
    return new BudgetGate(this.#reservations, holder, {
      dailyTokens,
      maxOutputTokens,
      onOverBound: (detail) => this.#deps.log("budget.over_bound", { requestId: holder.requestId, detail }),
    });
  }

  /**
   * Runs the model with the tools under the stall watchdog, every call gated by
   * the daily budget, and ends `run` finished or failed. Tokens are charged per
   * call, however the call ended (G6).
   */
  async #stream(run: TurnRun, prompt: ReturnType<typeof turnContext>, tools: ToolSet, stall: Watchdog, at: { requestId: string; timeZone: string }): Promise<void> {
    const { maxOutputTokens } = this.#deps.limits;
    const gate = this.budgetGate({ turnId: run.turnId, requestId: at.requestId });
    try {
      await streamTurn({
        model: () => gate.wrap(this.#deps.model({ timeZone: at.timeZone, tools: () => this.#tools.tools() })),
        prompt,
        tools,
        maxOutputTokens,
        signal: run.abort.signal,
        onToken: (token) => {
          stall.touch();
          this.#feed.emit(run.push(token));
        },
      });
      // A call the budget declined ended the loop early: the turn fails with that, keeping what it said (C13).
      run.apply(gate.refusal ? { type: "fail", failure: gate.refusal } : { type: "finish" }, this.#deps.now());
    } catch (error) {
      const failure = classifyProviderError(error);
      // A stopped or stalled turn was aborted here: its state, not the error, says how it ends.
      if (run.state.status === "streaming") this.#deps.log("turn.failed", { requestId: at.requestId, detail: failure.detail });
      run.apply({ type: "fail", failure: { code: failure.code, message: failure.message } }, this.#deps.now());
    } finally {
      gate.settleAll();
    }
  }
}
