/**
 * Web Push wire shapes (docs/PROTOCOL.md N1–N20): what a device sends to
 * subscribe, what the room answers, and the JSON a service worker receives
 * (encrypted, aes128gcm) from a push service. Declared once; the room and the
 * web app both parse with these.
 */
import { z } from "zod";

/** The longest endpoint URL the room stores (real ones are ~200–600 characters). */
export const MAX_ENDPOINT_LENGTH = 2_048;

/** base64url without padding, as `PushSubscription.toJSON()` writes the keys. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Bytes of a base64url string without padding; null if it is not base64url. */
export function base64urlBytes(text: string): Uint8Array | null {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return null;
  const std = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(std + "=".repeat((4 - (std.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** A base64url string of exactly `length` bytes (checked on the string's length first: no decoding of a huge input). */
const keyBytes = (length: number, what: string, check: (bytes: Uint8Array) => boolean = () => true) =>
  z
    .string()
    .max(Math.ceil((length * 4) / 3) + 2)
    .refine((text) => {
      const bytes = base64urlBytes(text);
      return bytes !== null && bytes.length === length && check(bytes);
    }, `${what} must be base64url of ${length} bytes`);

/** An uncompressed P-256 point: 0x04 then x and y (RFC 8291 §3.1). */
export const P256_POINT_BYTES = 65;
export const AUTH_SECRET_BYTES = 16;

/**
 * `POST /api/v1/push/subscriptions` (N2): the browser's `PushSubscription.toJSON()`.
 * `expirationTime` (ms; browsers mostly send `null`) is kept: past it the subscription is dropped (N2); the endpoint is
 * checked again by the endpoint guard (N4) before anything is stored.
 */
export const PushSubscriptionBodySchema = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).max(MAX_ENDPOINT_LENGTH),
  expirationTime: z.number().nonnegative().max(1e15).nullable().optional(),
  keys: z.strictObject({
    /** The device's ECDH public key (aes128gcm's receiver key). */
    p256dh: keyBytes(P256_POINT_BYTES, "keys.p256dh", (b) => b[0] === 0x04),
    /** The device's 16-byte authentication secret. */
    auth: keyBytes(AUTH_SECRET_BYTES, "keys.auth"),
  }),
});
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBodySchema>;

/**
 * What the state and the ledger say about a subscription (N3): never the endpoint's
 * path or the keys — a push endpoint is a bearer capability to wake the device.
 */
export const PushSubscriptionInfoSchema = z.strictObject({
  id: z.string(),
  deviceId: z.string(),
  /** The push service's origin, e.g. `https://fcm.googleapis.com`: which vendor, nothing more. */
  origin: z.string(),
  createdAt: z.iso.datetime(),
});
export type PushSubscriptionInfo = z.infer<typeof PushSubscriptionInfoSchema>;

/** `GET /api/v1/push/key` (N1). */
export const PushKeySchema = z.strictObject({
  /** The VAPID application server key: base64url of a 65-byte uncompressed P-256 point. */
  publicKey: z.string(),
});

/** `POST /api/v1/push/subscriptions` answer (N2): the one response that repeats the endpoint, to its owner. */
export const PushSubscribedSchema = z.strictObject({ id: z.string(), deviceId: z.string(), endpoint: z.string() });
export type PushSubscribed = z.infer<typeof PushSubscribedSchema>;

/** `DELETE /api/v1/push/subscriptions/:id` answer. */
export const PushUnsubscribedSchema = z.strictObject({ id: z.string() });

/** `POST /api/v1/notifications/:id/done` answer (N15). */
export const NotificationDoneSchema = z.strictObject({
  notificationId: z.string(),
  done: z.enum(["task", "reminder", "acked"]),
});
export type NotificationDone = z.infer<typeof NotificationDoneSchema>;

/** `POST /api/v1/notifications/:id/snooze` body (N16). */
export const NotificationSnoozeBodySchema = z.strictObject({
  minutes: z.number().int().min(1).max(1_440),
  clientActionId: z.string().optional(),
});

/** An action button of a pushed notification; the service worker calls the matching route. */
export const PushActionSchema = z.strictObject({ action: z.enum(["done", "snooze"]), title: z.string().max(40) });

/** The actions of a reminder's notification (N11). */
export const REMINDER_ACTIONS = [
  { action: "done", title: "Done" },
  { action: "snooze", title: "Snooze 10 min" },
] as const satisfies readonly z.infer<typeof PushActionSchema>[];

/** Minutes of the push notification's Snooze action. */
export const PUSH_SNOOZE_MINUTES = 10;

/** The JSON inside a push message (N11, N13): a notification to show, or one to take down. */
export const PushPayloadSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("notification"),
    /** The notification id: also the OS notification's `tag`, so a resend replaces it (N12). */
    id: z.string(),
    title: z.string().max(200),
    body: z.string().max(1_000),
    /** Where a click opens the app, a same-origin path. */
    url: z.string().startsWith("/").max(300).optional(),
    actions: z.array(PushActionSchema).max(2).optional(),
  }),
  z.strictObject({ type: z.literal("cleared"), id: z.string() }),
]);
export type PushPayload = z.infer<typeof PushPayloadSchema>;

/** RFC 8030 §5.4 Topic: the notification id without dashes — at most 32 url-safe characters (a uuid is exactly 32). */
export const pushTopic = (notificationId: string) => notificationId.replace(/[^A-Za-z0-9_-]/g, "").replace(/-/g, "").slice(0, 32);

/**
 * N11, W67: where a notification leads, one rule for a push and for one the open app shows:
 * a task's reminder to that task, another reminder to the upcoming reminders, a reply to
 * itself, anything else to the chat. `taskOf` names the task of a reminder, if it has one.
 */
export function notificationUrl(n: { kind: string; ref: string | null }, taskOf: (reminderId: string) => string | null | undefined): string {
  if (n.kind === "reminder" && n.ref) {
    const taskId = taskOf(n.ref);
    return taskId ? `/tasks?task=${encodeURIComponent(taskId)}` : `/tasks?reminder=${encodeURIComponent(n.ref)}`;
  }
  if (n.kind === "assistant" && n.ref) return `/chat?turn=${encodeURIComponent(n.ref)}`;
  return "/chat";
}
