/**
 * The room's single write path for commands (docs/PROTOCOL.md L1–L4, H4–H6).
 *
 * A command is checked for a prior run of its client action id, validated
 * against current state, then applied — document change and ledger event in
 * one ledger transaction, which publishes the event once it committed (L9).
 * Everything that can reject a command happens before the first write, so a
 * rejection leaves nothing behind. A batch (C14) is checked whole, then
 * applied in the same one transaction, one event per change.
 */
import { v7 as uuidv7 } from "uuid";
import * as Y from "yjs";
import { type BatchItem, type Command, CommandSchema } from "../../shared/commands.ts";
import {
  type Actor,
  type Memory,
  type Preferences,
  PreferencesSchema,
  planTimeProblem,
  type Task,
  TaskSchema,
} from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { NewEventBody } from "../../shared/events.ts";
import {
  type ActorOrigin,
  nextOrder,
  patchNote,
  patchTask,
  readNote,
  readTask,
  removeNote,
  removeTask,
  writeNote,
  writeTask,
} from "../../shared/doc-schema.ts";
import { isScheduleCommand, planSchedule } from "./schedule-commands.ts";
import { type ConversationStorePort, planConversation } from "./conversation-commands.ts";
import type { Ledger } from "./ledger.ts";
import { applyPreferencesPatch, memorySlot } from "./projections.ts";
import { planUndo, type TurnPort } from "./undo.ts";

export type CommandContext = {
  actor: Actor;
  /** Request id of the HTTP call or socket frame that caused the command. */
  correlationId: string;
  clientActionId?: string;
  /**
   * R18: the command was built by inputs.ts from a body its edge (socket frame, HTTP body) validated with the
   * same schemas CommandSchema is made of, and carries no other field: it is not parsed a second time.
   */
  edgeChecked?: boolean;
};

/** What the caller gets back; `duplicate` marks a repeat of an applied client action (L3). */
export type Applied = { result: unknown; duplicate: boolean; seq: number };

export type CommandDeps = {
  doc: Y.Doc;
  ledger: Ledger;
  now: () => number;
  /** The chat's turns and proposals, for undo (D18); without it, undo leaves proposals alone. */
  turns?: TurnPort;
  /** T6, T7: the chat's message index, to count and purge a deleted conversation; without it, a delete is its event only. */
  conversations?: ConversationStorePort;
};

export const actorLabel = (actor: Actor): string =>
  actor.kind === "user" ? `user:${actor.deviceId ?? "api"}` : actor.kind === "assistant" ? `assistant:${actor.turnId}` : "system";

/** A validated plan: the event to record and the document change that goes with it. */
type Plan = NewEventBody & { result: unknown; write?: (origin: ActorOrigin) => void; also?: () => void };

export function executeCommand(deps: CommandDeps, command: Command, ctx: CommandContext): Result<Applied> {
  // HTTP and socket inputs were parsed at the edge; the assistant's tools build commands from model output. Checking
  // every command here is the one place no path skips: a title no schema allows is a typed refusal, never a ledger throw (D15).
  // Only checked: the command itself (its key order is the idempotency fingerprint, L4) is what runs.
  const checked = ctx.edgeChecked === true ? null : CommandSchema.safeParse(command);
  if (checked !== null && !checked.success) {
    const issue = checked.error.issues[0];
    return fail("invalid_request", `${issue?.message ?? "invalid command"}${issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : ""}`);
  }
  const request = JSON.stringify(command);
  if (ctx.clientActionId !== undefined) {
    const prior = deps.ledger.checkAction(ctx.clientActionId, request);
    if (prior.status === "conflict") {
      return fail("conflict", `clientActionId ${ctx.clientActionId} was already used for a different request`);
    }
    if (prior.status === "duplicate") {
      return ok({ result: prior.recorded.result, duplicate: true, seq: prior.recorded.event.seq });
    }
  }
  const planned = command.kind === "batch" ? planBatch(deps, command.commands, ctx.actor) : plan(deps, command, ctx.actor);
  if (!planned.ok) return planned;
  const plans = Array.isArray(planned.value) ? planned.value : [planned.value];
  const result = Array.isArray(planned.value) ? planned.value.map((p) => p.result) : planned.value.result;
  const origin: ActorOrigin = { actorLabel: actorLabel(ctx.actor) };
  // A throw here is a broken invariant: the ledger rolls back and re-reads its projections; the room resets.
  const record = () => {
    // One document transaction: devices receive a batch as one update, never half of it (C14).
    if (plans.some((p) => p.write)) {
      deps.doc.transact(() => {
        for (const p of plans) p.write?.(origin);
      }, origin);
    }
    // One event per change, so projections, the activity log and undo read a batch like single commands;
    // the client action id (unique in the ledger) and the whole result go with the last.
    const last = plans.length - 1;
    const recorded = plans.map(({ result: _result, write: _write, also: _also, ...body }, i) =>
      deps.ledger.append({
        ...body,
        actor: ctx.actor,
        correlationId: ctx.correlationId,
        ...(i === last ? { clientActionId: ctx.clientActionId, request: ctx.clientActionId === undefined ? undefined : request, result } : {}),
      }),
    );
    // T7: storage beyond the document (a deleted conversation's text) changes in the event's transaction, after it.
    for (const p of plans) p.also?.();
    return recorded;
  };
  // R18: one event and no document change is one INSERT, atomic alone: no savepoint (two more SQL statements
  // per command in workerd). Inside a batch frame it joins the frame's transaction, published after its commit.
  const single = plans.length === 1 && plans[0]!.write === undefined && plans[0]!.also === undefined;
  const recorded = single ? record() : deps.ledger.transaction(record);
  return ok({ result, duplicate: false, seq: recorded.at(-1)!.event.seq });
}

