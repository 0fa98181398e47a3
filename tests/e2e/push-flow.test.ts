/**
 * The whole way of a reminder with every tab closed (issue 14, "Done when"; docs/PROTOCOL.md
 * W60–W64 and the room's N rules), in Chromium against `npm start`: push is turned on in
 * Settings, the tab is closed, the reminder fires and the room pushes it — encrypted, VAPID
 * signed — to the local push service (tests/support/push-service.ts, which decrypts it as the
 * browser would); what arrived is handed to the app's service worker through the DevTools
 * protocol, as the browser would hand it over; the worker shows it; Done on it acknowledges it
 * with the device's mirrored session; the app opened afterwards shows it already acknowledged.
 *
 * Two stand-ins, because headless Chromium cannot reach a vendor's push service: the browser's
 * `PushManager` (fakePushManager, push-browser.ts — its subscription is one the local push
 * service made) and the hop from the push service to the browser (CDP `deliverPushMessage`
 * with the payload the push service decrypted). Everything else is the app's and the room's code.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PushPayloadSchema } from "../../shared/push.ts";
import { type PushService, startPushService } from "../support/push-service.ts";
import { browserApp, whenLive } from "./browser.ts";
import { dispatchOn, fakePushManager, pushChannel, serviceWorker, shownInWorker, whenControlled } from "./push-browser.ts";

describe("Web push — a reminder with every tab closed", () => {
  const app = browserApp();
  let push: PushService;
  beforeAll(async () => {
    push = await startPushService();
  });
  afterAll(() => push?.close());

  it("[W60][W61][W62][W64] reaches the push service encrypted for this device, shows from the worker, and Done acknowledges it: the app opens with it gone", async () => {
    const subscription = push.subscribe("laptop");
    const context = await app.browser.newContext({ viewport: { width: 1200, height: 800 }, permissions: ["notifications"] });
    await context.addInitScript(fakePushManager(subscription.json));
    const page = await context.newPage();
    await page.goto(`${app.server.url}/login`);
    await page.getByLabel("User id").fill("push-flow");
    await page.getByRole("button", { name: /log in/i }).click();
    await whenLive(page);
    await whenControlled(page);
    const token = await page.evaluate(() => localStorage.getItem("micro-cos.token"));
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${app.server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as unknown };
    };
    push.expectKey(z.object({ publicKey: z.string() }).parse((await api("GET", "/api/v1/push/key")).json).publicKey);
    // The suite may run at night: no quiet hours holding the push (S10).
    expect((await api("PUT", "/api/v1/preferences", { notifications: { quietHours: null } })).status).toBe(200);

    await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "Settings" }).click();
    await page.getByTestId("push-settings").getByRole("button", { name: "Turn on" }).click();
    await expect.poll(() => page.getByTestId("push-settings").getAttribute("data-state"), { timeout: 15_000 }).toBe("on");

    // Every tab closed: the reminder can only reach the user by push.
    await page.close();
    const made = await api("POST", "/api/v1/reminders", { title: "Take the bins out", at: new Date(Date.now() + 1_000).toISOString() });
    expect(made.status).toBe(201);
    const reminderId = z.object({ id: z.string() }).parse(made.json).id;
    await push.until((s) => s.received.some((r) => r.name === "laptop"), "the reminder's push");
    const received = push.received.filter((r) => r.name === "laptop");
    expect(received).toHaveLength(1);
    const payload = PushPayloadSchema.parse(received[0]!.payload);
    if (payload.type !== "notification") throw new Error(`expected a notification, got ${JSON.stringify(payload)}`);
    expect(payload).toMatchObject({ title: "Take the bins out", actions: [{ action: "done" }, { action: "snooze" }] });
    expect(payload.url).toBe(`/tasks?reminder=${reminderId}`);

    // The browser hands the push to the worker (no app page is open: a blank tab carries the DevTools session).
    const blank = await context.newPage();
    const channel = await pushChannel(blank, new URL(app.server.url).origin);
    await channel.deliver(received[0]!.payload);
    const worker = await serviceWorker(context);
    await expect.poll(() => shownInWorker(worker), { timeout: 15_000 }).toEqual([{ tag: payload.id, title: "Take the bins out", body: payload.body }]);

    await dispatchOn(worker, payload.id, "notificationclick", "done");
    await expect.poll(() => shownInWorker(worker), { timeout: 15_000 }).toEqual([]);
    const StateSchema = z.object({ notifications: z.array(z.object({ id: z.string() })), reminders: z.array(z.object({ id: z.string() })) });
    await expect.poll(async () => StateSchema.parse((await api("GET", "/api/v1/state")).json).notifications.map((n) => n.id), { timeout: 15_000 }).not.toContain(payload.id);
    expect(StateSchema.parse((await api("GET", "/api/v1/state")).json).reminders.map((r) => r.id)).not.toContain(reminderId);

    // Opening the app: the state it loads has it acknowledged already.
    const again = await context.newPage();
    const loaded = again.waitForResponse((r) => new URL(r.url()).pathname === "/api/v1/state");
    await again.goto(`${app.server.url}/chat`);
    expect(StateSchema.parse(await (await loaded).json()).notifications.map((n) => n.id)).not.toContain(payload.id);
    await whenLive(again);
    // Exactly one push reached the service for it: nothing was pushed twice.
    expect(push.received.filter((r) => r.name === "laptop" && PushPayloadSchema.safeParse(r.payload).data?.type === "notification")).toHaveLength(1);
  });
});
