/**
 * Presence-aware delivery (docs/PROTOCOL.md S8–S10, N5–N10): which channel a
 * notification takes — in the app on the device in use, by Web Push to the
 * most recently active subscribed device, in the app on an online idle device
 * when nothing is subscribed, or the inbox alone. Pure decisions on a given
 * clock; the room (runner.ts) records and sends.
 */
import type { Notification, Preferences } from "../../shared/domain.ts";
import { type DeviceActivity, deviceInUse, isInUse, mostRecent } from "../../shared/presence.ts";
import { zonedToUtc } from "../../shared/dates.ts";
import { localParts, quietHours } from "./scheduler.ts";

export { deviceInUse };

export type Decision = { push: true } | { push: false; why: "disabled" | "quiet" };

/** S10: may this kind of notification reach a device now (in-app or pushed)? */
export function shouldPush(prefs: Preferences, kind: Notification["kind"], now: number): Decision {
  const n = prefs.notifications;
  const allowed = n.enabled && (kind === "reminder" ? n.reminders : kind === "plan" ? n.dailyPlan : n.assistant);
  if (!allowed) return { push: false, why: "disabled" };
  if (quietHours(prefs, now).quiet) return { push: false, why: "quiet" };
  return { push: true };
}

/** A push subscription as routing sees it: which device, and when it was made. */
export type SubscriptionRef = { id: string; deviceId: string; createdAt: string };

/** N5–N9: where one notification goes now. */
export type Route =
  | { channel: "in-app"; deviceId: string }
  | { channel: "push"; deviceId: string; subscriptionId: string }
  | { channel: "inbox"; why: "disabled" | "quiet" | "nobody" | "stale" };

/** N10: a notification older than this is not pushed any more (the inbox still lists it); also the push's TTL. */
export const PUSH_MAX_AGE_MS = 12 * 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * N10: when a notification could first be pushed — when it was made, or, if
 * quiet hours held it, when they last ended. Its age for N10 counts from here,
 * so a reminder held through a long night (20:00–09:00) is still pushed when
 * they end, and its TTL is the full 12 hours from then.
 */
export function routableSince(notification: Notification, prefs: Preferences, now: number): number {
  const created = Date.parse(notification.createdAt);
  const q = prefs.notifications.quietHours;
  if (!q) return created;
  const p = localParts(prefs.timezone, now);
  const endToday = zonedToUtc(prefs.timezone, p.y, p.m, p.d, Number(q.end.slice(0, 2)), Number(q.end.slice(3, 5))).getTime();
  const lastEnd = endToday <= now ? endToday : endToday - DAY_MS;
  return lastEnd > created ? lastEnd : created;
}

export type RouteInput = {
  prefs: Preferences;
  now: number;
  /** Every device routing may consider: connected ones and those with a subscription. */
  devices: readonly DeviceActivity[];
  subscriptions: readonly SubscriptionRef[];
};

/**
 * N5–N9. One device, never several: the device in use gets it in the app
 * (focused now first, then the one focused most recently); otherwise the most
 * recently active device that has a subscription gets it by push (its newest
 * subscription); otherwise an online idle device gets it in the app; otherwise
 * it waits in the inbox.
 */
export function route(notification: Notification, input: RouteInput): Route {
  const { prefs, now, devices, subscriptions } = input;
  const allowed = shouldPush(prefs, notification.kind, now);
  if (!allowed.push) return { channel: "inbox", why: allowed.why };
  const inUse = mostRecent(devices.filter((d) => isInUse(d, now)));
  if (inUse) return { channel: "in-app", deviceId: inUse.deviceId };
  const subscribed = new Set(subscriptions.map((s) => s.deviceId));
  const target = mostRecent(devices.filter((d) => subscribed.has(d.deviceId)));
  if (target) {
    if (now - routableSince(notification, prefs, now) > PUSH_MAX_AGE_MS) return { channel: "inbox", why: "stale" };
    const newest = subscriptions.filter((s) => s.deviceId === target.deviceId).reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
    return { channel: "push", deviceId: target.deviceId, subscriptionId: newest.id };
  }
  const idle = mostRecent(devices.filter((d) => d.connected));
  if (idle) return { channel: "in-app", deviceId: idle.deviceId };
  return { channel: "inbox", why: "nobody" };
}

/** Where each notification already went: in the app to a device, or pushed (any push attempt counts, N12). */
export type Delivered = {
  inApp: (id: string) => string | null;
  pushed: (id: string) => boolean;
  /** N14: its push was given up on: it is not pushed again, and goes in the app where it can. */
  pushFailed?: (id: string) => boolean;
};

export type Delivery =
  | { channel: "in-app"; notification: Notification; deviceId: string; previous: string | null }
  | { channel: "push"; notification: Notification; deviceId: string; subscriptionId: string };

/**
 * N8–N12: what to send now for the inbox. A notification is delivered once: a
 * pushed one is never shown in-app nor pushed again (it stays in every
 * device's inbox); one shown in the app follows the device in use (S8) but is
 * never pushed afterwards.
 */
export function deliveries(inbox: readonly Notification[], input: RouteInput, delivered: Delivered): Delivery[] {
  const out: Delivery[] = [];
  for (const notification of [...inbox].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    if (delivered.pushed(notification.id)) continue;
    const previous = delivered.inApp(notification.id);
    const to = route(notification, delivered.pushFailed?.(notification.id) ? { ...input, subscriptions: [] } : input);
    if (to.channel === "in-app" && to.deviceId !== previous) out.push({ channel: "in-app", notification, deviceId: to.deviceId, previous });
    if (to.channel === "push" && previous === null) out.push({ channel: "push", notification, deviceId: to.deviceId, subscriptionId: to.subscriptionId });
  }
  return out;
}
