/**
 * Presence-aware delivery (docs/PROTOCOL.md S8–S10): a notification goes to the
 * device in use — the focused one, else the most recently active online one —
 * and waits in the inbox when none is online, in quiet hours, or when the user
 * turned that kind off. Pure decisions; the room sends and records.
 */
import type { Device, Notification, Preferences } from "../../shared/domain.ts";
import { quietHours } from "./scheduler.ts";

import { deviceInUse } from "../../shared/presence.ts";

export { deviceInUse };

export type Decision = { push: true } | { push: false; why: "disabled" | "quiet" };

export function shouldPush(prefs: Preferences, kind: Notification["kind"], now: number): Decision {
  const n = prefs.notifications;
  const allowed = n.enabled && (kind === "reminder" ? n.reminders : kind === "plan" ? n.dailyPlan : n.assistant);
  if (!allowed) return { push: false, why: "disabled" };
  if (quietHours(prefs, now).quiet) return { push: false, why: "quiet" };
  return { push: true };
}

/** Which pending notifications to send to which device now, given who already has them. */
export function deliveries(
  inbox: Notification[],
  devices: Device[],
  prefs: Preferences,
  now: number,
  deliveredTo: (id: string) => string | null,
): { notification: Notification; deviceId: string }[] {
  const target = deviceInUse(devices);
  if (!target) return [];
  return inbox
    .filter((n) => shouldPush(prefs, n.kind, now).push && deliveredTo(n.id) !== target)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((notification) => ({ notification, deviceId: target }));
}
