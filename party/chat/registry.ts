/**
 * The assistant's tool registry (docs/PROTOCOL.md C8, C10, C13; STYLE.md 13).
 * A tool is declared once — name, description, input schema, whether it only
 * proposes (G7), its daily cap, the command it issues with the card that says
 * so, and how the offline assistant recognizes it — and the rest is derived
 * here: the AI SDK tool set of a turn, the proposal rule, the cap check, and
 * the offline assistant's phrase → tool mapping. Built-in tools are one static
 * list (tools.ts); tools that come and go at run time (MCP servers) register
 * the same shape on a `ToolRegistry`, which the engine reads every turn.
 */
import { asSchema, tool, type ToolSet } from "ai";
import type { z } from "zod";
import type { ActionCardFrame } from "../../shared/chat.ts";
import type { Command } from "../../shared/commands.ts";
import type { AgendaItem } from "../../shared/agenda.ts";
import { isOutward, type ProposalCommand } from "../../shared/calendar-write.ts";
import type { CalendarSourceName } from "../schedule/calendar-port.ts";
import type { Memory, Message, Plan, Preferences, Task } from "../../shared/domain.ts";
import type { Result } from "../../shared/errors.ts";
import type { Applied } from "../core/commands.ts";
import type { ExternalCall } from "./external-call.ts";
import { findTask } from "./find-task.ts";
import { formatDue } from "../../shared/format.ts";
import { buildAgenda } from "../schedule/agenda.ts";
import type { CalendarPort, McpCallContext, McpPort } from "./world-ports.ts";
import type { Rescheduled, RescheduleRequest } from "./structured-port.ts";

/** What the devices are shown about a tool call when it runs: an action card. */
export type ActionCard = Omit<ActionCardFrame, "status"> & { status: "done" | "proposed" | "failed" };

/** What the tools of one turn may do (tool-host.ts builds it). */
export type ToolHost = {
  /** The turn and request the tools run under (attribution of outward calls, M14). */
  turnId: string;
  requestId: string;
  run(command: Command): Result<Applied>;
  /** An external call (an MCP tool, M6) is proposed like a command; on confirmation it goes to the room's outward port. */
  propose(tool: string, command: ProposalCommand | ExternalCall, summary: string, items?: readonly string[], ttlMs?: number): { proposalId: string; expiresAt: string };
  /** Y9: the user's message this turn answers (null when it is gone from the recent messages). */
  message?(): Message | null;
  /** Y13: why a memory may not be offered from this turn's message (dismissed lately, or offered from it already); null when it may. */
  memoryRefused?(pin: Pick<Memory, "type" | "key" | "value">): string | null;
  tasks(): Task[];
  proposePlan(): Promise<Result<Plan>>;
  memories(): Memory[];
  preferences(): Preferences;
  now(): Date;
  /** Counts one use of `tool` today; false when `cap` uses are already counted (G6). */
  charge(tool: string, cap: number): boolean;
  /** The merged agenda over [from, to) epoch ms (K20); a host without it lists only the tasks. */
  agenda?(from: number, to: number): AgendaItem[];
  /** The calendar sources, by name, and which can be written to (K24, K27). */
  calendars?(): readonly CalendarSourceName[];
  /** The MCP hub, when the room has one (M20); its tools count their own uses. */
  mcp?: McpPort | undefined;
  /** The user's calendar, when the room has one (M22). */
  calendar?: CalendarPort | undefined;
  /** B17: proposes moves of time blocks; absent in rooms without a timeline. */
  reschedule?(request: RescheduleRequest): Rescheduled;
};

/** A task named by id, or by words of its title. */
export type TaskRef = { taskId?: string | undefined; title?: string | undefined };

