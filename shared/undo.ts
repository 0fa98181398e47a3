/**
 * What undoing an assistant turn did (docs/PROTOCOL.md D9, D18): each change
 * the turn made is either reverted or kept, and a kept one says why. Carried by
 * the `turn.undone` event (the projections fold the reverts, so replaying the
 * ledger gives the same state) and by the answer to `POST /api/v1/undo`.
 */
import { z } from "zod";
import { MemorySchema, NoteSchema, PlanItemSchema, type PreferencesPatch, PreferencesPatchSchema, TaskSchema } from "./domain.ts";

/** One change of the turn, reverted. */
export const UndoRevertSchema = z.discriminatedUnion("kind", [
  /** A task the turn created, removed; `title` as it was. */
  z.object({ kind: z.literal("task.removed"), taskId: z.string(), title: z.string() }),
  /** A task the turn deleted (a confirmed proposal), put back as it was. */
  z.object({ kind: z.literal("task.restored"), task: TaskSchema }),
  /** Fields of a task set back to their values before the turn; a completed task reopened is `{status: "open"}`. */
  z.object({ kind: z.literal("task.reverted"), taskId: z.string(), title: z.string(), changes: TaskSchema.partial() }),
  z.object({ kind: z.literal("note.removed"), noteId: z.string(), title: z.string() }),
  z.object({ kind: z.literal("note.restored"), note: NoteSchema }),
  /** `fields` names what was set back (`body` included: a body is named, not copied). */
  z.object({ kind: z.literal("note.reverted"), noteId: z.string(), title: z.string(), fields: z.array(z.string()) }),
  /** A reminder the turn set, dismissed: it will not fire. */
  z.object({ kind: z.literal("reminder.dismissed"), reminderId: z.string(), title: z.string() }),
  /** A memory slot (`type:key`) back to what it held before the turn; null: nothing, so it is unpinned. */
  z.object({ kind: z.literal("memory.restored"), slot: z.string(), key: z.string(), memory: MemorySchema.nullable() }),
  /** The preference fields the turn changed, back to their earlier values. */
  z.object({ kind: z.literal("preferences.restored"), patch: PreferencesPatchSchema }),
  /** A plan item the turn settled, proposed again as it was first proposed. */
  z.object({ kind: z.literal("plan.item.reopened"), date: z.string(), item: PlanItemSchema }),
  /** A proposal of the turn still waiting for the user, cancelled: it can no longer be confirmed. */
  z.object({ kind: z.literal("proposal.cancelled"), proposalId: z.string(), summary: z.string() }),
  /**
   * K29: an event the turn put on a calendar (a confirmed proposal), deleted from it. The deletion
   * leaves the room, so it runs after the undo is recorded and records its own `calendar.event.deleted`.
   */
  z.object({ kind: z.literal("calendar.event.removed"), sourceId: z.string(), eventId: z.string(), title: z.string() }),
  /** B16: a goal or block the turn created (a confirmed architect plan), removed. */
  z.object({ kind: z.literal("goal.removed"), goalId: z.string(), title: z.string() }),
  z.object({ kind: z.literal("block.removed"), blockId: z.string(), title: z.string() }),
  /** B16: a block the turn moved (a confirmed rescheduling), back where it was. */
  z.object({ kind: z.literal("block.reverted"), blockId: z.string(), title: z.string(), start: z.string(), end: z.string() }),
]);
export type UndoRevert = z.infer<typeof UndoRevertSchema>;

/** One change of the turn left as it is, because someone built on it since. */
export const UndoKeptSchema = z.object({
  kind: z.enum(["task", "note", "reminder", "memory", "preferences", "plan.item", "goal", "block"]),
  /** The task, note, reminder or plan item id, the memory slot, or the preference field. */
  id: z.string(),
  /** How the user knows it: the title now, the memory's key, the field's name. */
  title: z.string(),
  /** Who changed it after the turn: the user (a device or the API), a later turn of the assistant, the system. */
  by: z.enum(["user", "assistant", "system"]),
  /** Why it was kept, for people: "you edited it". */
  reason: z.string(),
});
export type UndoKept = z.infer<typeof UndoKeptSchema>;

/** The fields a preferences patch sets, keyed like `workHours.start`: the unit undo restores or keeps (D18). */
export function preferenceFields(patch: PreferencesPatch): [string, unknown][] {
  return [
    ...(patch.timezone !== undefined ? [["timezone", patch.timezone] as [string, unknown]] : []),
    ...Object.entries(patch.workHours ?? {}).map(([k, v]): [string, unknown] => [`workHours.${k}`, v]),
    ...Object.entries(patch.notifications ?? {}).map(([k, v]): [string, unknown] => [`notifications.${k}`, v]),
  ];
}

/** A preference field for people: `workHours.start` → "work hours start", `timezone` → "time zone". */
export const preferenceLabel = (field: string): string =>
  field === "timezone" ? "time zone" : field.replace(".", " ").replace(/([A-Z])/g, " $1").toLowerCase();

/** The sentence an undo answers with, e.g. `Undone: removed “Book the hotel”. Kept “Book the hotel near Fenway” because you edited it.` */
export function undoMessage(reverted: readonly UndoRevert[], kept: readonly UndoKept[]): string {
  const done = reverted.map(describeRevert);
  const head = done.length > 0 ? `Undone: ${done.join("; ")}.` : "Nothing was changed back.";
  const tail = kept.map((k) => ` Kept “${k.title}” because ${k.reason}.`).join("");
  return head + tail;
}

function describeRevert(r: UndoRevert): string {
  switch (r.kind) {
    case "task.removed":
    case "note.removed":
      return `removed “${r.title}”`;
    case "task.restored":
      return `restored “${r.task.title}”`;
    case "note.restored":
      return `restored the note “${r.note.title}”`;
    case "task.reverted":
      return Object.keys(r.changes).join() === "status" && r.changes.status === "open"
        ? `reopened “${r.title}”`
        : `set the ${Object.keys(r.changes).join(", ")} of “${r.title}” back`;
    case "note.reverted":
      return `set the ${r.fields.join(", ")} of the note “${r.title}” back`;
    case "reminder.dismissed":
      return `cancelled the reminder “${r.title}”`;
    case "memory.restored":
      return r.memory ? `restored ${r.key} to “${r.memory.value}”` : `forgot ${r.key}`;
    case "preferences.restored":
      return `restored your ${preferenceFields(r.patch).map(([f]) => preferenceLabel(f)).join(", ")}`;
    case "plan.item.reopened":
      return `put “${r.item.text}” back in the plan for ${r.date}`;
    case "proposal.cancelled":
      return `cancelled the proposal “${r.summary}”`;
    case "calendar.event.removed":
      return `removed “${r.title}” from your calendar`;
    case "goal.removed":
      return `removed the goal “${r.title}”`;
    case "block.removed":
      return `removed the block “${r.title}”`;
    case "block.reverted":
      return `moved “${r.title}” back`;
    default: {
      const unknown: never = r;
      throw new Error(`undoMessage: no wording for ${JSON.stringify(unknown)}`);
    }
  }
}
