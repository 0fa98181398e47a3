/**
 * What was built on a turn's work after it (docs/PROTOCOL.md D18): every
 * change, read from the ledger, to a task, note, reminder, memory slot or
 * preference field after a given seq, by whom. Changes by the undone turn
 * itself, and by turns undone since, build on nothing.
 */
import type { Actor } from "../../shared/domain.ts";
import type { EventType, LedgerEvent } from "../../shared/events.ts";
import { preferenceFields } from "../../shared/undo.ts";
import { memorySlot } from "./projections.ts";

/** One change after the turn; `reason` overrides the wording when the "change" is a missing record, not a person. */
export type Touch = { seq: number; actor: Actor; fields: readonly string[] | "all"; verb: string; reason?: string };

/** The event types that change an entry a turn can have made or changed. */
export const TOUCHING_TYPES = [
  "task.created",
  "task.updated",
  "task.completed",
  "task.deleted",
  "note.created",
  "note.updated",
  "note.deleted",
  "memory.pinned",
  "memory.unpinned",
  "preferences.updated",
  "reminder.snoozed",
  "reminder.dismissed",
  "reminder.updated",
  "goal.created",
  "goal.updated",
  "goal.deleted",
  "block.created",
  "block.updated",
  "block.deleted",
] as const satisfies readonly EventType[];

export class Touches {
  #by = new Map<string, Touch[]>();

  /** `events` in seq order; those whose actor is `skip`ped (the turn, undone turns) are left out. */
  constructor(events: readonly LedgerEvent[], skip: (actor: Actor) => boolean) {
    for (const event of events) {
      if (skip(event.actor)) continue;
      for (const [key, fields, verb] of keysOf(event)) {
        const list = this.#by.get(key) ?? [];
        list.push({ seq: event.seq, actor: event.actor, fields, verb });
        this.#by.set(key, list);
      }
    }
  }

  /** The first change of `key` after `seq` — to one of `fields`, or to anything when none are named. */
  after(key: string, seq: number, fields?: readonly string[]): Touch | undefined {
    return this.#by
      .get(key)
      ?.find((t) => t.seq > seq && (fields === undefined || t.fields === "all" || t.fields.some((f) => fields.includes(f))));
  }
}

function keysOf(event: LedgerEvent): [string, readonly string[] | "all", string][] {
  switch (event.type) {
    case "task.created":
      return [[`task:${event.payload.task.id}`, "all", "created"]];
    case "task.updated":
      return [[`task:${event.payload.taskId}`, event.payload.fields ?? Object.keys(event.payload.changes), "edited"]];
    case "task.completed":
      return [[`task:${event.payload.taskId}`, ["status"], "completed"]];
    case "task.deleted":
      return [[`task:${event.payload.taskId}`, "all", "deleted"]];
    case "note.created":
      return [[`note:${event.payload.note.id}`, "all", "created"]];
    case "note.updated":
      return [[`note:${event.payload.noteId}`, event.payload.fields, "edited"]];
    case "note.deleted":
      return [[`note:${event.payload.noteId}`, "all", "deleted"]];
    case "memory.pinned":
      return [[`memory:${memorySlot(event.payload.memory)}`, "all", "changed"]];
    case "memory.unpinned":
      return [[`memory:${event.payload.slot}`, "all", "removed"]];
    case "preferences.updated":
      return [["preferences", preferenceFields(event.payload.patch).map(([f]) => f), "changed"]];
    case "reminder.snoozed":
      return [[`reminder:${event.payload.reminderId}`, "all", "snoozed"]];
    case "reminder.dismissed":
      return [[`reminder:${event.payload.reminderId}`, "all", "dismissed"]];
    case "reminder.updated":
      return [[`reminder:${event.payload.reminder.id}`, "all", "edited"]];
    case "goal.created":
      return [[`goal:${event.payload.goal.id}`, "all", "created"]];
    case "goal.updated":
      return [[`goal:${event.payload.goalId}`, event.payload.fields, "edited"]];
    case "goal.deleted":
      return [[`goal:${event.payload.goalId}`, "all", "deleted"]];
    case "block.created":
      return [[`block:${event.payload.block.id}`, "all", "created"]];
    case "block.updated":
      // B16: a drag on the timeline is an edit: undo keeps the block where the user put it.
      return [[`block:${event.payload.blockId}`, event.payload.fields, event.payload.fields.some((f) => f === "start" || f === "end") ? "moved" : "edited"]];
    case "block.deleted":
      return [[`block:${event.payload.blockId}`, "all", "deleted"]];
    default:
      return [];
  }
}

/** Why something was kept, for people: "you edited it". */
export function keptReason(touch: Touch): string {
  if (touch.reason !== undefined) return touch.reason;
  switch (touch.actor.kind) {
    case "user":
      return `you ${touch.verb} it`;
    case "assistant":
      return `the assistant ${touch.verb} it in a later request`;
    case "system":
      return "it changed since";
  }
}