/**
 * C14: every change of a batch is checked against the state before any is
 * applied, so one that cannot apply (a task gone since it was proposed)
 * refuses the whole batch. Two changes of one entry would be checked against
 * a state the first has not made yet: refused too.
 */
function planBatch(deps: CommandDeps, items: readonly BatchItem[], actor: Actor): Result<Plan[]> {
  const seen = new Set<string>();
  const plans: Plan[] = [];
  for (const [i, item] of items.entries()) {
    const target = batchTarget(item);
    if (target !== null && seen.has(target)) return fail("invalid_request", `change ${i + 1} of ${items.length} names ${target} again; a batch changes each entry once`);
    if (target !== null) seen.add(target);
    const planned = plan(deps, item, actor);
    if (!planned.ok) return fail(planned.error.code, `change ${i + 1} of ${items.length}: ${planned.error.message}; nothing was changed`);
    plans.push(planned.value);
  }
  return ok(plans);
}

/** The entry a batch item changes; null for one it creates. */
function batchTarget(item: BatchItem): string | null {
  switch (item.kind) {
    case "task":
      return item.action.action === "create" ? null : `task ${item.action.taskId}`;
    case "note":
      return item.action.action === "create" ? null : `note ${item.action.noteId}`;
    case "memory.unpin":
      return `memory ${item.memoryId}`;
    default: {
      const unknown: never = item;
      throw new Error(`unhandled batch item ${JSON.stringify(unknown)}`);
    }
  }
}

function plan(deps: CommandDeps, command: Exclude<Command, { kind: "batch" }>, actor: Actor): Result<Plan> {
  const now = new Date(deps.now()).toISOString();
  if (isScheduleCommand(command)) return planSchedule({ doc: deps.doc, state: deps.ledger.state, now: deps.now(), label: actorLabel }, command, actor);
  switch (command.kind) {
    case "task":
      return planTask(deps, command.action, actor, now);
    case "note":
      return planNote(deps, command.action, actor, now);
    case "undo.turn": {
      const undo = planUndo(deps, command.turnId);
      if (!undo.ok) return undo;
      return ok({ type: "turn.undone", payload: undo.value.payload, result: undo.value.result, write: undo.value.write });
    }
    case "memory.pin": {
      const { type, key, value } = command.pin;
      const existing = deps.ledger.state.memories[memorySlot({ type, key })];
      const memory: Memory = existing
        ? { ...existing, value, updatedAt: now }
        : { id: uuidv7(), type, key, value, pinnedAt: now, updatedAt: now };
      return ok({ type: "memory.pinned", payload: { memory }, result: memory });
    }
    case "memory.unpin": {
      const memory = Object.values(deps.ledger.state.memories).find((m) => m.id === command.memoryId);
      if (!memory) return fail("not_found", `memory ${command.memoryId} is not pinned`);
      return ok({ type: "memory.unpinned", payload: { memoryId: memory.id, slot: memorySlot(memory) }, result: memory });
    }
    case "conversation.create":
    case "conversation.update":
    case "conversation.delete":
      return planConversation({ state: deps.ledger.state, now, store: deps.conversations }, command);
    case "preferences.update": {
      const current = deps.ledger.state.preferences;
      if (command.patch.timezoneSource !== undefined && command.patch.timezone === undefined) return fail("invalid_request", "timezoneSource is given only with a timezone");
      // S12: a device's zone is adopted only while nobody has set one; later devices are offered a switch instead.
      if (command.patch.timezoneSource === "device" && current.timezoneSource !== "default") {
        return fail("conflict", `your time zone is already set to ${current.timezone}`);
      }
      const merged = PreferencesSchema.safeParse(applyPreferencesPatch(current, command.patch));
      if (!merged.success) return fail("invalid_request", "preferences would be invalid after this change");
      const planTime = planTimeProblem(merged.data);
      if (planTime) return fail("invalid_request", planTime);
      const preferences: Preferences = merged.data;
      return ok({ type: "preferences.updated", payload: { patch: command.patch }, result: preferences });
    }
    default: {
      const unknown: never = command;
      throw new Error(`unhandled command ${JSON.stringify(unknown)}`);
    }
  }
}

