/**
 * What the Activity view says about each ledger event: who did it and what,
 * in words (W34) — "Hana's phone renamed “Call John” → “Call John re
 * budget”", never a raw id. The switch covers every type of
 * `shared/events.ts`, so a new event type does not compile until it is given
 * a line in the timeline (or hidden as bookkeeping).
 *
 * Events that carry only an id are named from what came before them: the
 * rows are worded oldest first, while a running record of titles (tasks,
 * notes, reminders, proposals, plan items) follows the ledger; an id met
 * before that record starts is named from the current state, else generically
 * ("a task").
 */
import type { Actor } from "../../shared/domain.ts";
import type { LedgerEvent } from "../../shared/events.ts";
import { preferencesUpdate } from "./activity-preferences.ts";

/** What wording needs beyond the events. */
export type ActivityContext = {
  /** A due value or instant as every view shows it: in the preference zone (W5). */
  due: (value: string) => string;
  /** A calendar date `YYYY-MM-DD`, e.g. "Thu, Nov 26". */
  day: (date: string) => string;
  /** This browser's device id: its actions read "You (<name>)". */
  thisDevice: string;
  /** A device's name by id, online or not (P16); null when the room never met it. */
  deviceName: (deviceId: string) => string | null;
  /** Titles in the current state, for ids the listed events never named. */
  taskTitle: (taskId: string) => string | null;
  noteTitle: (noteId: string) => string | null;
};

export type ActivityRow = { event: LedgerEvent; who: string; what: string };

export const ASSISTANT_NAME = "Chief of staff";
export const SYSTEM_NAME = "Micro CoS";

/** Who an actor is, in words: "You (Laptop)", "Hana's phone", "Chief of staff". */
export function actorName(actor: Actor, ctx: Pick<ActivityContext, "thisDevice" | "deviceName">): string {
  switch (actor.kind) {
    case "assistant":
      return ASSISTANT_NAME;
    case "system":
      return SYSTEM_NAME;
    case "user": {
      if (!actor.deviceId) return "You";
      const name = ctx.deviceName(actor.deviceId);
      if (actor.deviceId === ctx.thisDevice) return name ? `You (${name})` : "You (this device)";
      return name ?? "Another device";
    }
  }
}

/** Names of things by id, as the ledger has told them so far. */
class Names {
  tasks = new Map<string, string>();
  notes = new Map<string, string>();
  reminders = new Map<string, string>();
  proposals = new Map<string, string>();
  planItems = new Map<string, string>();
  blocks = new Map<string, string>();
  goals = new Map<string, string>();
}

const quote = (s: string) => `“${s.length > 80 ? `${s.slice(0, 79)}…` : s}”`;

/** The rows for `events` (oldest first, as the ledger has them), returned oldest first. */
export function activityRows(events: readonly LedgerEvent[], ctx: ActivityContext): ActivityRow[] {
  const names = new Names();
  return events.map((event) => {
    const row = { event, who: actorName(event.actor, ctx), what: describe(event, ctx, names) };
    learn(event, names);
    return row;
  });
}

const taskName = (id: string, ctx: ActivityContext, names: Names) => {
  const title = names.tasks.get(id) ?? ctx.taskTitle(id);
  return title ? quote(title) : "a task";
};
const noteName = (id: string, ctx: ActivityContext, names: Names) => {
  const title = names.notes.get(id) ?? ctx.noteTitle(id);
  return title ? quote(title) : "a note";
};
const reminderName = (id: string, names: Names) => {
  const title = names.reminders.get(id);
  return title ? `the reminder ${quote(title)}` : "a reminder";
};
const proposalName = (id: string, names: Names) => {
  const summary = names.proposals.get(id);
  return summary ? quote(summary) : "a proposal";
};
const memoryKey = (slot: string) => slot.slice(slot.indexOf(":") + 1);

