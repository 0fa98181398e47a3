/**
 * The service worker's side of Web Push (docs/PROTOCOL.md W61–W64), in Chromium against `npm
 * start`: a push delivered through the DevTools protocol (`ServiceWorker.deliverPushMessage`,
 * what the DevTools "Push" button does — no push service involved) is shown, a `cleared` push
 * takes it down, and its buttons call the API with the session the page mirrored for the
 * worker.
 *
 * Headless Chromium has no notification UI to click, so a click or a dismissal is dispatched
 * inside the worker (`context.serviceWorkers()`, Playwright's handle on it) as a
 * `NotificationEvent` carrying the very notification the worker showed — the same handler a
 * real click runs; nothing in the production code exists for the test.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { browserApp } from "./browser.ts";
import { dispatchOn, pushChannel, serviceWorker, whenControlled } from "./push-browser.ts";

const ShownSchema = z.array(
  z.object({
    title: z.string(),
    body: z.string(),
    tag: z.string(),
    data: z.unknown(),
    actions: z.array(z.object({ action: z.string(), title: z.string() })),
  }),
);

/** The notifications the worker shows now (with `tag`: only those). */
async function shown(page: Page, tag?: string) {
  const raw = await page.evaluate(async (only) => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications(only === undefined ? undefined : { tag: only })).map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      data: n.data as unknown,
      // Not in TypeScript's DOM types; Chromium has it.
      actions: (Reflect.get(n, "actions") ?? []) as unknown,
    }));
  }, tag);
  return ShownSchema.parse(raw);
}

