/**
 * The push channel (N10–N14): turns a routing decision into one Web Push
 * message, recorded before it is sent (push-log.ts), and acts on the push
 * service's answer — done, drop a subscription that is gone (404/410), retry
 * later with backoff from the alarm (429/5xx/no answer), or give up. Sends are
 * asynchronous (the port is the Durable Object's fetch); every decision around
 * them is synchronous and in SQL, so a retried alarm decides the same way.
 */
import { v7 as uuidv7 } from "uuid";
import type { Notification } from "../../shared/domain.ts";
import { notificationUrl, type PushPayload, PushPayloadSchema, pushTopic, REMINDER_ACTIONS } from "../../shared/push.ts";
import type { Ledger } from "../core/ledger.ts";
import type { SqlStore } from "../core/sql.ts";
import { PUSH_MAX_AGE_MS, routableSince } from "../schedule/notify.ts";
import { quietHours } from "../schedule/scheduler.ts";
import { backoffMs, MAX_PUSH_ATTEMPTS, PushLog, type PushRow } from "./push-log.ts";
import type { PushMessage, PushOutcome, PushPort } from "./sender.ts";
import type { PushSubscriptions, StoredSubscription } from "./subscriptions.ts";

export type PushDeliveryDeps = {
  sql: SqlStore;
  ledger: Ledger;
  now: () => number;
  subscriptions: PushSubscriptions;
  port: PushPort | null;
  log: (event: string, detail: string) => void;
  /** A subscription was found gone: route the inbox again. */
  rerouted: () => void;
  /** A retry is waiting: move the alarm. */
  reschedule: () => void;
};

/** How long a `cleared` waits for its notification's push to be answered before the alarm sends it anyway. */
const STALE_CLEAR_MS = 60_000;

/** The shortest TTL a push is sent with: the push service may drop it at once if the device is off. */
const MIN_TTL_S = 60;

