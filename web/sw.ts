/// <reference lib="webworker" />
/**
 * The app's service worker, built by vite-plugin-pwa (`injectManifest`, vite.config.ts) into
 * `dist/client/sw.js`. Two jobs:
 *
 * - The offline app shell (docs/PROTOCOL.md W40): precache the built app, answer navigations
 *   with the precached index.html (never under `/api/`), drop caches of older builds, take
 *   over the open page on the first install; a later version waits until the page says
 *   `SKIP_WAITING` (the "Reload" of the update toast, web/lib/sw-register.ts).
 * - Web Push (W60–W64): show a pushed notification, close it when it is cleared elsewhere, and
 *   answer its buttons by calling the API with this device's credentials (web/lib/sw-session.ts)
 *   — no page needs to be open.
 *
 * Every handler catches its own failures: a bad payload or a failed request never throws out
 * of an event (a rejected `waitUntil` would only log, and the user would see nothing).
 */
// First: zod must not probe for eval (the worker's script answers under the same policy, W1).
import "./lib/no-eval.ts";
import { clientsClaim } from "workbox-core";
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from "workbox-precaching";
import { NavigationRoute, registerRoute } from "workbox-routing";
import { actionKey, actionRequest, appPath, GENERIC_NOTICE, type NotificationData, NotificationDataSchema, notificationOf, type PushAction, readPushPayload } from "./lib/push-payload.ts";
import { actionHeaders, readSwSession } from "./lib/sw-session.ts";

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Parameters<typeof precacheAndRoute>[0] };

// ---- W40: the offline shell (what generateSW produced before, written out) ----
self.addEventListener("message", (event) => {
  if (event.data !== null && typeof event.data === "object" && "type" in event.data && event.data.type === "SKIP_WAITING") void self.skipWaiting();
});
clientsClaim();
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL("index.html"), { denylist: [/^\/api\//] }));

// ---- W60–W63: push ----
self.addEventListener("push", (event) => {
  event.waitUntil(onPush(event.data?.text() ?? null).catch(() => undefined));
});

async function onPush(text: string | null): Promise<void> {
  const payload = readPushPayload(text);
  // W61: not a payload this build knows — one generic notice (Chrome's userVisibleOnly rule).
  if (payload === null) return self.registration.showNotification(GENERIC_NOTICE.title, { ...GENERIC_NOTICE.options });
  if (payload.type === "cleared") {
    // W63: acknowledged elsewhere — what this device shows of it goes away.
    for (const shown of await self.registration.getNotifications({ tag: payload.id })) shown.close();
    return;
  }
  const { title, options } = notificationOf(payload, self.location.origin);
  return self.registration.showNotification(title, options);
}

self.addEventListener("notificationclick", (event) => {
  const data = NotificationDataSchema.safeParse(event.notification.data);
  event.notification.close();
  if (!data.success) return void event.waitUntil(openApp("/chat").catch(() => undefined));
  const action = event.action === "done" || event.action === "snooze" ? event.action : null;
  event.waitUntil(onClick(data.data, action).catch(() => undefined));
});

/** W62: a button calls the API (and opens nothing); a plain click, or a button that could not act, opens the app. */
async function onClick(data: NotificationData, action: PushAction | null): Promise<void> {
  if (action === null) {
    // The click is the user's answer to it: acknowledged (S9), then the app opens where it points.
    await Promise.all([callApi(data.id, "ack"), openApp(data.url)]);
    return;
  }
  const outcome = await callApi(data.id, action);
  // 404: already acknowledged (another device, or a second press) — nothing left to do.
  if (outcome === "done" || outcome === "gone") return;
  await openApp(data.url);
}

self.addEventListener("notificationclose", (event) => {
  // W63: dismissed by the user — acknowledged, so no device shows it again.
  const data = NotificationDataSchema.safeParse(event.notification.data);
  if (data.success && data.data.id !== GENERIC_NOTICE.options.tag) event.waitUntil(callApi(data.data.id, "ack").catch(() => undefined));
});

/**
 * One notification action with this device's credentials: `done` (2xx), `gone` (404: already
 * acknowledged), or `open-app` — no credentials, refused (401), or anything else that did not
 * work (offline, 409, 5xx), which the user can finish in the app.
 */
async function callApi(notificationId: string, action: PushAction | "ack"): Promise<"done" | "gone" | "open-app"> {
  if (notificationId === GENERIC_NOTICE.options.tag) return "gone";
  const session = await readSwSession();
  if (session === null) return "open-app";
  const { path, body } = actionRequest(notificationId, action);
  const headers = actionHeaders(session, actionKey(notificationId, action));
  if (body !== undefined) headers["content-type"] = "application/json";
  try {
    const res = await fetch(path, { method: "POST", headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.ok) return "done";
    return res.status === 404 ? "gone" : "open-app";
  } catch {
    return "open-app";
  }
}

/**
 * W62: the app at `url` — an open window of the app is focused and told to go there (it
 * navigates in place, web/hooks/use-sw-navigation.ts); with none, a new one opens.
 */
async function openApp(url: string): Promise<void> {
  const path = appPath(url, self.location.origin);
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
  if (open) {
    const focused = await open.focus().catch(() => open);
    focused.postMessage({ type: "open", url: path });
    return;
  }
  await self.clients.openWindow(path);
}
