/**
 * Web Push on this device (docs/PROTOCOL.md W60): whether it can be on, and turning it on and
 * off. The browser's side is the service worker registration's `pushManager`; the room's side
 * is the subscription it keeps per device (`pushSubscriptions` in the state). Push is *on* when
 * both hold: this browser has a subscription and the room lists one for this device — a device
 * the user stopped from Devices (on any device) reads as off, and turning it on again sends the
 * same subscription back.
 */
import { api, ApiError } from "./api.ts";
import type { BrainState } from "../../shared/api.ts";
import { PushSubscriptionBodySchema, type PushSubscriptionInfo } from "../../shared/push.ts";

/** What Settings says, in order of what blocks first. */
export type PushSupport =
  /** No service worker, no PushManager or no Notification in this browser. */
  | { kind: "unsupported" }
  /** Supported, but no service worker is registered: `npm run dev` registers none (W40). */
  | { kind: "no-worker" }
  /** The user blocked notifications for the site; only the browser's site settings undo it. */
  | { kind: "denied" }
  | { kind: "ready"; registration: ServiceWorkerRegistration };

export async function pushSupport(): Promise<PushSupport> {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return { kind: "unsupported" };
  if (Notification.permission === "denied") return { kind: "denied" };
  const registration = await navigator.serviceWorker.getRegistration();
  if (!registration) return { kind: "no-worker" };
  return { kind: "ready", registration };
}

/** The room's subscriptions (N3); undefined from a server older than push. */
export const roomSubscriptions = (state: BrainState): PushSubscriptionInfo[] | undefined => state.pushSubscriptions;

/** The room's subscriptions of `deviceId`. */
export const subscriptionsOf = (all: readonly PushSubscriptionInfo[] | undefined, deviceId: string): PushSubscriptionInfo[] => (all ?? []).filter((s) => s.deviceId === deviceId);

/**
 * Whether push is on here: the browser holds a subscription and the room lists this device
 * (a server that does not list subscriptions at all — older than push — is taken at the browser's word).
 */
export const pushIsOn = (browserSubscribed: boolean, roomList: readonly PushSubscriptionInfo[] | undefined, deviceId: string): boolean =>
  browserSubscribed && (roomList === undefined || subscriptionsOf(roomList, deviceId).length > 0);

/** The VAPID key as `applicationServerKey` wants it: the bytes of its base64url text. */
export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const std = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(std + "=".repeat((4 - (std.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export class PushRefusedError extends Error {
  readonly permission: NotificationPermission;
  constructor(permission: NotificationPermission) {
    super(permission === "denied" ? "Notifications are blocked for this site." : "Notifications were not allowed.");
    this.name = "PushRefusedError";
    this.permission = permission;
  }
}

/**
 * Turns push on: permission (asked only now, on the user's click), the room's key, the
 * browser's subscription (the same one again if it has one), then the room keeps it for this
 * device (`X-Device-Id`, sent by api.ts). Returns the room's subscription id.
 */
export async function turnPushOn(registration: ServiceWorkerRegistration): Promise<string> {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") throw new PushRefusedError(permission);
  const { publicKey } = await api.pushKey();
  const subscription = (await registration.pushManager.getSubscription()) ?? (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
  // The browser's own object, checked like any other input before it is sent.
  const body = PushSubscriptionBodySchema.safeParse(subscription.toJSON());
  if (!body.success) throw new Error("This browser gave a push subscription the server cannot use.");
  return (await api.pushSubscribe(body.data)).id;
}

/**
 * Turns push off: the browser drops its subscription (so nothing reaches it even if the room
 * still had it), then the room forgets this device's — a subscription the room no longer has
 * (404) is already gone.
 */
export async function turnPushOff(registration: ServiceWorkerRegistration | null, roomIds: readonly string[]): Promise<void> {
  const subscription = await registration?.pushManager.getSubscription();
  await subscription?.unsubscribe().catch(() => false);
  await Promise.all(roomIds.map((id) => removeSubscription(id)));
}

/** `DELETE /api/v1/push/subscriptions/:id`; 404 (already removed) counts as done. */
export async function removeSubscription(id: string): Promise<void> {
  try {
    await api.pushUnsubscribe(id);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
}
