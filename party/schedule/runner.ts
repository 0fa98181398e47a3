/**
 * The room's schedule (docs/PROTOCOL.md S1–S10): one Durable Object alarm
 * multiplexed over reminders, the daily plan, deferred deliveries and
 * maintenance. Alarms run at least once and may be retried, so every job is
 * idempotent: a reminder whose `reminder.fired` event is stored is never fired
 * again; a date that has a plan never gets a second one.
 */
import { v7 as uuidv7 } from "uuid";
import { type Device, type Notification, type Plan, planListsTasks } from "../../shared/domain.ts";
import type { DeviceActivity } from "../../shared/presence.ts";
import { formatDay, formatDue } from "../../shared/format.ts";
import { ok, type Result } from "../../shared/errors.ts";
import type { ServerFrame } from "../../shared/protocol.ts";
import type { Ledger } from "../core/ledger.ts";
import { expireMemories } from "../core/memory-life.ts";
import type { SqlStore } from "../core/sql.ts";
import { lastOccurrence, nextOccurrence } from "../../shared/recurrence.ts";

import { PushDelivery } from "../push/delivery.ts";
import type { PushPort } from "../push/sender.ts";
import type { PushSubscriptions } from "../push/subscriptions.ts";
import { deliveries } from "./notify.ts";
import { dueReminders, nextWake, planDue } from "./scheduler.ts";

export const MAINTENANCE_EVERY_MS = 60 * 60 * 1000;

export type ScheduleDeps = {
  sql: SqlStore;
  ledger: Ledger;
  now: () => number;
  devices: () => Device[];
  /** Sends a frame to every socket of one device. */
  sendToDevice: (deviceId: string, frame: ServerFrame) => void;
  broadcast: (frame: ServerFrame) => void;
  composePlan: (date: string, source: Plan["source"]) => Promise<Result<Plan>>;
  maintain: () => void;
  setAlarm: (at: number) => void;
  /**
   * S20: asks the assistant a routine's prompt as the user's own message, idempotent by `key`;
   * false when it could not (rate limited): the occurrence then notifies as a reminder does.
   */
  runRoutine?: (prompt: string, key: string, requestId: string) => boolean;
  log: (event: string, detail: string) => void;
  /** Every device routing may consider, with when it last had focus (N5–N7). */
  activity: () => DeviceActivity[];
  subscriptions: PushSubscriptions;
  /** Sends one push (the Durable Object's fetch); null when push is not configured (N1). */
  push: PushPort | null;
  /** K10: calendar sources synced from the alarm; absent in hosts without calendars. */
  calendar?: { syncDue(): Promise<number>; nextSyncAt(): number | null };
};

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS schedule_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
  "CREATE TABLE IF NOT EXISTS notification_delivery (id TEXT PRIMARY KEY, device_id TEXT NOT NULL)",
];

export class Schedule {
  #deps: ScheduleDeps;
  readonly push: PushDelivery;

  constructor(deps: ScheduleDeps) {
    this.#deps = deps;
    for (const s of SCHEMA) deps.sql.exec(s);
    this.push = new PushDelivery({
      sql: deps.sql,
      ledger: deps.ledger,
      now: deps.now,
      subscriptions: deps.subscriptions,
      port: deps.push,
      log: deps.log,
      // A subscription gone (410) lets routing choose again; a retry waiting moves the alarm.
      rerouted: () => this.deliver(),
      reschedule: () => this.reschedule(),
    });
  }

