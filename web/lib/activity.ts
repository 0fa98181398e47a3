/**
 * What the Activity view says about each ledger event. The switch covers every
 * type of `shared/events.ts`, so a new event type does not compile until it is
 * given a line in the timeline (or hidden as bookkeeping).
 */
import type { LedgerEvent } from "../../shared/events.ts";

/** The sentence after the actor's name, e.g. “You added task “Buy milk””. */
export function describeEvent(e: LedgerEvent): string {
  switch (e.type) {
    case "task.created":
      return `added task “${e.payload.task.title}”`;
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
    case "turn.undone":
      return "undid an assistant turn";
    case "action.updated":
      return { confirmed: "confirmed a proposal", rejected: "rejected a proposal", expired: "let a proposal expire", failed: "could not carry out a proposal" }[e.payload.status];
    // The rest read well enough as their type: “memory unpinned”, “plan proposed”.
    case "note.deleted":
    case "memory.unpinned":
    case "preferences.updated":
    case "turn.failed":
    case "usage.charged":
    case "tool.used":
    case "proposal.created":
    case "proposal.confirmed":
    case "reminder.set":
    case "reminder.fired":
    case "reminder.snoozed":
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
    // A confirmation already reads as “proposal confirmed”; its card's update adds nothing to the timeline.
    case "action.updated":
      return e.payload.status === "confirmed";
    default:
      return false;
  }
}