/** What a declaration may read while it decides what to do. */
export type ToolContext = Pick<ToolHost, "tasks" | "memories" | "preferences" | "now" | "proposePlan" | "mcp" | "calendar"> & {
  agenda(from: number, to: number): AgendaItem[];
  calendars(): readonly CalendarSourceName[];
  /** The turn a call to the MCP hub is attributed to (`tool.used`, M20). */
  turn: McpCallContext;
  resolve(ref: TaskRef): Task | null;
  /** A date or time as an action card words it, in the user's zone. */
  when(value: string): string;
  /** B17: proposes moves of time blocks (one card, confirmed entry by entry). */
  reschedule(request: RescheduleRequest): Rescheduled;
  /** Shows a card a read made (the flight options, M23): kept with the reply like any other. */
  show(card: ActionCard): void;
  /** Y13: why a memory may not be offered from this turn's message; null when it may. */
  memoryRefused(pin: Pick<Memory, "type" | "key" | "value">): string | null;
  /** Y9: the user's message the turn answers; null when unknown. */
  message(): Message | null;
};

/** One command a tool issues and the action card's words for it; `items` names each entry a bulk command changes (C14). */
export type ToolAction = {
  command: ProposalCommand;
  summary: string;
  items?: string[];
  /** Y3, Y9: this call only proposes, under `tool` (its card and cap stay the calling tool's), for `ttlMs`. */
  confirm?: { tool: string; ttlMs: number };
};
/** Refused before anything ran (no such task, nothing to change): the model is told; no card, no use counted. */
export type Refusal = { refused: string };
/**
 * Nothing to do, said plainly ("You have no done tasks to clear"): not a
 * failure, so the model (and the offline reply) get it as `{ok: true, nothing}`;
 * no card, no proposal, no use counted (C14).
 */
export type Nothing = { nothing: string };
/** A second command issued under another tool's name and cap (a task's reminder); its result is added under `key`. */
export type FollowUp = { key: string; tool: string; action: ToolAction };

export type ToolEffect<I> =
  | { kind: "command"; plan(input: I, ctx: ToolContext): ToolAction | Refusal | Nothing; followUp?(input: I, result: unknown, ctx: ToolContext): FollowUp | null }
  | { kind: "read"; read(input: I, ctx: ToolContext): unknown };

/** When and where the offline assistant reads the user's words. */
export type Moment = { timeZone: string; now: Date };
/** A tool's result as the model received it (JSON), when it did not fail. */
export type ToolOutput = Record<string, unknown>;

/** The offline assistant's understanding of one tool (C10). */
export type OfflineUnderstanding<I, F extends Record<string, unknown>> = {
  /** The intent's name in `understand()`; the tool's name when absent. */
  intent?: string;
  /** Lower is tried first: "add a task to schedule X" is read by the earlier-ranked rule. */
  rank: number;
  /** The fields the user's words give, or null when they do not ask for this tool. */
  parse(text: string, at: Moment): F | null;
  input(fields: F): I;
  reply(fields: F, out: ToolOutput, at: Moment): string;
};

type ToolBase<I, F extends Record<string, unknown>> = {
  name: string;
  description: string;
  input: z.ZodType<I>;
  offline?: OfflineUnderstanding<I, F>;
};

/**
 * A tool changes state only by issuing commands, so only a command tool can be
 * capped or need confirmation; a read changes nothing, is not counted, and
 * cannot be declared as needing confirmation (the type refuses it, and
 * `defineTool` checks it for tools declared at run time).
 */
export type ToolDef<I, F extends Record<string, unknown> = Record<string, never>> = ToolBase<I, F> &
  (
    | {
        effect: Extract<ToolEffect<I>, { kind: "command" }>;
        /** Deletes, or acts outside the room: never runs, only proposes; the user confirms (C8, G7). */
        needsConfirmation?: boolean;
        /** Uses a day (C13); the configured `toolDailyCap` when absent. */
        dailyCap?: number;
      }
    | { effect: Extract<ToolEffect<I>, { kind: "read" }>; needsConfirmation?: never; dailyCap?: never }
  );

/** What the offline assistant understood, as `understand()` reports it. */
export type Intent = { kind: string } & Record<string, unknown>;

/** A phrase matched to a tool: the call to make, and how to word its result. */
export type OfflineMatch = {
  intent: Intent;
  call: { toolName: string; input: unknown };
  reply(out: ToolOutput, at: Moment): string;
};

export const PROPOSED = "proposed — waiting for the user's confirmation";
/** How many of a bulk proposal's entries the model is told (with their count). */
export const ITEMS_TOLD = 20;