/** The sentence after the actor's name. */
function describe(e: LedgerEvent, ctx: ActivityContext, names: Names): string {
  switch (e.type) {
    case "task.created": {
      const { title, due } = e.payload.task;
      return `added task ${quote(title)}${due ? ` (due ${ctx.due(due)})` : ""}`;
    }
    case "task.completed":
      return `completed ${taskName(e.payload.taskId, ctx, names)}`;
    case "task.updated":
      return taskUpdate(e.payload, ctx, names);
    case "task.deleted":
      // A task deleted on a device carries no copy of itself: named from earlier events or the state.
      return `deleted task ${e.payload.task ? quote(e.payload.task.title) : taskName(e.payload.taskId, ctx, names)}`;
    case "note.created":
      return e.payload.note.title ? `added note ${quote(e.payload.note.title)}` : "added a note";
    case "note.updated":
      return noteUpdate(e.payload, ctx, names);
    case "note.deleted":
      return `deleted note ${e.payload.note?.title ? quote(e.payload.note.title) : noteName(e.payload.noteId, ctx, names)}`;
    // B21, W78: goals and blocks, named from earlier events like tasks.
    case "goal.created":
      return `added the goal ${quote(e.payload.goal.title)}`;
    case "goal.updated":
      return goalUpdate(e.payload, ctx, names);
    case "goal.deleted":
      return `removed the goal ${e.payload.goal ? quote(e.payload.goal.title) : named(names.goals, e.payload.goalId, "")}`.trimEnd();
    case "block.created":
      return `placed ${quote(e.payload.block.title)} on ${ctx.due(e.payload.block.start)}`;
    case "block.updated":
      return blockUpdate(e.payload, ctx, names);
    case "block.deleted":
      return `removed ${e.payload.block ? quote(e.payload.block.title) : named(names.blocks, e.payload.blockId, "a block")} from the timeline`;
    case "memory.pinned":
      return `remembered ${e.payload.memory.key} = ${e.payload.memory.value}`;
    case "memory.unpinned":
      return `forgot ${quote(memoryKey(e.payload.slot))}${e.payload.reason === "expired" ? " — it expired" : ""}`;
    case "message.added": {
      const text = quote(e.payload.message.text.replace(/\s+/g, " ").trim());
      return e.payload.message.role === "assistant" ? `replied ${text}` : `said ${text}`;
    }
    case "turn.undone": {
      const kept = e.payload.kept?.length ?? 0;
      return `undid what the assistant did (${e.payload.steps} change${e.payload.steps === 1 ? "" : "s"} reverted${kept > 0 ? `, ${kept} kept because they were changed since` : ""})`;
    }
    case "turn.failed":
      return e.payload.message ? `could not finish a reply: ${e.payload.message}` : "could not finish a reply";
    case "reminder.set":
      return `set a reminder ${quote(e.payload.reminder.title)} for ${ctx.due(e.payload.reminder.at)}`;
    case "reminder.fired":
      return `reminded you: ${names.reminders.has(e.payload.reminderId) ? quote(names.reminders.get(e.payload.reminderId)!) : "a reminder"}`;
    case "reminder.snoozed":
      return `snoozed ${reminderName(e.payload.reminderId, names)} to ${ctx.due(e.payload.at)}`;
    case "reminder.dismissed":
      return `dismissed ${reminderName(e.payload.reminderId, names)}`;
    case "reminder.updated":
      return `changed the reminder ${quote(e.payload.reminder.title)} to ${ctx.due(e.payload.reminder.at)}`;
    case "preferences.updated":
      return preferencesUpdate(e.payload.patch);
    case "proposal.created":
      return `asked to confirm: ${e.payload.summary}${e.payload.items ? ` (${e.payload.items.length})` : ""}`;
    case "proposal.confirmed":
      return `confirmed ${proposalName(e.payload.proposalId, names)}`;
    case "proposal.settled":
      // Actor: the user for `rejected` and `failed` (their click), the system for `expired`.
      return e.payload.status === "rejected"
        ? `cancelled ${proposalName(e.payload.proposalId, names)}`
        : e.payload.status === "expired"
          ? `let ${proposalName(e.payload.proposalId, names)} expire unanswered`
          : `confirmed ${proposalName(e.payload.proposalId, names)}, which could no longer apply; nothing changed`;
    case "plan.proposed": {
      const n = e.payload.plan.items.length;
      return `proposed a plan for ${ctx.day(e.payload.plan.date)} (${n} item${n === 1 ? "" : "s"})`;
    }
    case "plan.item.settled": {
      const text = e.payload.text ?? names.planItems.get(`${e.payload.date}/${e.payload.itemId}`);
      const what = text ? quote(text) : "an item";
      return e.payload.status === "accepted" ? `accepted ${what} from the plan` : `set aside ${what} from the plan`;
    }
    case "notification.created":
      return `notified you: ${e.payload.notification.title}`;
    case "notification.acked":
      return "marked a notification done";
    case "push.subscribed":
      return "turned on notifications on a device";
    case "push.unsubscribed":
      return e.payload.reason === "gone" ? "stopped notifications to a device its push service no longer knows" : "turned off notifications on a device";
    case "calendar.source.added":
      return `added the calendar ${quote(e.payload.source.name)}`;
    case "calendar.source.removed":
      return "removed a calendar";
    case "calendar.source.status":
      return e.payload.status === "error" ? `could not sync a calendar${e.payload.error ? `: ${e.payload.error}` : ""}` : "synced a calendar";
    case "calendar.synced":
      return `synced a calendar (${e.payload.changed} change${e.payload.changed === 1 ? "" : "s"})`;
    case "calendar.event.created":
      return `added ${quote(e.payload.title)} to a calendar for ${ctx.due(e.payload.start)}`;
    case "calendar.event.deleted":
      return "removed an event from a calendar";
    case "calendar.event.updated":
      return `changed ${quote(e.payload.title)} in a calendar to ${ctx.due(e.payload.start)}`;
    case "usage.charged":
      return `used ${e.payload.tokens} assistant tokens`;
    case "tool.used":
      return `used the tool ${e.payload.tool.replace(/_/g, " ")}`;
    case "mcp.server.added":
      return `added the tool server ${quote(e.payload.name)}`;
    case "mcp.server.removed":
      return `removed the tool server ${quote(e.payload.name)}`;
    case "mcp.server.updated":
      return e.payload.trusted ? "changed which tools run without asking" : "updated a tool server";
    case "memory.used":
      return `used ${e.payload.memoryIds.length} memor${e.payload.memoryIds.length === 1 ? "y" : "ies"} in a reply`;
    case "conversation.created":
      return `started the conversation ${quote(e.payload.conversation.title)}`;
    case "conversation.updated":
      return e.payload.title !== undefined
        ? `renamed a conversation to ${quote(e.payload.title)}`
        : e.payload.archived
          ? "archived a conversation"
          : "brought back an archived conversation";
    case "conversation.deleted":
      return `deleted a conversation (${e.payload.messages} message${e.payload.messages === 1 ? "" : "s"})`;
    case "turn.regenerated":
      return "asked for another answer";
    case "account.imported":
      return `imported your data (${e.payload.events} events)`;
    case "voice.job.queued":
      return "sent a voice message";
    case "voice.job.transcribing":
      return "transcribed a voice message";
    case "voice.job.done":
      return e.payload.messageId ? "sent a voice message as text" : "transcribed a voice message for review";
    case "voice.job.sent":
      return "sent a reviewed voice message";
    case "voice.job.failed":
      return `could not transcribe a voice message: ${e.payload.message}`;
    case "voice.used":
      return e.payload.kind === "speech" ? "read a reply aloud" : "used speech-to-text";
    default: {
      const unhandled: never = e;
      void unhandled;
      return "recorded an event";
    }
  }
}