  #meta(key: string): number | null {
    return this.#deps.sql.exec<{ value: number }>("SELECT value FROM schedule_meta WHERE key = ?", key).toArray()[0]?.value ?? null;
  }

  #setMeta(key: string, value: number): void {
    this.#deps.sql.exec("INSERT INTO schedule_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value);
  }

  /** The alarm handler: runs what is due, then sets the next wake-up. */
  async run(): Promise<{ reminders: number; plan: string | null; maintenance: boolean }> {
    const now = this.#deps.now();
    const fired = this.fireReminders(now);
    let planned: string | null = null;
    const due = planDue(this.#deps.ledger.state, now, this.#failedPlanDate());
    if (due) {
      const plan = await this.proposePlan(due, "schedule");
      planned = plan.ok ? due : null;
      if (!plan.ok) {
        // S7: a clear failure, once — not a retry loop for the rest of the day.
        this.#deps.sql.exec("INSERT INTO schedule_meta (key, value) VALUES ('plan_failed', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", Date.parse(`${due}T00:00:00Z`));
        this.#deps.log("plan.failed", plan.error.message);
      }
    }
    let maintenance = false;
    const maintenanceAt = this.#meta("maintenance_at") ?? 0;
    if (now >= maintenanceAt) {
      this.#deps.maintain();
      expireMemories(this.#deps.ledger, now); // Y5
      this.#setMeta("maintenance_at", now + MAINTENANCE_EVERY_MS);
      maintenance = true;
    }
    // K10: calendar syncs that are due (each never throws; failures become the source's status).
    if (this.#deps.calendar) await this.#deps.calendar.syncDue();
    this.deliver();
    this.push.retryDue();
    // N13: the alarm ends only once its pushes have answered (or timed out), so a reminder never waits on a page being open.
    await this.push.settled();
    this.reschedule();
    return { reminders: fired, plan: planned, maintenance };
  }

  /**
   * S2, S3, S19: fires each due reminder once, with its notification, in one
   * transaction per reminder. A recurring one fires once for its latest missed
   * occurrence (a room asleep through several sends one notification, not a
   * flood) and moves, in the same event, to its first occurrence after now, so
   * a retried alarm finds nothing due.
   */
  fireReminders(now: number): number {
    let fired = 0;
    const zone = this.#deps.ledger.state.preferences.timezone;
    for (const reminder of dueReminders(this.#deps.ledger.state, now)) {
      const requestId = uuidv7();
      const due = Date.parse(reminder.at);
      const missed = reminder.rrule ? lastOccurrence(reminder.rrule, zone, due, now) : null;
      // A snoozed occurrence has an `at` off the rule; the latest of the two is the one this fires for.
      const at = new Date(Math.max(due, missed ?? due)).toISOString();
      const nextAt = reminder.rrule ? nextOccurrence(reminder.rrule, zone, now) : null;
      const next = nextAt === null ? {} : { next: new Date(nextAt).toISOString() };
      // W5: the time it was set for, worded in the preference zone as every view words it.
      const body = `Reminder — ${formatDue(at, zone)}`;
      const notification: Notification = { id: uuidv7(), kind: "reminder", title: reminder.title, body, ref: reminder.id, createdAt: new Date(now).toISOString() };
      // S20: a routine asks the assistant first, keyed by the occurrence, so a retry after a crash
      // between the two writes finds its message already sent; its reply is what notifies (S8).
      const asked = reminder.routine ? (this.#deps.runRoutine?.(reminder.routine.prompt, `routine:${reminder.id}:${Date.parse(at)}`, requestId) ?? false) : false;
      const { ledger } = this.#deps;
      ledger.transaction(() => {
        ledger.append({ type: "reminder.fired", actor: { kind: "system" }, correlationId: requestId, payload: { reminderId: reminder.id, at, firedAt: new Date(now).toISOString(), ...next } });
        if (!asked) ledger.append({ type: "notification.created", actor: { kind: "system" }, correlationId: requestId, payload: { notification } });
      });
      fired++;
    }
    return fired;
  }

  #failedPlanDate(): string | null {
    const at = this.#meta("plan_failed");
    return at === null ? null : new Date(at).toISOString().slice(0, 10);
  }

  /**
   * S5–S6: builds and stores a plan for `date` — once: a date's plan, settled
   * item by item, is never replaced. S13: except a plan that listed no task
   * (nothing was open when it was made), which asking again replaces once
   * something is open.
   */
  async proposePlan(date: string, source: Plan["source"]): Promise<Result<Plan>> {
    const existing = this.#deps.ledger.state.plans[date];
    if (existing && planListsTasks(existing)) return ok(existing);
    const composed = await this.#deps.composePlan(date, source);
    if (!composed.ok) return composed;
    // Another path may have planned this date while the model was thinking; an empty plan stays empty-handed.
    const now = this.#deps.ledger.state.plans[date];
    if (now && (now !== existing || !planListsTasks(composed.value))) return ok(now);
    const plan = composed.value;
    const requestId = uuidv7();
    const notification: Notification = { id: uuidv7(), kind: "plan", title: `Your plan for ${formatDay(date)}`, body: plan.items.filter((i) => i.kind === "priority").map((i) => i.text).join(" · ") || "Nothing open today.", ref: date, createdAt: new Date(this.#deps.now()).toISOString() };
    const { ledger } = this.#deps;
    ledger.transaction(() => {
      ledger.append({ type: "plan.proposed", actor: { kind: "system" }, correlationId: requestId, payload: { plan } });
      if (source === "schedule") ledger.append({ type: "notification.created", actor: { kind: "system" }, correlationId: requestId, payload: { notification } });
    });
    this.#deps.broadcast({ type: "plan.available", date, plan });
    this.deliver();
    return ok(plan);
  }

  /** Creates a notification (S8) and delivers it if a device is in use. */
  notify(kind: Notification["kind"], title: string, body: string, ref: string | null): Notification {
    const notification: Notification = { id: uuidv7(), kind, title, body, ref, createdAt: new Date(this.#deps.now()).toISOString() };
    this.#deps.ledger.append({ type: "notification.created", actor: { kind: "system" }, correlationId: uuidv7(), payload: { notification } });
    this.deliver();
    // Held by quiet hours? The alarm must wake when they end.
    this.reschedule();
    return notification;
  }

  /**
   * S8–S10, N5–N12: sends each pending notification the way routing says — in
   * the app to the device in use (following it as focus moves), or by push to
   * the most recently active subscribed device — each at most once.
   */
  deliver(): void {
    const state = this.#deps.ledger.state;
    const inApp = (id: string) =>
      this.#deps.sql.exec<{ device_id: string }>("SELECT device_id FROM notification_delivery WHERE id = ?", id).toArray()[0]?.device_id ?? null;
    // Without VAPID keys nothing can be pushed: routing sees no subscription (N1).
    const subscriptions = this.#deps.push ? this.push.live() : [];
    const devices = this.#deps.activity();
    // A device that subscribed over HTTP and never opened a socket is still a device: active when it subscribed.
    for (const s of subscriptions) {
      if (!devices.some((d) => d.deviceId === s.deviceId)) devices.push({ deviceId: s.deviceId, connected: false, focused: false, lastFocusedAt: null, lastSeenAt: Date.parse(s.createdAt) });
    }
    const input = { prefs: state.preferences, now: this.#deps.now(), devices, subscriptions };
    for (const d of deliveries(Object.values(state.notifications), input, { inApp, pushed: (id) => this.push.attempted(id), pushFailed: (id) => this.push.failed(id) })) {
      if (d.channel === "push") {
        this.push.notify(d.notification, d.subscriptionId);
        continue;
      }
      // It follows the user to the device now in use; the one it leaves stops showing it (never twice).
      if (d.previous) this.#deps.sendToDevice(d.previous, { type: "notification.cleared", notificationId: d.notification.id });
      this.#deps.sql.exec(
        "INSERT INTO notification_delivery (id, device_id) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET device_id = excluded.device_id",
        d.notification.id,
        d.deviceId,
      );
      this.#deps.sendToDevice(d.deviceId, { type: "notification", notification: d.notification });
    }
  }

  /** S9, N13: an acknowledgement clears the notification on every device, and takes down the one the operating system shows. */
  cleared(notificationId: string, byDeviceId?: string): void {
    this.#deps.sql.exec("DELETE FROM notification_delivery WHERE id = ?", notificationId);
    this.#deps.broadcast({ type: "notification.cleared", notificationId });
    this.push.cleared(notificationId, byDeviceId);
  }

  /** Points the alarm at the next job (S2). Call after anything that changes reminders, preferences or the inbox. */
  reschedule(): void {
    const state = this.#deps.ledger.state;
    const maintenanceAt = this.#meta("maintenance_at") ?? this.#deps.now() + MAINTENANCE_EVERY_MS;
    if (this.#meta("maintenance_at") === null) this.#setMeta("maintenance_at", maintenanceAt);
    const undelivered = Object.keys(state.notifications).length > 0;
    const wake = nextWake(state, this.#deps.now(), maintenanceAt, undelivered, this.#failedPlanDate(), this.#deps.calendar?.nextSyncAt() ?? null);
    // N14: a push waiting to be retried wakes the room too.
    const retry = this.push.nextAt();
    this.#deps.setAlarm(retry === null ? wake : Math.min(wake, Math.max(retry, this.#deps.now())));
  }
}