const parsePayload = (text: string): PushPayload | null => {
  try {
    const parsed = PushPayloadSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

export class PushDelivery {
  #deps: PushDeliveryDeps;
  #log: PushLog;
  #inflight = new Set<Promise<void>>();

  constructor(deps: PushDeliveryDeps) {
    this.#deps = deps;
    this.#log = new PushLog(deps.sql, deps.now, parsePayload);
  }

  /** N12: has this notification been pushed (or is it being pushed, or waiting for a retry)? Then it is never pushed or shown in-app again. */
  attempted(notificationId: string): boolean {
    const state = this.#log.get(notificationId, "notification")?.state;
    return state !== undefined && state !== "failed" && state !== "cancelled";
  }

  /**
   * N2: the subscriptions that can still be pushed to. One whose `expirationTime` has passed is
   * dropped as a gone one is (N14: `push.unsubscribed`, reason `gone`): its push service would refuse it.
   */
  live(): StoredSubscription[] {
    const now = this.#deps.now();
    const all = this.#deps.subscriptions.all();
    for (const s of all.filter((x) => x.expiresAt !== null && x.expiresAt <= now)) this.#drop(s.id);
    return all.filter((s) => s.expiresAt === null || s.expiresAt > now);
  }

  #drop(subscriptionId: string): void {
    if (!this.#deps.subscriptions.remove(subscriptionId)) return;
    this.#deps.ledger.append({ type: "push.unsubscribed", actor: { kind: "system" }, correlationId: uuidv7(), payload: { subscriptionId, reason: "gone" } });
  }

  /** N14: a push given up on: the notification is not pushed again, and may be shown in the app instead. */
  failed(notificationId: string): boolean {
    return this.#log.get(notificationId, "notification")?.state === "failed";
  }

  /** The row of a notification's push, for tests and the Devices view's questions. */
  row(notificationId: string, kind: PushRow["kind"] = "notification"): PushRow | null {
    return this.#log.get(notificationId, kind);
  }

  /** N10–N12: pushes a notification to one subscription, once. */
  notify(notification: Notification, subscriptionId: string): void {
    const subscription = this.#deps.subscriptions.get(subscriptionId);
    if (!subscription || !this.#deps.port) return;
    const payload = this.#payload(notification);
    if (!this.#log.begin(notification.id, "notification", subscriptionId, subscription.deviceId, payload)) return;
    const row = this.#log.get(notification.id, "notification");
    if (row) this.#send(row);
  }

  /**
   * N13: the notification was acknowledged: the device that got the push takes it down (same Topic) —
   * unless that device is the one that acknowledged it (Done, Snooze, a dismissal, or its app): its
   * notification is already down, and a push that shows nothing costs the site its browser's patience.
   */
  cleared(notificationId: string, byDeviceId?: string): void {
    const pushed = this.#log.get(notificationId, "notification");
    if (!pushed) return;
    if (pushed.state === "retry") return this.#log.set(notificationId, "notification", "cancelled");
    if (pushed.state !== "sending" && pushed.state !== "sent") return;
    if (byDeviceId !== undefined && byDeviceId === pushed.deviceId) return;
    if (!this.#log.begin(notificationId, "cleared", pushed.subscriptionId, pushed.deviceId, { type: "cleared", id: notificationId })) return;
    if (pushed.state === "sending") {
      // The notification's push has not been answered yet: a `cleared` sent now could overtake it and
      // leave it up. It waits for that answer (#settle), or for the alarm if the answer never comes.
      return this.#log.set(notificationId, "cleared", "retry", this.#deps.now() + STALE_CLEAR_MS);
    }
    const row = this.#log.get(notificationId, "cleared");
    if (row) this.#send(row);
  }

  /** N14: from the alarm: the retries whose time has come, and sends cut off by a restart. */
  retryDue(): void {
    // N9: quiet hours hold retries too; they go when the quiet hours end (the alarm wakes then).
    const quiet = quietHours(this.#deps.ledger.state.preferences, this.#deps.now());
    for (const row of this.#log.due()) {
      if (quiet.quiet && row.kind === "notification") {
        this.#log.set(row.notificationId, row.kind, "retry", quiet.endsAt);
        continue;
      }
      if (row.kind === "notification" && !this.#deps.ledger.state.notifications[row.notificationId]) {
        // Acknowledged while it waited: nothing to show any more.
        this.#log.set(row.notificationId, row.kind, "cancelled");
        continue;
      }
      this.#log.claim(row);
      this.#send({ ...row, attempts: row.attempts + 1 });
    }
  }

  /** Resolves once every send started so far has been answered and recorded. */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  nextAt(): number | null {
    return this.#log.nextAt();
  }

  prune(): void {
    this.#log.prune();
  }

  #send(row: PushRow): void {
    const port = this.#deps.port;
    const subscription = this.#deps.subscriptions.get(row.subscriptionId);
    if (!port || !subscription) return this.#log.set(row.notificationId, row.kind, "failed");
    const message: PushMessage = {
      subscription,
      payload: row.payload,
      ttl: this.#ttl(row.notificationId),
      urgency: row.kind === "notification" && row.payload.type === "notification" && row.payload.actions ? "high" : "normal",
      topic: pushTopic(row.notificationId),
    };
    const sent: Promise<void> = port(message)
      .then((outcome) => this.#settle(row, subscription.origin, outcome))
      .catch(() => this.#settle(row, subscription.origin, { kind: "retry", status: null, retryAfterMs: null }))
      .finally(() => this.#inflight.delete(sent));
    this.#inflight.add(sent);
  }

  /** N13: a `cleared` held while its notification's push was in flight goes now that the push arrived. */
  #releaseClear(notificationId: string): void {
    const held = this.#log.get(notificationId, "cleared");
    if (held?.state !== "retry") return;
    this.#log.claim(held);
    this.#send({ ...held, attempts: held.attempts + 1 });
  }

  /** What the push service's answer means for the room (N14); never throws. */
  #settle(row: PushRow, origin: string, outcome: PushOutcome): void {
    try {
      const { notificationId, kind } = row;
      // The notification never arrived (or not yet): there is nothing on the device for a held `cleared` to take down.
      if (kind === "notification" && outcome.kind !== "sent" && this.#log.get(notificationId, "cleared")?.state === "retry") this.#log.set(notificationId, "cleared", "cancelled");
      switch (outcome.kind) {
        case "sent":
          this.#log.set(notificationId, kind, "sent");
          if (kind === "notification") this.#releaseClear(notificationId);
          // The alarm was held for this send (a stale `sending` row); it may now sleep until the next job.
          return this.#deps.reschedule();
        case "gone": {
          this.#deps.log("push.gone", `${origin} answered ${outcome.status}; subscription dropped`);
          this.#drop(row.subscriptionId);
          if (kind === "cleared") return this.#log.set(notificationId, kind, "failed");
          // Never delivered: routing may now choose another device (or the inbox).
          this.#log.forget(notificationId, kind);
          return this.#deps.rerouted();
        }
        case "retry": {
          if (row.attempts >= MAX_PUSH_ATTEMPTS) {
            this.#deps.log("push.failed", `${origin}: no answer after ${row.attempts} attempts (last ${outcome.status ?? "none"})`);
            return this.#log.set(notificationId, kind, "failed");
          }
          const wait = Math.max(backoffMs(row.attempts), outcome.retryAfterMs ?? 0);
          this.#log.set(notificationId, kind, "retry", this.#deps.now() + wait);
          return this.#deps.reschedule();
        }
        case "failed":
          this.#deps.log("push.failed", `${origin}: ${outcome.reason}`);
          return this.#log.set(notificationId, kind, "failed");
      }
    } catch (error) {
      this.#deps.log("push.settle_failed", error instanceof Error ? error.name : "error");
    }
  }

  /** N10: a push lives no longer than the notification may still be pushed. */
  #ttl(notificationId: string): number {
    const { notifications, preferences } = this.#deps.ledger.state;
    const n = notifications[notificationId];
    const now = this.#deps.now();
    const age = n ? now - routableSince(n, preferences, now) : 0;
    return Math.max(MIN_TTL_S, Math.floor((PUSH_MAX_AGE_MS - age) / 1000));
  }

  /** N11: what the service worker shows; reminders get Done and Snooze. */
  #payload(n: Notification): PushPayload {
    const state = this.#deps.ledger.state;
    const reminder = n.kind === "reminder" && n.ref ? state.reminders[n.ref] : undefined;
    const url = notificationUrl(n, () => reminder?.taskId);
    return {
      type: "notification",
      id: n.id,
      title: n.title.slice(0, 200),
      body: n.body.slice(0, 1_000),
      url,
      ...(n.kind === "reminder" ? { actions: REMINDER_ACTIONS.map((a) => ({ ...a })) } : {}),
    };
  }
}
