/**
 * Structured proposals (docs/PROTOCOL.md B10–B16): the architect's plan and
 * rescheduling moves, proposed as one pending proposal with entries and
 * confirmed entry by entry. Confirming writes only the accepted entries, with
 * the user's edits, in the confirm's one ledger transaction; every change
 * carries `why` (B20) and the assistant's turn as actor, so undo of that
 * turn removes them (B16).
 */
import type * as Y from "yjs";
import type { ActionCardFrame } from "../../shared/chat.ts";
import { type ActorOrigin, nextOrder, patchBlock, readBlock, readBlocks, readGoals, writeBlock, writeGoal, writeTask } from "../../shared/doc-schema.ts";
import type { Actor, Task } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { formatDay, formatDue } from "../../shared/format.ts";
import {
  type ArchitectEntry,
  type Block,
  type ConfirmSelection,
  type EntryEdit,
  type Goal,
  type ProposalEntry,
  spanProblem,
  type Why,
} from "../../shared/goals.ts";
import type { Rescheduled, StructuredProposals } from "../chat/structured-port.ts";
import type { ChatStore, ProposalRow } from "../chat/store.ts";
import { actorLabel } from "../core/commands.ts";
import type { Ledger } from "../core/ledger.ts";
import type { SqlStore } from "../core/sql.ts";
import { type ArchitectContext, type ArchitectPort, type ArchitectProposed, parseArchitectProposal } from "./architect-port.ts";
import { GoalProposalStore, type Move, type StoredPlan } from "./store.ts";
import { planMoves, RESCHEDULE_DAYS, type RescheduleRequest } from "./reschedule.ts";
import type { Span, WorkHours } from "../schedule/place-blocks.ts";
import { whyOf } from "../core/provenance.ts";

const DAY_MS = 24 * 60 * 60_000;

/** B12: an architect plan can be reviewed for a day (the 10-minute default suits a single confirm, not a plan). */
export const ARCHITECT_TTL_MS = 24 * 60 * 60_000;
/** The entry id of the goal itself on an architect card. */
export const GOAL_ENTRY = "goal";

export type GoalProposalDeps = {
  sql: SqlStore;
  doc: Y.Doc;
  ledger: Ledger;
  now: () => number;
  newId: () => string;
  chatStore: () => ChatStore;
  /** Sends a card to every device (the chat engine's `llm.action`). */
  action: (turnId: string, card: ActionCardFrame) => void;
  timeZone: () => string;
  /** B17: the work hours, and the timed calendar events over [from, to) that rescheduling goes around. */
  workHours: () => WorkHours;
  events: (from: number, to: number) => Span[];
};


export class GoalProposals implements StructuredProposals, ArchitectPort {
  readonly store: GoalProposalStore;
  #deps: GoalProposalDeps;

  constructor(deps: GoalProposalDeps) {
    this.#deps = deps;
    this.store = new GoalProposalStore(deps.sql, deps.now);
  }

  owns(proposalId: string): boolean {
    return this.store.has(proposalId);
  }