/** What one command step tells the model. */
export type Performed =
  | { ok: true; result: unknown }
  | { ok: true; status: typeof PROPOSED; proposalId: string; expiresAt: string; count?: number; items?: string[] }
  | { ok: true; nothing: string }
  | { ok: false; error: string };

/**
 * What a tool that calls outside the room (MCP, M5–M9) gets instead of `perform`:
 * the turn's identity, its cards, and the proposal of an external call. Its
 * caps are its own (the MCP hub counts them).
 */
export type OutwardTurn = {
  turnId: string;
  requestId: string;
  card(card: ActionCard): void;
  propose(tool: string, call: ExternalCall, summary: string): { proposalId: string; expiresAt: string };
};

export type ToolTurn = { ctx: ToolContext; perform(tool: string, cardId: string, action: ToolAction): Performed; outward: OutwardTurn };

/** A declared tool with its input type closed over, so tools of any input fit one list. */
export type ToolEntry = {
  readonly name: string;
  readonly description: string;
  readonly needsConfirmation: boolean;
  readonly dailyCap: number | undefined;
  bind(turn: ToolTurn): ToolSet[string];
  readonly offline: { rank: number; match(text: string, at: Moment): OfflineMatch | null } | undefined;
};

export function defineTool<I, F extends Record<string, unknown> = Record<string, never>>(def: ToolDef<I, F>): ToolEntry {
  if (def.effect.kind === "read" && (def.needsConfirmation !== undefined || def.dailyCap !== undefined)) {
    throw new Error(`tool ${def.name}: a read changes nothing, so it cannot be capped or need confirmation; declare what it changes as a command effect`);
  }
  const offline = def.offline;
  // R34: one schema object per tool for the life of the process. The SDK's schema caches its JSON Schema
  // once read; handing the zod schema to every turn made each turn convert every tool again (≈ 3.7 ms).
  const inputSchema = asSchema(def.input);
  return {
    name: def.name,
    description: def.description,
    needsConfirmation: def.needsConfirmation ?? false,
    dailyCap: def.dailyCap,
    bind: (turn) =>
      tool({
        description: def.description,
        inputSchema,
        execute: (input: I, { toolCallId }) => execute(def.name, def.effect, input, toolCallId, turn),
      }),
    offline: offline && {
      rank: offline.rank,
      match: (text, at) => {
        const fields = offline.parse(text, at);
        if (!fields) return null;
        return {
          intent: { kind: offline.intent ?? def.name, ...fields },
          call: { toolName: def.name, input: offline.input(fields) },
          reply: (out, replyAt) => offline.reply(fields, out, replyAt),
        };
      },
    },
  };
}

function execute<I>(name: string, effect: ToolEffect<I>, input: I, id: string, turn: ToolTurn): unknown {
  if (effect.kind === "read") return effect.read(input, turn.ctx);
  const planned = effect.plan(input, turn.ctx);
  if ("refused" in planned) return { ok: false, error: planned.refused };
  if ("nothing" in planned) return { ok: true, nothing: planned.nothing };
  const done = turn.perform(name, id, planned);
  if (!("result" in done) || !effect.followUp) return done;
  const next = effect.followUp(input, done.result, turn.ctx);
  if (!next) return done;
  const more = turn.perform(next.tool, `${id}-${next.key}`, next.action);
  return { ...done, [next.key]: "result" in more ? more.result : null };
}

/** Where a turn gets its tools: the built-in list, plus whatever registered since. */
export type ToolSource = { tools(): readonly ToolEntry[] };

export class ToolRegistry implements ToolSource {
  #entries = new Map<string, ToolEntry>();

  constructor(entries: readonly ToolEntry[] = []) {
    for (const entry of entries) this.register(entry);
  }

