/**
 * Planning of the schedule commands (docs/PROTOCOL.md S1–S10): reminders,
 * acknowledging notifications, settling plan items. Same contract as the other
 * commands: every check first, then one document change and one event.
 */
import { v7 as uuidv7 } from "uuid";
import type { Command } from "../../shared/commands.ts";
import type { Actor, Reminder, Task } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import { nextOccurrence, normalizeRule } from "../../shared/recurrence.ts";
import type { NewEventBody } from "../../shared/events.ts";
import { type ActorOrigin, nextOrder, patchTask, readTask, writeNote, writeTask } from "../../shared/doc-schema.ts";
import type * as Y from "yjs";
import type { Projection } from "./projections.ts";

export type SchedulePlan = NewEventBody & { result: unknown; write?: (origin: ActorOrigin) => void };

type ScheduleCommand = Extract<Command, { kind: "reminder.set" | "reminder.snooze" | "reminder.dismiss" | "reminder.update" | "notification.ack" | "plan.item" }>;

export function isScheduleCommand(command: Command): command is ScheduleCommand {
  return ["reminder.set", "reminder.snooze", "reminder.dismiss", "reminder.update", "notification.ack", "plan.item"].includes(command.kind);
}

/**
 * S15, S16: a recurring reminder's stored rule and first `at` — the first occurrence
 * at or after `start` (or `now`, if later). The rule takes its time of day from `start`
 * (else `timeOfDay`, else 9:00) where it names none.
 */
function firstOccurrence(rrule: string, timeZone: string, start: number | null, now: number, timeOfDay: number | null): Result<{ rrule: string; at: string }> {
  // A start in the past begins the series now: no occurrence before it is set fires.
  const from = Math.max(start ?? now, now);
  const normalized = normalizeRule(rrule, timeZone, start ?? timeOfDay, from);
  if (!normalized.ok) return normalized;
  const first = nextOccurrence(normalized.value, timeZone, from - 1);
  if (first === null) return fail("invalid_request", "the rule has no occurrence from then on");
  return ok({ rrule: normalized.value, at: new Date(first).toISOString() });
}

/** A projection's own entry: ids come from clients, and `__proto__` or `constructor` must not find Object.prototype's (X2). */
const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);

