/**
 * What a push message carries, and what the service worker makes of it (docs/PROTOCOL.md
 * W60–W63). Plain code, imported by `web/sw.ts` and tested in Node
 * (tests/unit/web-push-payload.test.ts).
 */
import { z } from "zod";
import { type PushActionSchema, type PushPayload, PushPayloadSchema, PUSH_SNOOZE_MINUTES } from "../../shared/push.ts";

/**
 * Push services carry at most 4,096 bytes of encrypted payload (RFC 8291 leaves ~3,993 of
 * plaintext): anything longer is not ours and is refused before it is parsed.
 */
export const MAX_PUSH_PAYLOAD_CHARS = 4_096;

const IdSchema = z.string().min(1).max(128);

export type { PushPayload };
export type PushAction = z.infer<typeof PushActionSchema>["action"];

/** The payload of a push message's text, or null when it is too long, not JSON, or not a payload. */
export function readPushPayload(text: string | null): PushPayload | null {
  if (text === null || text.length > MAX_PUSH_PAYLOAD_CHARS) return null;
  try {
    const parsed = PushPayloadSchema.safeParse(JSON.parse(text));
    // An empty id could tag nothing and name no notification: not a payload this worker can act on.
    return parsed.success && parsed.data.id !== "" ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Where a click goes when the payload names nowhere (or somewhere not in the app). */
export const DEFAULT_PATH = "/chat";

/**
 * W62: the in-app path a notification opens — only a path on the app's own origin, never
 * another site (a payload is data: it cannot send the user elsewhere).
 */
export function appPath(url: string | undefined, origin: string): string {
  if (url === undefined || !url.startsWith("/") || url.startsWith("//")) return DEFAULT_PATH;
  try {
    const resolved = new URL(url, origin);
    if (resolved.origin !== origin || resolved.pathname.startsWith("/api/")) return DEFAULT_PATH;
    return `${resolved.pathname}${resolved.search}${resolved.hash}`;
  } catch {
    return DEFAULT_PATH;
  }
}

/** What each shown notification keeps in its `data`, read back (and checked) on click and close. */
export const NotificationDataSchema = z.object({ id: IdSchema, url: z.string().max(2_048) });
export type NotificationData = z.infer<typeof NotificationDataSchema>;

/** The `showNotification` call a payload becomes. */
export function notificationOf(payload: Extract<PushPayload, { type: "notification" }>, origin: string): { title: string; options: NotificationOptions & { actions?: { action: string; title: string }[] } } {
  const data: NotificationData = { id: payload.id, url: appPath(payload.url, origin) };
  return {
    title: payload.title,
    options: {
      body: payload.body,
      tag: payload.id,
      data,
      icon: "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      ...(payload.actions && payload.actions.length > 0 ? { actions: payload.actions.map(({ action, title }) => ({ action, title })) } : {}),
    },
  };
}

/**
 * W61: a push that is not a payload this build knows (a newer or broken server) still shows
 * something — Chrome requires every push to show a notification (`userVisibleOnly`) and
 * otherwise shows its own "updated in the background" — one generic notice, under one tag so
 * repeats replace it.
 */
export const GENERIC_NOTICE = {
  title: "Micro CoS",
  options: { body: "Something new is waiting for you. Open the app to see it.", tag: "micro-cos-notice", data: { id: "micro-cos-notice", url: DEFAULT_PATH } satisfies NotificationData, icon: "/icons/icon-192.png" },
} as const;

/**
 * H7: the same button pressed twice (or a retried request) is one change — the key names the
 * notification and the action, and fits the key's alphabet (8–128 of A-Z a-z 0-9 . _ : -).
 */
export function actionKey(notificationId: string, action: PushAction | "ack"): string {
  return `sw:${action}:${notificationId.replace(/[^A-Za-z0-9._:-]/g, "_")}`.slice(0, 128);
}

/** W62: the request a notification's button makes, as the contract names it. */
export function actionRequest(notificationId: string, action: PushAction | "ack"): { path: string; body?: unknown } {
  const base = `/api/v1/notifications/${encodeURIComponent(notificationId)}`;
  if (action === "snooze") return { path: `${base}/snooze`, body: { minutes: PUSH_SNOOZE_MINUTES } };
  return { path: `${base}/${action}` };
}