  /** B12: the zone, work hours and busy time (timed events and existing blocks) the architect places around. */
  context(fromMs: number, toMs: number): ArchitectContext {
    const blocks = readBlocks(this.#deps.doc).filter((b) => Date.parse(b.end) > fromMs && Date.parse(b.start) < toMs);
    return {
      timeZone: this.#deps.timeZone(),
      now: this.#deps.now(),
      workHours: this.#deps.workHours(),
      busy: [...this.#deps.events(fromMs, toMs), ...blocks.map((b) => ({ start: b.start, end: b.end }))],
      goals: readGoals(this.#deps.doc),
    };
  }

  /** B12: the architect's hand-off; the same runId again answers with the proposal it made. */
  propose(input: unknown): Result<ArchitectProposed> {
    const parsed = parseArchitectProposal(input);
    if (!parsed.ok) return parsed;
    const run = parsed.value;
    const existing = this.store.byRun(run.runId);
    if (existing) return ok({ proposalId: existing, created: false });
    const problem = referenceProblem(run.entries);
    if (problem) return fail("invalid_request", `architect result refused: ${problem}`);
    const turnId = run.turnId ?? `architect-${run.runId}`;
    const why: Why = { workflowId: run.runId, step: "propose", rationale: run.rationale, hash: run.hash, ...(run.turnId ? { turnId: run.turnId } : {}) };
    const zone = this.#deps.timeZone();
    const entries: ProposalEntry[] = [
      { id: GOAL_ENTRY, kind: "goal", title: run.goal.title, ...(run.goal.targetDate ? { detail: `by ${formatDay(run.goal.targetDate)}` } : {}) },
      ...run.entries.map((e) => architectCard(e, zone)),
    ];
    const counts = (kind: ArchitectEntry["kind"]) => run.entries.filter((e) => e.kind === kind).length;
    const summary = `Plan for “${run.goal.title}”: ${counts("milestone")} milestones, ${counts("task")} tasks, ${counts("block")} blocks`;
    const plan: StoredPlan = { kind: "architect", runId: run.runId, goal: run.goal, entries: run.entries, why };
    const proposalId = this.#proposeStored(turnId, "architect", summary, entries, plan, run.runId, ARCHITECT_TTL_MS, why);
    return ok({ proposalId, created: true });
  }

  /** B17: plans the moves of a rescheduling request and proposes them (the chat's tool, inside its turn). */
  reschedule(turnId: string, requestId: string, request: RescheduleRequest): Rescheduled {
    const { doc, now } = this.#deps;
    const at = now();
    const timeZone = this.#deps.timeZone();
    const blocks = readBlocks(doc);
    // Followers may sit weeks ahead (B17): events reach past the last block by the search window.
    const last = Math.max(at, ...blocks.map((b) => Date.parse(b.end)));
    const plan = planMoves({
      request,
      blocks,
      goals: readGoals(doc),
      events: this.#deps.events(at - DAY_MS, last + (RESCHEDULE_DAYS + 2) * DAY_MS),
      workHours: this.#deps.workHours(),
      timeZone,
      now: at,
    });
    if ("nothing" in plan) return plan;
    const noRoom = plan.unplaced.map((u) => u.title);
    if (plan.moves.length === 0) return { nothing: `There is no free time to move ${noRoom.map((t) => `“${t}”`).join(", ")} to` };
    const n = plan.moves.length;
    const summary = `Move ${n} block${n === 1 ? "" : "s"}${noRoom.length > 0 ? ` (no room for ${noRoom.map((t) => `“${t}”`).join(", ")})` : ""}`;
    const asked = request.kind === "missed" ? `move what you missed${request.match ? ` (“${request.match}”)` : ""} to the next free time` : `move your ${request.part === "all" ? "" : `${request.part} `}blocks to tomorrow`;
    const rationale = `You asked to ${asked}. Each block goes to the first free time around your calendar and other blocks, in your hours; later blocks of the same goal stay after the one before them.`;
    const why = whyOf({ turnId, step: "reschedule" }, rationale, JSON.stringify(request), JSON.stringify(plan.moves));
    const proposalId = this.proposeMoves(turnId, summary, plan.moves, requestId, why);
    return { proposalId, summary, moves: n, unplaced: noRoom };
  }

  /** B17: a rescheduling proposal of moves (the chat's tool makes it inside its turn). */
  proposeMoves(turnId: string, summary: string, moves: readonly (Move & { title: string; detail?: string })[], requestId: string, why?: Why): string {
    const entries: ProposalEntry[] = moves.map((m) => ({ id: m.entryId, kind: "move", title: m.title, start: m.start, end: m.end, ...(m.detail ? { detail: m.detail } : {}) }));
    const plan: StoredPlan = { kind: "moves", moves: moves.map(({ title: _t, detail: _d, ...move }) => move), ...(why ? { why } : {}) };
    return this.#proposeStored(turnId, "reschedule_blocks", summary, entries, plan, null, undefined, why, requestId);
  }

  #proposeStored(turnId: string, tool: string, summary: string, entries: ProposalEntry[], plan: StoredPlan, runId: string | null, ttl?: number, why?: Why, requestId?: string): string {
    const { ledger, now, newId } = this.#deps;
    const proposalId = newId();
    const store = this.#deps.chatStore();
    const items = entries.map((e) => (e.start ? `${e.title} — ${formatDue(e.start, this.#deps.timeZone())}` : e.title));
    const expiresAt = ledger.transaction(() => {
      const at = new Date(store.propose(proposalId, turnId, tool, { kind: "structured" }, summary, now(), items, ttl)).toISOString();
      store.setProposalEntries(proposalId, entries);
      this.store.save(proposalId, runId, plan);
      ledger.append({
        type: "proposal.created",
        actor: { kind: "assistant", turnId },
        correlationId: requestId ?? proposalId,
        payload: { proposalId, tool, summary, expiresAt: at, items, entries, ...(why ? { why } : {}) },
      });
      return at;
    });
    this.#deps.action(turnId, { id: proposalId, tool, status: "proposed", summary, proposalId, expiresAt, items, entries });
    return proposalId;
  }

  /** B11: applies the accepted entries of a pending proposal (inside the confirm's transaction). */
  apply(p: ProposalRow, selection: ConfirmSelection, requestId: string): Result<{ accepted: string[]; result: unknown }> {
    const plan = this.store.plan(p.id);
    if (!plan) return fail("conflict", "This proposal can no longer be read — ask again");
    const ids = plan.kind === "architect" ? [GOAL_ENTRY, ...plan.entries.map((e) => e.id)] : plan.moves.map((m) => m.entryId);
    const known = new Set(ids);
    for (const id of [...(selection.items ?? []), ...Object.keys(selection.edits ?? {})]) {
      if (!known.has(id)) return fail("invalid_request", `this proposal has no entry ${id}`);
    }
    const picked = new Set(selection.items ?? ids);
    // B11: the goal entry is the plan's container — implied by any accepted entry, so never "rejected" while they are taken.
    if (plan.kind === "architect" && picked.size > 0) picked.add(GOAL_ENTRY);
    const accepted = ids.filter((id) => picked.has(id));
    if (accepted.length === 0) return fail("invalid_request", "accept at least one entry, or reject the proposal");
    const actor: Actor = { kind: "assistant", turnId: p.turn_id };
    const ctx = { actor, requestId, edits: selection.edits ?? {} };
    return plan.kind === "architect" ? this.#applyArchitect(plan, picked, ctx, accepted) : this.#applyMoves(plan.moves, picked, ctx, accepted, plan.why);
  }

  #applyArchitect(plan: Extract<StoredPlan, { kind: "architect" }>, picked: Set<string>, ctx: ApplyCtx, accepted: string[]): Result<{ accepted: string[]; result: unknown }> {
    const { doc, ledger, now, newId } = this.#deps;
    const at = new Date(now()).toISOString();
    const createdBy = actorLabel(ctx.actor);
    const why = { ...plan.why, step: "confirm" };
    const entries = plan.entries.map((e) => withEdit(e, ctx.edits[e.id]));
    for (const e of entries) {
      if (!picked.has(e.id) || e.kind !== "block") continue;
      const problem = e.start && e.end ? spanProblem(e.start, e.end) : "a block needs a start and an end";
      if (problem) return fail("invalid_request", `${e.title}: ${problem}`);
    }
    const goalTitle = ctx.edits[GOAL_ENTRY]?.title ?? plan.goal.title;
    const taskIds = new Map<string, string>();
    const tasks: Task[] = [];
    let order = nextOrder(doc);
    const goalId = newId();
    for (const e of entries) {
      if (!picked.has(e.id) || e.kind === "block") continue;
      const id = newId();
      taskIds.set(e.id, id);
      const due = e.due ?? (e.start ? e.start : null);
      tasks.push({ id, title: e.title, status: "open", due, tags: e.kind === "milestone" ? ["milestone"] : [], order: order++, createdAt: at, updatedAt: at, createdBy, goalId });
    }
    const blocks: Block[] = entries
      .filter((e) => picked.has(e.id) && e.kind === "block")
      .map((e) => ({
        id: newId(),
        title: e.title,
        start: e.start!,
        end: e.end!,
        taskId: e.taskId ? (taskIds.get(e.taskId) ?? null) : null,
        goalId,
        source: "architect",
        createdAt: at,
        updatedAt: at,
        createdBy,
      }));
    const goal: Goal = { id: goalId, title: goalTitle, targetDate: plan.goal.targetDate, status: "active", taskIds: tasks.map((t) => t.id), createdAt: at, updatedAt: at, createdBy };
    const origin: ActorOrigin = { actorLabel: createdBy };
    const base = { actor: ctx.actor, correlationId: ctx.requestId };
    doc.transact(() => {
      writeGoal(doc, goal, origin);
      for (const task of tasks) writeTask(doc, task, origin);
      for (const block of blocks) writeBlock(doc, block, origin);
    }, origin);
    ledger.append({ ...base, type: "goal.created", payload: { goal, why } });
    for (const task of tasks) ledger.append({ ...base, type: "task.created", payload: { task, why } });
    for (const block of blocks) ledger.append({ ...base, type: "block.created", payload: { block, why } });
    return ok({ accepted, result: { goalId, taskIds: goal.taskIds, blockIds: blocks.map((b) => b.id) } });
  }

  #applyMoves(moves: readonly Move[], picked: Set<string>, ctx: ApplyCtx, accepted: string[], why?: Why): Result<{ accepted: string[]; result: unknown }> {
    const { doc, ledger, now } = this.#deps;
    const at = new Date(now()).toISOString();
    const planned: { block: Block; start: string; end: string }[] = [];
    for (const m of moves) {
      if (!picked.has(m.entryId)) continue;
      const block = readBlock(doc, m.blockId);
      // B18: a block deleted or moved since the proposal is not moved from under the user: nothing is changed.
      if (!block || Date.parse(block.start) !== Date.parse(m.fromStart) || Date.parse(block.end) !== Date.parse(m.fromEnd)) {
        return fail("conflict", `“${block?.title ?? "A block"}” changed since this was proposed — ask again`);
      }
      const edit = ctx.edits[m.entryId];
      const start = edit?.start ?? m.start;
      const end = edit?.end ?? m.end;
      const problem = spanProblem(start, end);
      if (problem) return fail("invalid_request", `${block.title}: ${problem}`);
      planned.push({ block, start, end });
    }
    const broken = orderProblem(readBlocks(doc), planned);
    if (broken) return fail("invalid_request", broken);
    const origin: ActorOrigin = { actorLabel: actorLabel(ctx.actor) };
    doc.transact(() => {
      for (const { block, start, end } of planned) patchBlock(doc, block.id, { start, end, updatedAt: at }, origin);
    }, origin);
    for (const { block, start, end } of planned) {
      ledger.append({
        actor: ctx.actor,
        correlationId: ctx.requestId,
        type: "block.updated",
        payload: {
          blockId: block.id,
          fields: ["start", "end"],
          changes: { start, end },
          before: { start: block.start, end: block.end },
          ...(why ? { why: { ...why, step: "confirm" } } : {}),
        },
      });
    }
    return ok({ accepted, result: { moved: planned.map((p) => p.block.id) } });
  }
}