function taskUpdate(p: Extract<LedgerEvent, { type: "task.updated" }>["payload"], ctx: ActivityContext, names: Names): string {
  const { changes, before } = p;
  const parts: string[] = [];
  let name = taskName(p.taskId, ctx, names);
  if (changes.title !== undefined) {
    const was = before?.title ?? names.tasks.get(p.taskId) ?? ctx.taskTitle(p.taskId);
    parts.push(was && was !== changes.title ? `renamed ${quote(was)} → ${quote(changes.title)}` : `renamed ${name} to ${quote(changes.title)}`);
    name = quote(changes.title);
  }
  if (changes.status === "done") parts.push(`completed ${name}`);
  if (changes.status === "open") parts.push(`reopened ${name}`);
  if (changes.due !== undefined) parts.push(changes.due ? `set ${name} due ${ctx.due(changes.due)}` : `removed the due date of ${name}`);
  if (changes.tags !== undefined) parts.push(changes.tags.length ? `tagged ${name} ${changes.tags.map((t) => `#${t}`).join(" ")}` : `removed the tags of ${name}`);
  if (changes.order !== undefined && parts.length === 0) parts.push(`moved ${name}`);
  return parts.length ? parts.join("; ") : `changed ${name}`;
}

/** A name the ledger told, quoted, else `fallback`. */
const named = (known: Map<string, string>, id: string, fallback: string) => {
  const title = known.get(id);
  return title ? quote(title) : fallback;
};

/**
 * A span's end after its start ("Tue, Mar 2, 8:00 AM" – …): the time alone on
 * the same day, the day too when the block runs past midnight ("Wed, Mar 3, 1:00 AM").
 */
export function endWords(start: string, end: string): string {
  const dayOf = (words: string) => words.slice(0, Math.max(0, words.lastIndexOf(", ")));
  return dayOf(start) === dayOf(end) ? end.slice(dayOf(end).length + 2) : end;
}

function blockUpdate(p: Extract<LedgerEvent, { type: "block.updated" }>["payload"], ctx: ActivityContext, names: Names): string {
  const c = p.changes ?? {};
  const name = c.title ?? names.blocks.get(p.blockId);
  const it = name ? quote(name) : "a block";
  const parts: string[] = [];
  if (c.title !== undefined && p.before?.title) parts.push(`renamed ${quote(p.before.title)} → ${quote(c.title)}`);
  if (c.start !== undefined) parts.push(`moved ${it} to ${ctx.due(c.start)}${c.end ? `–${endWords(ctx.due(c.start), ctx.due(c.end))}` : ""}`);
  else if (c.end !== undefined) parts.push(`made ${it} end at ${ctx.due(c.end)}`);
  return parts.length ? parts.join("; ") : `changed ${it}`;
}

function goalUpdate(p: Extract<LedgerEvent, { type: "goal.updated" }>["payload"], ctx: ActivityContext, names: Names): string {
  const c = p.changes ?? {};
  const it = named(names.goals, p.goalId, "a goal");
  if (c.status === "done") return `marked the goal ${it} done`;
  if (c.status === "dropped") return `dropped the goal ${it}`;
  if (c.title !== undefined) return `renamed the goal ${it} → ${quote(c.title)}`;
  if (c.targetDate) return `set the goal ${it} for ${ctx.day(c.targetDate)}`;
  return `changed the goal ${it}`;
}

function noteUpdate(p: Extract<LedgerEvent, { type: "note.updated" }>["payload"], ctx: ActivityContext, names: Names): string {
  const name = noteName(p.noteId, ctx, names);
  const newTitle = p.changes?.title;
  const parts: string[] = [];
  if (p.fields.includes("title")) {
    const was = p.before?.title ?? names.notes.get(p.noteId) ?? null;
    parts.push(newTitle !== undefined && was !== null ? `renamed note ${quote(was)} → ${quote(newTitle)}` : `renamed note ${name}`);
  }
  const current = newTitle ? quote(newTitle) : name;
  if (p.fields.includes("body")) parts.push(`edited note ${current}`);
  if (p.fields.includes("pinned")) parts.push(p.changes?.pinned === false ? `unpinned note ${current}` : `pinned note ${current}`);
  return parts.length ? parts.join("; ") : `changed note ${current}`;
}

/** What an event tells later rows about names. */
function learn(e: LedgerEvent, names: Names): void {
  switch (e.type) {
    case "task.created":
      names.tasks.set(e.payload.task.id, e.payload.task.title);
      return;
    case "task.updated":
      if (e.payload.changes.title !== undefined) names.tasks.set(e.payload.taskId, e.payload.changes.title);
      return;
    case "task.deleted":
      if (e.payload.task) names.tasks.set(e.payload.taskId, e.payload.task.title);
      return;
    case "note.created":
      names.notes.set(e.payload.note.id, e.payload.note.title);
      return;
    case "note.updated":
      if (e.payload.changes?.title !== undefined) names.notes.set(e.payload.noteId, e.payload.changes.title);
      return;
    case "reminder.set":
    case "reminder.updated":
      names.reminders.set(e.payload.reminder.id, e.payload.reminder.title);
      return;
    case "proposal.created":
      names.proposals.set(e.payload.proposalId, e.payload.summary);
      return;
    case "block.created":
      names.blocks.set(e.payload.block.id, e.payload.block.title);
      return;
    case "block.updated":
      if (e.payload.changes?.title !== undefined) names.blocks.set(e.payload.blockId, e.payload.changes.title);
      return;
    case "goal.created":
      names.goals.set(e.payload.goal.id, e.payload.goal.title);
      return;
    case "goal.updated":
      if (e.payload.changes?.title !== undefined) names.goals.set(e.payload.goalId, e.payload.changes.title);
      return;
    case "plan.proposed":
      for (const item of e.payload.plan.items) names.planItems.set(`${e.payload.plan.date}/${item.id}`, item.text);
      return;
    case "plan.item.settled":
      if (e.payload.task) names.tasks.set(e.payload.task.id, e.payload.task.title);
      return;
    default:
      return;
  }
}

/** Bookkeeping the user need not read in a timeline. */
export function isBookkeeping(e: LedgerEvent): boolean {
  switch (e.type) {
    case "usage.charged":
    case "tool.used":
    case "voice.used":
    case "voice.job.transcribing":
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
    // B16: undo of a turn also takes back the goals and blocks it made (keeping what the user changed since).
    case "goal.created":
    case "goal.updated":
    case "goal.deleted":
    case "block.created":
    case "block.updated":
    case "block.deleted":
      return e.actor.turnId;
    default:
      return null;
  }
}
