/**
 * What the push routes do in the room (N1–N3, N15–N16): subscribe a device,
 * remove a subscription, and the two actions a service worker calls from a
 * notification (Done, Snooze) with the device's own token. Decisions only; the
 * route table (push-routes.ts) gives each write what every write gets (H14).
 */
import { v7 as uuidv7 } from "uuid";
import type * as Y from "yjs";
import type { Command } from "../../shared/commands.ts";
import { readTasks } from "../../shared/doc-schema.ts";
import type { Reminder } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { NotificationDone, PushSubscribed, PushSubscriptionBody } from "../../shared/push.ts";
import type { Applied, CommandContext } from "../core/commands.ts";
import type { Ledger } from "../core/ledger.ts";
import { checkEndpoint } from "./endpoint-guard.ts";
import { infoOf, MAX_PUSH_SUBSCRIPTIONS, type PushSubscriptions } from "./subscriptions.ts";
import type { VapidConfig } from "./vapid.ts";

export type PushApiDeps = {
  ledger: Ledger;
  doc: Y.Doc;
  subscriptions: PushSubscriptions;
  vapid: Result<VapidConfig>;
  development: boolean;
  now: () => number;
  execute: (command: Command, ctx: CommandContext) => Result<Applied>;
};

export type PushApi = {
  /** N1: the VAPID public key, or why push is off. */
  key(): Result<string>;
  /** N2: `created` is false when the endpoint was already subscribed (same id). */
  subscribe(deviceId: string | undefined, body: PushSubscriptionBody, ctx: CommandContext): Result<{ value: PushSubscribed; created: boolean }>;
  unsubscribe(id: string, ctx: CommandContext): Result<{ id: string }>;
  done(notificationId: string, ctx: CommandContext): Result<NotificationDone>;
  snooze(notificationId: string, minutes: number, ctx: CommandContext): Result<{ notificationId: string; reminder: Reminder }>;
};

export function pushApi(deps: PushApiDeps): PushApi {
  const { ledger, subscriptions } = deps;
  const system = (ctx: CommandContext) => ({ actor: ctx.actor, correlationId: ctx.correlationId });
  /** The sub-steps of an action carry no client key: the notification being gone (404) already makes a repeat harmless. */
  const step = (ctx: CommandContext): CommandContext => ({ actor: ctx.actor, correlationId: ctx.correlationId });
  const ack = (notificationId: string, ctx: CommandContext) => deps.execute({ kind: "notification.ack", notificationId }, { ...ctx });
  const reminderOf = (notificationId: string): Result<{ reminder: Reminder | null }> => {
    // X2: ids come from clients; `constructor` must not find Object.prototype's.
    const n = Object.hasOwn(ledger.state.notifications, notificationId) ? ledger.state.notifications[notificationId] : undefined;
    if (!n) return fail("not_found", "no such notification (it may have been dismissed already)");
    const ref = n.kind === "reminder" ? n.ref : null;
    return ok({ reminder: ref !== null && Object.hasOwn(ledger.state.reminders, ref) ? (ledger.state.reminders[ref] ?? null) : null });
  };
  return {
    key: () => (deps.vapid.ok ? ok(deps.vapid.value.publicKey) : deps.vapid),
    subscribe(deviceId, body, ctx) {
      if (!deps.vapid.ok) return deps.vapid;
      if (!deviceId) return fail("invalid_request", "X-Device-Id is required to subscribe a device");
      const verdict = checkEndpoint(body.endpoint, deps.development);
      if (!verdict.ok) return fail("invalid_request", verdict.reason);
      const existing = subscriptions.byEndpoint(body.endpoint);
      // N2: one subscription per device — a device subscribing anew (a new endpoint) replaces its old one.
      const replaced = subscriptions.byDevice(deviceId).filter((s) => s.endpoint !== body.endpoint);
      if (!existing && subscriptions.count() - replaced.length >= MAX_PUSH_SUBSCRIPTIONS) {
        return fail("conflict", `at most ${MAX_PUSH_SUBSCRIPTIONS} devices may receive notifications; remove one in Devices`);
      }
      const id = existing?.id ?? uuidv7();
      const createdAt = existing?.createdAt ?? new Date(deps.now()).toISOString();
      ledger.transaction(() => {
        for (const old of replaced) {
          subscriptions.remove(old.id);
          ledger.append({ type: "push.unsubscribed", ...system(ctx), payload: { subscriptionId: old.id, reason: "user" } });
        }
        const stored = subscriptions.put(id, deviceId, body, verdict.url.origin, createdAt);
        // A repeat with nothing new records nothing (idempotent); a move to another device is recorded.
        if (!existing || existing.deviceId !== deviceId) ledger.append({ type: "push.subscribed", ...system(ctx), payload: { subscription: infoOf(stored) } });
      });
      return ok({ value: { id, deviceId, endpoint: body.endpoint }, created: !existing });
    },
    unsubscribe(id, ctx) {
      if (!subscriptions.get(id)) return fail("not_found", "no such push subscription");
      ledger.transaction(() => {
        subscriptions.remove(id);
        ledger.append({ type: "push.unsubscribed", ...system(ctx), payload: { subscriptionId: id, reason: "user" } });
      });
      return ok({ id });
    },
    done(notificationId, ctx) {
      const found = reminderOf(notificationId);
      if (!found.ok) return found;
      const { reminder } = found.value;
      let done: NotificationDone["done"] = "acked";
      if (reminder) {
        const task = reminder.taskId ? readTasks(deps.doc).find((t) => t.id === reminder.taskId) : undefined;
        if (task) {
          if (task.status === "open") {
            const completed = deps.execute({ kind: "task", action: { action: "complete", taskId: task.id } }, step(ctx));
            if (!completed.ok) return completed;
          }
          done = "task";
        } else {
          // A reminder that fired ends; one pending again (a recurring reminder's next occurrence) only ends this occurrence.
          if (reminder.status === "fired") {
            const dismissed = deps.execute({ kind: "reminder.dismiss", reminderId: reminder.id }, step(ctx));
            if (!dismissed.ok) return dismissed;
          }
          done = "reminder";
        }
      }
      const acked = ack(notificationId, ctx);
      if (!acked.ok) return acked;
      return ok({ notificationId, done });
    },
    snooze(notificationId, minutes, ctx) {
      const found = reminderOf(notificationId);
      if (!found.ok) return found;
      const { reminder } = found.value;
      if (!reminder) return fail("conflict", "only a reminder's notification can be snoozed");
      const snoozed = deps.execute({ kind: "reminder.snooze", reminderId: reminder.id, minutes }, step(ctx));
      if (!snoozed.ok) return snoozed;
      const acked = ack(notificationId, ctx);
      if (!acked.ok) return acked;
      return ok({ notificationId, reminder: ledger.state.reminders[reminder.id] ?? reminder });
    },
  };
}
