/**
 * The browser's side of Web Push in the e2e tests (docs/PROTOCOL.md W60–W64): a stand-in for
 * `PushManager` (see `fakePushManager`), and the DevTools and Playwright handles that deliver a
 * push to the app's service worker and act on what it shows.
 */
import type { BrowserContext, CDPSession, Page, Worker } from "playwright-core";
import { expect } from "vitest";

/**
 * An init script replacing `PushManager.prototype.subscribe` / `getSubscription`. Why: a real
 * subscription is made by the browser vendor's push service (Google's, for Chromium), which
 * headless Chromium here cannot reach, so `subscribe()` fails. This stands in for the browser's
 * side only — it returns the subscription the test made (its own P-256 keys and auth secret,
 * its endpoint a local push service on loopback, accepted in development) and checks the
 * options the app passes (`userVisibleOnly`, the key: its byte length is kept in
 * `window.__subscribeKeyBytes`). Everything around it is the app's real code.
 */
export function fakePushManager(json: { endpoint: string; keys: { p256dh: string; auth: string } }): string {
  return `(() => {
    const json = { endpoint: ${JSON.stringify(json.endpoint)}, expirationTime: null, keys: ${JSON.stringify(json.keys)} };
    let current = null;
    const made = () => ({
      endpoint: json.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey: null },
      toJSON: () => json,
      unsubscribe: async () => { current = null; return true; },
    });
    PushManager.prototype.subscribe = async function (options) {
      if (!options || options.userVisibleOnly !== true || !options.applicationServerKey) throw new DOMException("userVisibleOnly and applicationServerKey are required", "NotAllowedError");
      window.__subscribeKeyBytes = new Uint8Array(options.applicationServerKey).length;
      current = current ?? made();
      return current;
    };
    PushManager.prototype.getSubscription = async function () { return current; };
  })();`;
}

/** Resolves once a service worker controls the page (it claims the page on its first install). */
export const whenControlled = (page: Page) =>
  page.waitForFunction(
    async () => {
      await navigator.serviceWorker.ready;
      return navigator.serviceWorker.controller !== null;
    },
    undefined,
    { timeout: 30_000 },
  );

/**
 * A DevTools session on `page` that knows the service worker registration of `origin` and
 * delivers pushes to it (`ServiceWorker.deliverPushMessage`: what the DevTools "Push" button does).
 */
export async function pushChannel(page: Page, origin: string): Promise<{ cdp: CDPSession; deliver: (data: unknown) => Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  let registrationId: string | undefined;
  cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
    for (const r of registrations) if (!r.isDeleted && r.scopeURL.startsWith(origin)) registrationId = r.registrationId;
  });
  await cdp.send("ServiceWorker.enable");
  await expect.poll(() => registrationId, { timeout: 15_000 }).toBeDefined();
  return {
    cdp,
    deliver: async (data) => {
      await cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId: registrationId!, data: typeof data === "string" ? data : JSON.stringify(data) });
    },
  };
}

/** Playwright's handle on the app's service worker (running, or the next one to start). */
export async function serviceWorker(context: BrowserContext): Promise<Worker> {
  return context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker", { timeout: 15_000 }));
}

/**
 * Dispatches a click (with `action`) or a dismissal, inside the worker, on the notification it
 * shows under `tag` — headless Chromium has no notification UI to click, and this runs the very
 * handler a click would.
 */
export async function dispatchOn(worker: Worker, tag: string, type: "notificationclick" | "notificationclose", action = ""): Promise<void> {
  await worker.evaluate(
    async ({ tag, type, action }) => {
      const scope = self as unknown as ServiceWorkerGlobalScope;
      const [notification] = await scope.registration.getNotifications({ tag });
      if (!notification) throw new Error(`no notification under tag ${tag}`);
      scope.dispatchEvent(new NotificationEvent(type, { notification, action }));
    },
    { tag, type, action },
  );
}

/** The tags and titles the worker shows now, read inside the worker (no page of the app needed). */
export const shownInWorker = (worker: Worker) =>
  worker.evaluate(async () => (await (self as unknown as ServiceWorkerGlobalScope).registration.getNotifications()).map((n) => ({ tag: n.tag, title: n.title, body: n.body })));