export function planSchedule(
  deps: { doc: Y.Doc; state: Projection; now: number; label: (actor: Actor) => string },
  command: ScheduleCommand,
  actor: Actor,
): Result<SchedulePlan> {
  const now = new Date(deps.now).toISOString();
  switch (command.kind) {
    case "reminder.set": {
      const task = command.taskId ? readTask(deps.doc, command.taskId) : null;
      if (command.taskId && !task) return fail("not_found", `task ${command.taskId} does not exist`);
      const title = command.title ?? task?.title;
      if (!title) return fail("invalid_request", "a reminder needs a title or a taskId");
      if (command.routine && !command.rrule) return fail("invalid_request", "a routine needs an rrule");
      const base = { id: uuidv7(), taskId: task?.id ?? null, title, status: "pending" as const, firedAt: null };
      if (!command.rrule) {
        if (!command.at) return fail("invalid_request", "a reminder needs `at` (or an `rrule`)");
        const reminder: Reminder = { ...base, at: new Date(command.at).toISOString() };
        return ok({ type: "reminder.set", payload: { reminder }, result: reminder });
      }
      const start = command.at ? Date.parse(command.at) : null;
      const first = firstOccurrence(command.rrule, deps.state.preferences.timezone, start, deps.now, null);
      if (!first.ok) return first;
      const reminder: Reminder = { ...base, ...first.value, ...(command.routine ? { routine: command.routine } : {}) };
      return ok({ type: "reminder.set", payload: { reminder }, result: reminder });
    }
    case "reminder.update": {
      const r = own(deps.state.reminders, command.reminderId);
      if (!r) return fail("not_found", `reminder ${command.reminderId} does not exist`);
      if (command.at === undefined && command.title === undefined && command.rrule === undefined) return fail("invalid_request", "an update must change at, title or rrule");
      const rrule = command.rrule === undefined ? r.rrule : command.rrule ?? undefined;
      const { rrule: _old, routine, ...rest } = r;
      // A new time or rule arms it again; a new title alone leaves a fired one-time reminder fired.
      const rearmed = command.at !== undefined || command.rrule !== undefined;
      let reminder: Reminder = { ...rest, title: command.title ?? r.title, status: rearmed ? "pending" : r.status };
      if (rrule === undefined) {
        if (routine) return fail("invalid_request", "a routine keeps its rrule; dismiss it to stop it");
        reminder = { ...reminder, at: command.at ? new Date(command.at).toISOString() : r.at };
      } else {
        // A new rule keeps the reminder's time of day unless it names its own; an unchanged rule moves to the new `at`.
        const start = command.at ? Date.parse(command.at) : null;
        const first = firstOccurrence(rrule, deps.state.preferences.timezone, start, deps.now, Date.parse(r.at));
        if (!first.ok) return first;
        reminder = { ...reminder, ...first.value, ...(routine ? { routine } : {}) };
      }
      return ok({ type: "reminder.updated", payload: { reminder }, result: reminder });
    }
    case "reminder.snooze": {
      const r = own(deps.state.reminders, command.reminderId);
      if (!r) return fail("not_found", `reminder ${command.reminderId} does not exist`);
      const at = new Date(deps.now + command.minutes * 60_000).toISOString();
      return ok({ type: "reminder.snoozed", payload: { reminderId: r.id, at }, result: { ...r, status: "pending", at, firedAt: null } });
    }
    case "reminder.dismiss": {
      const r = own(deps.state.reminders, command.reminderId);
      if (!r) return fail("not_found", `reminder ${command.reminderId} does not exist`);
      return ok({ type: "reminder.dismissed", payload: { reminderId: r.id }, result: { ...r, status: "dismissed" } });
    }
    case "notification.ack": {
      const n = own(deps.state.notifications, command.notificationId);
      if (!n) return fail("not_found", `notification ${command.notificationId} is not in the inbox (unknown, or already acknowledged)`);
      return ok({ type: "notification.acked", payload: { notificationId: n.id }, result: { notificationId: n.id } });
    }
    case "plan.item": {
      const plan = own(deps.state.plans, command.date);
      const item = plan?.items.find((i) => i.id === command.itemId);
      if (!plan || !item) return fail("not_found", `no plan item ${command.itemId} on ${command.date}`);
      if (item.status !== "proposed") return fail("conflict", `plan item ${item.id} is already ${item.status}`);
      if (command.action === "reject") {
        return ok({ type: "plan.item.settled", payload: { date: plan.date, itemId: item.id, status: "rejected" }, result: { ...item, status: "rejected" } });
      }
      if (command.action === "edit" && !command.text) return fail("invalid_request", "edit needs the new text");
      const text = command.text ?? item.text;
      if (item.kind === "note") {
        const note = { id: uuidv7(), title: `Plan for ${plan.date}`, body: text, pinned: false, createdAt: now, updatedAt: now, createdBy: deps.label(actor) };
        return ok({
          type: "plan.item.settled",
          payload: { date: plan.date, itemId: item.id, status: "accepted", text },
          result: { ...item, status: "accepted", text },
          write: (o) => writeNote(deps.doc, note, o),
        });
      }
      // Accepting a priority or todo that names an existing task keeps that task; otherwise it becomes one, due that day.
      const existing = item.taskId ? readTask(deps.doc, item.taskId) : null;
      const task: Task | null = existing
        ? null
        : { id: uuidv7(), title: text, status: "open", due: plan.date, tags: item.kind === "priority" ? ["priority"] : [], order: nextOrder(deps.doc), createdAt: now, updatedAt: now, createdBy: deps.label(actor) };
      const taskId = existing?.id ?? task!.id;
      return ok({
        type: "plan.item.settled",
        payload: { date: plan.date, itemId: item.id, status: "accepted", text, taskId, ...(task ? { task } : {}) },
        result: { ...item, status: "accepted", text, taskId },
        write: task
          ? (o) => writeTask(deps.doc, task, o)
          : command.action === "edit" && existing && existing.title !== text
            ? (o) => patchTask(deps.doc, existing.id, { title: text, updatedAt: now }, o)
            : undefined,
      });
    }
  }
}