  register(entry: ToolEntry): void {
    if (this.#entries.has(entry.name)) throw new Error(`a tool named ${entry.name} is already registered: unregister it first, or give the new one another name`);
    this.#entries.set(entry.name, entry);
  }

  unregister(name: string): boolean {
    return this.#entries.delete(name);
  }

  tools(): ToolEntry[] {
    return [...this.#entries.values()];
  }
}

export type ToolSetOptions = {
  /** The cap of a tool whose entry names none (config `toolDailyCap`). */
  defaultCap: number;
  onAction: (card: ActionCard) => void;
};

/**
 * The AI SDK tools of one turn. Every command goes through one step: count the
 * use against the tool's cap, then propose it if the tool needs confirmation,
 * else run it — and show a card either way.
 */
export function modelTools(entries: readonly ToolEntry[], host: ToolHost, options: ToolSetOptions): ToolSet {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const perform = (name: string, id: string, { command, summary, items, confirm }: ToolAction): Performed => {
    const entry = byName.get(name);
    if (!host.charge(name, entry?.dailyCap ?? options.defaultCap)) {
      options.onAction({ id, tool: name, status: "failed", summary: `daily limit for ${name} reached` });
      return { ok: false, error: `daily limit for ${name} reached; try again tomorrow` };
    }
    if (entry?.needsConfirmation || confirm) {
      const proposed = confirm?.tool ?? name;
      const proposal = host.propose(proposed, command, summary, items, confirm?.ttlMs);
      const listed = items && items.length > 0 ? { items } : {};
      // The card's id is the proposal's: its confirmation or cancellation, sent under that id, replaces it on every device (C15).
      options.onAction({ id: proposal.proposalId, tool: proposed, status: "proposed", summary, ...proposal, ...listed });
      // The model hears how many and the first few, not a list of 500 titles on its token budget; the card shows them all.
      const told = items && items.length > 0 ? { count: items.length, items: items.slice(0, ITEMS_TOLD) } : {};
      return { ok: true, status: PROPOSED, ...proposal, ...told };
    }
    // G7: a write outside the room runs only from a confirmed proposal.
    if (isOutward(command)) throw new Error(`tool ${name}: a calendar write leaves the room; declare the tool needsConfirmation`);
    const result = host.run(command);
    if (!result.ok) {
      options.onAction({ id, tool: name, status: "failed", summary: `${summary} — ${result.error.message}` });
      return { ok: false, error: result.error.message };
    }
    options.onAction({ id, tool: name, status: "done", summary });
    return { ok: true, result: result.value.result };
  };
  const outward: OutwardTurn = {
    turnId: host.turnId,
    requestId: host.requestId,
    card: options.onAction,
    propose: (name, call, summary) => {
      const proposal = host.propose(name, call, summary);
      options.onAction({ id: proposal.proposalId, tool: name, status: "proposed", summary, ...proposal });
      return proposal;
    },
  };
  const turn: ToolTurn = { ctx: toolContext(host, options.onAction), perform, outward };
  return Object.fromEntries(entries.map((e) => [e.name, e.bind(turn)]));
}

function toolContext(host: ToolHost, show: (card: ActionCard) => void): ToolContext {
  return {
    mcp: host.mcp,
    calendar: host.calendar,
    turn: { actor: { kind: "assistant", turnId: host.turnId }, correlationId: host.requestId },
    show,
    message: () => host.message?.() ?? null,
    memoryRefused: (pin) => host.memoryRefused?.(pin) ?? null,
    tasks: () => host.tasks(),
    memories: () => host.memories(),
    preferences: () => host.preferences(),
    now: () => host.now(),
    proposePlan: () => host.proposePlan(),
    agenda: (from, to) => host.agenda?.(from, to) ?? buildAgenda({ from, to, timeZone: host.preferences().timezone, events: [], tasks: host.tasks(), reminders: [], plans: {} }),
    calendars: () => host.calendars?.() ?? [],
    resolve: (ref) => {
      const tasks = host.tasks();
      if (ref.taskId) return tasks.find((t) => t.id === ref.taskId) ?? null;
      return ref.title ? findTask(tasks, ref.title) : null;
    },
    when: (value) => formatDue(value, host.preferences().timezone),
    reschedule: (request) => host.reschedule?.(request) ?? { nothing: "There is no timeline to reschedule here" },
  };
}

/** The offline assistant's reading of `text`: the first tool, by rank, whose phrases match. */
export function matchTool(entries: readonly ToolEntry[], text: string, at: Moment): OfflineMatch | null {
  const ranked = entries.flatMap((e) => (e.offline ? [e.offline] : [])).sort((a, b) => a.rank - b.rank);
  for (const offline of ranked) {
    const match = offline.match(text, at);
    if (match) return match;
  }
  return null;
}
