/**
 * Settings → "Notifications on this device" and Devices (docs/PROTOCOL.md W60, W65), in
 * Chromium against `npm start`: turning push on registers this device's subscription with the
 * room, every device's Devices view lists it as receiving push, "Stop push" and turning it
 * off remove it — live, from the ledger's `push.subscribed` / `push.unsubscribed`.
 *
 * Why `PushManager.prototype.subscribe` is replaced (`fakePushManager`, push-browser.ts): a
 * real subscription is made by the browser's vendor push service (Google's, for Chromium),
 * which headless Chromium here cannot reach, so `subscribe()` would fail. The init script
 * stands in for the browser's side only: it returns a subscription whose keys this test
 * generated (a real P-256 point and auth secret) and whose endpoint is this test's local push
 * service (loopback http, accepted in development). Everything after it — the permission, the
 * room's key, the POST with `X-Device-Id`, the state, the events, the DELETE — is the app's
 * real code.
 */
import AxeBuilder from "@axe-core/playwright";
import { createECDH, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { browserApp, screenshot, whenLive } from "./browser.ts";
import { fakePushManager } from "./push-browser.ts";

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

const StateSchema = z.object({ pushSubscriptions: z.array(z.object({ id: z.string(), deviceId: z.string(), origin: z.string(), createdAt: z.string() })).optional() });

const roomSubscriptions = async (page: Page) =>
  StateSchema.parse(
    await page.evaluate(async () => (await fetch("/api/v1/state", { headers: { authorization: `Bearer ${localStorage.getItem("micro-cos.token")}` } })).json() as Promise<unknown>),
  ).pushSubscriptions ?? [];

const view = async (page: Page, name: string) => {
  await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name }).click();
  await page.getByRole("heading", { name, level: 1 }).waitFor();
};

const pushState = (page: Page) => page.getByTestId("push-settings");

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).exclude('[data-testid="status"]').analyze();
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("Web push — Settings and Devices", () => {
  const app = browserApp();
  /** The test's local push service: answers every push 201 (the room may push to it; what it got is not this test's subject). */
  let pushService: Server;
  let endpointBase = "";
  beforeAll(async () => {
    pushService = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(201).end());
    });
    await new Promise<void>((resolve) => pushService.listen(0, "127.0.0.1", resolve));
    endpointBase = `http://127.0.0.1:${(pushService.address() as AddressInfo).port}/push/`;
  });
  afterAll(() => new Promise<void>((resolve) => pushService.close(() => resolve())));

  it("[W60][W65] on in Settings, listed as receiving push in Devices on every device, stopped from another device, turned on and off again", async () => {
    const keys = createECDH("prime256v1");
    keys.generateKeys();
    const subscription = { endpoint: `${endpointBase}${b64url(randomBytes(12))}`, p256dh: b64url(keys.getPublicKey()), auth: b64url(randomBytes(16)) };
    const context = await app.browser.newContext({ viewport: { width: 1200, height: 800 }, permissions: ["notifications"] });
    await context.addInitScript(fakePushManager({ endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } }));
    const laptop = await context.newPage();
    await laptop.goto(`${app.server.url}/login`);
    await laptop.getByLabel("User id").fill("push-set");
    await laptop.getByRole("button", { name: /log in/i }).click();
    await whenLive(laptop);
    await laptop.waitForFunction(async () => {
      await navigator.serviceWorker.ready;
      return navigator.serviceWorker.controller !== null;
    }, undefined, { timeout: 30_000 });
    const laptopId = await laptop.evaluate(() => localStorage.getItem("micro-cos.device"));
    const phone = await app.signIn("push-set", { viewport: { width: 390, height: 844 } });

    await view(laptop, "Settings");
    await expect.poll(() => pushState(laptop).getAttribute("data-state"), { timeout: 15_000 }).toBe("off");
    await pushState(laptop).getByRole("button", { name: "Turn on" }).click();
    await expect.poll(() => pushState(laptop).getAttribute("data-state"), { timeout: 15_000 }).toBe("on");
    // subscribe() got the room's VAPID key as the 65 bytes of an uncompressed P-256 point.
    expect(await laptop.evaluate(() => Reflect.get(window, "__subscribeKeyBytes"))).toBe(65);
    const [saved, ...more] = await roomSubscriptions(laptop);
    expect(more).toEqual([]);
    expect(saved).toMatchObject({ deviceId: laptopId, origin: new URL(endpointBase).origin });
    await laptop.getByRole("heading", { name: "Notifications", level: 3 }).scrollIntoViewIfNeeded();
    await screenshot(laptop, "push-settings-01-on-desktop");
    expect(await seriousViolations(laptop)).toEqual([]);

    // The phone's Devices view lists the laptop as receiving push — live, no reload.
    await view(phone, "Devices");
    const laptopRow = phone.locator(`[data-testid="devices"] > li[data-push="true"]`);
    await expect.poll(() => laptopRow.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => laptopRow.innerText()).toContain("Receives push notifications");
    await screenshot(phone, "push-settings-02-devices-phone");
    expect(await seriousViolations(phone)).toEqual([]);
    await view(phone, "Settings");
    // The phone never turned push on: off there (its own browser, its own permission).
    await expect.poll(() => pushState(phone).getAttribute("data-state"), { timeout: 15_000 }).not.toBe("on");
    await pushState(phone).scrollIntoViewIfNeeded();
    await screenshot(phone, "push-settings-03-settings-phone");

    // "Stop push" from the phone: the room forgets it; the laptop's Settings reads off, live.
    await view(phone, "Devices");
    await laptopRow.getByRole("button", { name: /Stop push/ }).click();
    await expect.poll(() => laptopRow.count(), { timeout: 15_000 }).toBe(0);
    expect(await roomSubscriptions(phone)).toEqual([]);
    await expect.poll(() => pushState(laptop).getAttribute("data-state"), { timeout: 15_000 }).toBe("off");

    // On again (the same subscription: the same endpoint), then off from the laptop's Settings.
    await pushState(laptop).getByRole("button", { name: "Turn on" }).click();
    await expect.poll(() => laptopRow.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => pushState(laptop).getAttribute("data-state"), { timeout: 15_000 }).toBe("on");
    await view(laptop, "Devices");
    await screenshot(laptop, "push-settings-04-devices-desktop");
    await view(laptop, "Settings");
    await pushState(laptop).getByRole("button", { name: "Turn off" }).click();
    await expect.poll(() => pushState(laptop).getAttribute("data-state"), { timeout: 15_000 }).toBe("off");
    await expect.poll(() => laptopRow.count(), { timeout: 15_000 }).toBe(0);
    expect(await roomSubscriptions(laptop)).toEqual([]);
    expect(await laptop.evaluate(async () => (await (await navigator.serviceWorker.ready).pushManager.getSubscription()) === null)).toBe(true);
  });

  it("[W60] blocked notifications say how to undo it, and offer no switch", async () => {
    const page = await app.signIn("push-set-denied");
    await page.context().grantPermissions([]);
    // Chromium has no "deny" to grant: the page is told what a blocked site reads.
    await page.addInitScript(() => Object.defineProperty(Notification, "permission", { get: () => "denied" }));
    await page.reload();
    await whenLive(page);
    await view(page, "Settings");
    await expect.poll(() => pushState(page).getAttribute("data-state"), { timeout: 15_000 }).toBe("denied");
    expect(await pushState(page).innerText()).toMatch(/Blocked for this site.*Notifications → Allow/s);
    expect(await pushState(page).getByRole("button").count()).toBe(0);
  });
});