/** The signed-in page's API, with its own session. */
async function call(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const res = await fetch(path, {
        method,
        headers: { authorization: `Bearer ${localStorage.getItem("micro-cos.token")}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as unknown };
    },
    { method, path, body },
  );
}

const InboxSchema = z.object({
  notifications: z.array(z.object({ id: z.string(), kind: z.string(), ref: z.string().nullable().optional() })),
  reminders: z.array(z.object({ id: z.string(), status: z.string() })),
});
const ReminderListSchema = z.object({ reminders: z.array(z.object({ id: z.string(), status: z.string(), at: z.string() })) });
const inbox = async (page: Page) => InboxSchema.parse((await call(page, "GET", "/api/v1/state")).json);

/** A reminder due in a second; resolves with it and the notification it fired (in the inbox until acknowledged). */
async function firedReminder(page: Page, title: string): Promise<{ reminderId: string; notificationId: string }> {
  const made = await call(page, "POST", "/api/v1/reminders", { title, at: new Date(Date.now() + 1_000).toISOString() });
  expect(made.status).toBe(201);
  const reminderId = z.object({ id: z.string() }).parse(made.json).id;
  let notificationId: string | undefined;
  await expect
    .poll(
      async () => {
        notificationId = (await inbox(page)).notifications.find((n) => n.kind === "reminder" && n.ref === reminderId)?.id;
        return notificationId;
      },
      { timeout: 20_000 },
    )
    .toBeDefined();
  return { reminderId, notificationId: notificationId! };
}

describe("Web push — the service worker", () => {
  const app = browserApp();
  const origin = () => new URL(app.server.url).origin;

  it("[W61][W63] a pushed notification shows with its title, body, tag and buttons; a cleared push takes it down; a bad one shows the generic notice", async () => {
    const page = await app.signIn("push-sw-show", { permissions: ["notifications"] });
    await whenControlled(page);
    const push = await pushChannel(page, origin());

    await push.deliver({
      type: "notification",
      id: "n-show-1",
      title: "Call the bank",
      body: "Reminder · 3:00 PM",
      url: "/tasks?task=t-1",
      actions: [
        { action: "done", title: "Done" },
        { action: "snooze", title: "Snooze 10 min" },
      ],
    });
    await expect.poll(() => shown(page, "n-show-1"), { timeout: 15_000 }).toHaveLength(1);
    const [n] = await shown(page, "n-show-1");
    expect(n).toMatchObject({ title: "Call the bank", body: "Reminder · 3:00 PM", tag: "n-show-1", data: { id: "n-show-1", url: "/tasks?task=t-1" } });
    expect(n?.actions).toEqual([
      { action: "done", title: "Done" },
      { action: "snooze", title: "Snooze 10 min" },
    ]);

    // The same notification pushed again (a retried send) replaces it: still one.
    await push.deliver({ type: "notification", id: "n-show-1", title: "Call the bank", body: "Reminder · 3:00 PM" });
    await push.deliver({ type: "notification", id: "n-show-2", title: "Second", body: "" });
    await expect.poll(async () => (await shown(page)).map((s) => s.tag).sort(), { timeout: 15_000 }).toEqual(["n-show-1", "n-show-2"]);

    await push.deliver({ type: "cleared", id: "n-show-1" });
    await expect.poll(async () => (await shown(page)).map((s) => s.tag), { timeout: 15_000 }).toEqual(["n-show-2"]);

    // Not a payload (a newer server's, or garbage): one generic notice, never a thrown handler.
    await push.deliver("{not json");
    await push.deliver({ type: "mystery", id: "x" });
    await expect.poll(async () => (await shown(page, "micro-cos-notice")).map((s) => s.title), { timeout: 15_000 }).toEqual(["Micro CoS"]);
  });

  it("[W62][W64] Done and Snooze on a pushed reminder call the API with the device's session: dismissed, or pending 10 min on; acknowledged either way", async () => {
    const page = await app.signIn("push-sw-done", { permissions: ["notifications"] });
    await whenControlled(page);
    const push = await pushChannel(page, origin());
    const { reminderId, notificationId } = await firedReminder(page, "Water the plants");
    await push.deliver({ type: "notification", id: notificationId, title: "Water the plants", body: "Reminder", actions: [{ action: "done", title: "Done" }] });
    await expect.poll(() => shown(page, notificationId), { timeout: 15_000 }).toHaveLength(1);

    await dispatchOn(await serviceWorker(page.context()), notificationId, "notificationclick", "done");
    await expect.poll(async () => (await inbox(page)).notifications.map((n) => n.id), { timeout: 15_000 }).not.toContain(notificationId);
    expect((await inbox(page)).reminders.map((r) => r.id)).not.toContain(reminderId);
    await expect.poll(() => shown(page, notificationId)).toHaveLength(0);

    // Snooze 10 min: acknowledged, and the reminder is pending again about ten minutes on.
    const later = await firedReminder(page, "Call the plumber");
    await push.deliver({ type: "notification", id: later.notificationId, title: "Call the plumber", body: "Reminder", actions: [{ action: "snooze", title: "Snooze 10 min" }] });
    await expect.poll(() => shown(page, later.notificationId), { timeout: 15_000 }).toHaveLength(1);
    const pressed = Date.now();
    await dispatchOn(await serviceWorker(page.context()), later.notificationId, "notificationclick", "snooze");
    await expect.poll(async () => (await inbox(page)).notifications.map((n) => n.id), { timeout: 15_000 }).not.toContain(later.notificationId);
    const snoozed = ReminderListSchema.parse((await call(page, "GET", "/api/v1/state")).json).reminders.find((r) => r.id === later.reminderId);
    expect(snoozed?.status).toBe("pending");
    const minutes = (Date.parse(snoozed!.at) - pressed) / 60_000;
    expect(minutes).toBeGreaterThan(9);
    expect(minutes).toBeLessThanOrEqual(11);
  });

  it("[W63] a pushed notification dismissed by the user is acknowledged", async () => {
    const page = await app.signIn("push-sw-close", { permissions: ["notifications"] });
    await whenControlled(page);
    const push = await pushChannel(page, origin());
    const { notificationId } = await firedReminder(page, "Stretch");
    await push.deliver({ type: "notification", id: notificationId, title: "Stretch", body: "Reminder" });
    await expect.poll(() => shown(page, notificationId), { timeout: 15_000 }).toHaveLength(1);

    await dispatchOn(await serviceWorker(page.context()), notificationId, "notificationclose");
    await expect.poll(async () => (await inbox(page)).notifications.map((n) => n.id), { timeout: 15_000 }).not.toContain(notificationId);
  });

  it("[W62][W67] a plain click opens the notification's view in the open window, scrolled to its task; without the mirrored session a button opens the app instead of acting", async () => {
    const page = await app.signIn("push-sw-open", { permissions: ["notifications"] });
    await whenControlled(page);
    const push = await pushChannel(page, origin());
    const worker = await serviceWorker(page.context());

    // Many tasks, so the one the notification names is below the fold until the view scrolls to it (W67).
    const ids: string[] = [];
    for (let i = 1; i <= 30; i++) {
      const made = await call(page, "POST", "/api/v1/tasks", { action: "create", task: { title: `Task ${i}` } });
      ids.push(z.object({ id: z.string() }).parse(made.json).id);
    }
    const target = ids[27]!;
    await push.deliver({ type: "notification", id: "n-open-1", title: "Task 28", body: "", url: `/tasks?task=${target}` });
    await expect.poll(() => shown(page, "n-open-1"), { timeout: 15_000 }).toHaveLength(1);
    await dispatchOn(worker, "n-open-1", "notificationclick");
    await page.waitForURL((url) => url.pathname === "/tasks" && url.searchParams.get("task") === target, { timeout: 15_000 });
    const row = page.locator(`[data-task-id="${target}"]`);
    await expect.poll(() => row.getAttribute("data-selected"), { timeout: 15_000 }).toBe("true");
    await expect.poll(() => row.evaluate((el) => { const box = el.getBoundingClientRect(); return box.top >= 0 && box.bottom <= window.innerHeight; }), { timeout: 15_000 }).toBe(true);

    // The session the worker reads is gone (as after sign-out): Done cannot act, so it opens the app at the URL.
    const { notificationId } = await firedReminder(page, "Pay rent");
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const request = indexedDB.deleteDatabase("micro-cos-sw");
          request.onsuccess = request.onerror = request.onblocked = () => resolve();
        }),
    );
    await push.deliver({ type: "notification", id: notificationId, title: "Pay rent", body: "", url: "/devices", actions: [{ action: "done", title: "Done" }] });
    await expect.poll(() => shown(page, notificationId), { timeout: 15_000 }).toHaveLength(1);
    await dispatchOn(worker, notificationId, "notificationclick", "done");
    await page.waitForURL((url) => url.pathname === "/devices", { timeout: 15_000 });
    expect((await inbox(page)).notifications.map((n) => n.id)).toContain(notificationId);
  });
});