type ApplyCtx = { actor: Actor; requestId: string; edits: Record<string, EntryEdit> };

/**
 * B17: a partial confirm keeps dependencies: within a goal, a block still
 * starts after the one before it ends (in their order before the moves), for
 * every pair the moves touch. "Long run must move too" rather than a broken plan.
 */
function orderProblem(blocks: readonly Block[], planned: readonly { block: Block; start: string; end: string }[]): string | null {
  const moved = new Map(planned.map((p) => [p.block.id, p]));
  const byGoal = new Map<string, Block[]>();
  for (const b of blocks) if (b.goalId) byGoal.set(b.goalId, [...(byGoal.get(b.goalId) ?? []), b]);
  for (const chain of byGoal.values()) {
    chain.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    for (let i = 1; i < chain.length; i++) {
      const before = chain[i - 1]!;
      const after = chain[i]!;
      if (!moved.has(before.id) && !moved.has(after.id)) continue;
      const end = Date.parse(moved.get(before.id)?.end ?? before.end);
      const start = Date.parse(moved.get(after.id)?.start ?? after.start);
      if (start < end) return `“${after.title}” must move too, to stay after “${before.title}”`;
    }
  }
  return null;
}

function withEdit(entry: ArchitectEntry, edit: EntryEdit | undefined): ArchitectEntry {
  if (!edit) return entry;
  return { ...entry, ...(edit.title ? { title: edit.title } : {}), ...(edit.start ? { start: edit.start } : {}), ...(edit.end ? { end: edit.end } : {}) };
}

function architectCard(e: ArchitectEntry, zone: string): ProposalEntry {
  const detail = e.detail ?? (e.due ? `due ${formatDue(e.due, zone)}` : undefined);
  return { id: e.id, kind: e.kind, title: e.title, ...(e.start ? { start: e.start } : {}), ...(e.end ? { end: e.end } : {}), ...(detail ? { detail } : {}) };
}

/** B12: ids unique (and not the goal's), references to entries that exist, blocks with a valid span. */
function referenceProblem(entries: readonly ArchitectEntry[]): string | null {
  const ids = new Set<string>();
  for (const e of entries) {
    if (e.id === GOAL_ENTRY || ids.has(e.id)) return `entry id ${e.id} is repeated or reserved`;
    ids.add(e.id);
  }
  for (const e of entries) {
    for (const ref of [...(e.after ?? []), ...(e.taskId ? [e.taskId] : [])]) if (!ids.has(ref)) return `${e.id} names an unknown entry ${ref}`;
    if (e.kind === "block") {
      const problem = e.start && e.end ? spanProblem(e.start, e.end) : "a block needs a start and an end";
      if (problem) return `${e.id}: ${problem}`;
    }
  }
  return null;
}