function planTask(deps: CommandDeps, action: Extract<Command, { kind: "task" }>["action"], actor: Actor, now: string): Result<Plan> {
  const { doc } = deps;
  if (action.action === "create") {
    const task: Task = {
      id: uuidv7(),
      title: action.task.title,
      status: "open",
      due: action.task.due ?? null,
      tags: action.task.tags ?? [],
      order: nextOrder(doc),
      createdAt: now,
      updatedAt: now,
      createdBy: actorLabel(actor),
    };
    return ok({ type: "task.created", payload: { task }, result: task, write: (o) => writeTask(doc, task, o) });
  }
  const current = readTask(doc, action.taskId);
  if (!current) return fail("not_found", `task ${action.taskId} does not exist`);
  switch (action.action) {
    case "update": {
      const changes = { ...action.patch, updatedAt: now };
      const next = TaskSchema.safeParse({ ...current, ...changes });
      if (!next.success) return fail("invalid_request", "task would be invalid after this change");
      // D18: the values this replaces, so that undo can put them back however old the change is.
      const before = TaskSchema.partial().parse(Object.fromEntries(Object.entries(current).filter(([field]) => field in action.patch)));
      return ok({
        type: "task.updated",
        payload: { taskId: current.id, changes: action.patch, before },
        result: next.data,
        write: (o) => patchTask(doc, current.id, changes, o),
      });
    }
    case "complete": {
      const done: Task = { ...current, status: "done", updatedAt: now };
      return ok({
        type: "task.completed",
        payload: { taskId: current.id },
        result: done,
        write: (o) => patchTask(doc, current.id, { status: "done", updatedAt: now }, o),
      });
    }
    case "delete":
      return ok({
        type: "task.deleted",
        payload: { taskId: current.id, task: current },
        result: current,
        write: (o) => removeTask(doc, current.id, o),
      });
    default: {
      const unknown: never = action;
      throw new Error(`unhandled task action ${JSON.stringify(unknown)}`);
    }
  }
}

function planNote(deps: CommandDeps, action: Extract<Command, { kind: "note" }>["action"], actor: Actor, now: string): Result<Plan> {
  const { doc } = deps;
  if (action.action === "create") {
    const note = {
      id: uuidv7(),
      title: action.note.title ?? "",
      body: action.note.body ?? "",
      pinned: action.note.pinned ?? false,
      createdAt: now,
      updatedAt: now,
      createdBy: actorLabel(actor),
    };
    return ok({ type: "note.created", payload: { note }, result: note, write: (o) => writeNote(doc, note, o) });
  }
  const current = readNote(doc, action.noteId);
  if (!current) return fail("not_found", `note ${action.noteId} does not exist`);
  if (action.action === "delete") {
    return ok({
      type: "note.deleted",
      payload: { noteId: current.id, note: current },
      result: current,
      write: (o) => removeNote(doc, current.id, o),
    });
  }
  const changes = { ...action.patch, updatedAt: now };
  const next = { ...current, ...changes };
  const { title, body, pinned } = current;
  const was = { title, body, pinned };
  // D18: the values this replaces, the body too, so that undo can put them back.
  const before = Object.fromEntries(Object.entries(was).filter(([k]) => k in action.patch));
  return ok({
    type: "note.updated",
    payload: { noteId: current.id, fields: Object.keys(action.patch), before },
    result: next,
    write: (o) => patchNote(doc, current.id, changes, o),
  });
}
