/**
 * What the Activity view says about each ledger event. The switch covers every
 * type of `shared/events.ts`, so a new event type does not compile until it is
 * given a line in the timeline (or hidden as bookkeeping).
 */
import type { LedgerEvent } from "../../shared/events.ts";

/**
 * The sentence after the actor's name, e.g. “You added task “Buy milk””.
 * `due` words a date or time the way every view does: in the preference zone (W5).
 */
export function describeEvent(e: LedgerEvent, due: (value: string) => string): string {
  switch (e.type) {
    case "task.created":
      return `added task “${e.payload.task.title}”${e.payload.task.due ? `, due ${due(e.payload.task.due)}` : ""}`;
    case "task.completed":
      return "completed a task";
    case "task.updated":
      return "changed a task";
    case "task.deleted":
      // A task deleted on a device carries no copy of itself.
      return `deleted task “${e.payload.task?.title ?? ""}”`;
    case "note.created":
      return `added note “${e.payload.note.title}”`;
    case "note.updated":
      return "edited a note";
    case "memory.pinned":
      return `remembered ${e.payload.memory.key} = ${e.payload.memory.value}`;
    case "message.added":
      return `said “${e.payload.message.text.slice(0, 80)}”`;
    case "turn.undone": {
      const kept = e.payload.kept?.length ?? 0;
      return `undid what the assistant did (${e.payload.steps} change${e.payload.steps === 1 ? "" : "s"} reverted${kept > 0 ? `, ${kept} kept because they were changed since` : ""})`;
    }
    case "reminder.set":
      return `set a reminder “${e.payload.reminder.title}” for ${due(e.payload.reminder.at)}`;
    case "reminder.snoozed":
      return `snoozed a reminder to ${due(e.payload.at)}`;
    case "preferences.updated":
      return e.payload.patch.timezone ? `set the time zone to ${e.payload.patch.timezone}` : "changed the preferences";
    case "proposal.created":
      return `asked: ${e.payload.summary}${e.payload.items ? ` (${e.payload.items.length})` : ""}`;
    case "proposal.confirmed":
      return "confirmed a proposal";
    case "proposal.settled":
      // Actor: the user for `rejected` and `failed` (their click), the system for `expired`.
      return e.payload.status === "rejected" ? "cancelled a proposal" : e.payload.status === "expired" ? "expired a proposal" : "confirmed a proposal that could no longer apply; nothing changed";
    // The rest read well enough as their type: “memory unpinned”, “plan proposed”.
    case "note.deleted":
    case "memory.unpinned":
    case "turn.failed":
    case "usage.charged":
    case "tool.used":
    case "reminder.fired":
    case "reminder.dismissed":
    case "notification.created":
    case "notification.acked":
    case "plan.proposed":
    case "plan.item.settled":
      return e.type.replace(".", " ");
    default: {
      const unhandled: never = e;
      void unhandled;
      return "recorded an event";
    }
  }
}

/** Bookkeeping the user need not read in a timeline. */
export function isBookkeeping(e: LedgerEvent): boolean {
  switch (e.type) {
    case "usage.charged":
    case "tool.used":
    case "notification.created":
    case "notification.acked":
      return true;
    default:
      return false;
  }
}

/** The assistant turn an event's Undo button undoes (H12, D18): its changes, not its bookkeeping. */
export function undoableTurn(e: LedgerEvent): string | null {
  if (e.actor.kind !== "assistant") return null;
  switch (e.type) {
    case "task.created":
    case "task.updated":
    case "task.completed":
    case "task.deleted":
    case "note.created":
    case "note.updated":
    case "note.deleted":
    case "memory.pinned":
    case "memory.unpinned":
    case "preferences.updated":
    case "reminder.set":
    case "plan.item.settled":
    case "proposal.created":
      return e.actor.turnId;
    default:
      return null;
  }
}
