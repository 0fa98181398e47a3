/**
 * The follow-up rule (docs/PROTOCOL.md W66): a reply that finishes while the user is away
 * becomes "Your assistant replied" (S8); once the chat view shows that reply to a user who is
 * looking (the page visible and focused), the device acknowledges it and the room withdraws it
 * everywhere (S9) — the inbox is empty again.
 *
 * "Away" is the window losing focus. Playwright's Chromium tells every page it has focus, so
 * the test takes it away the way the browser would show it to the page: `document.hasFocus()`
 * answers false and the window gets a `blur` event; giving focus back restores both.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { browserApp } from "./browser.ts";

const StateSchema = z.object({
  devices: z.array(z.object({ deviceId: z.string(), focused: z.boolean() })),
  notifications: z.array(z.object({ id: z.string(), kind: z.string(), ref: z.string().nullable() })),
});

const state = async (page: Page) =>
  StateSchema.parse(
    await page.evaluate(async () => {
      const res = await fetch("/api/v1/state", { headers: { authorization: `Bearer ${localStorage.getItem("micro-cos.token")}` } });
      return (await res.json()) as unknown;
    }),
  );

const blur = (page: Page) =>
  page.evaluate(() => {
    document.hasFocus = () => false;
    window.dispatchEvent(new Event("blur"));
  });
const focus = (page: Page) =>
  page.evaluate(() => {
    Reflect.deleteProperty(document, "hasFocus");
    window.dispatchEvent(new Event("focus"));
  });

describe("Web push — follow-ups that cancel themselves", () => {
  const app = browserApp();

  it("[W66][S8][S9] a reply finished while the tab was away is notified; shown in the focused chat view it is acknowledged and leaves the inbox", async () => {
    const page = await app.signIn("push-follow");
    await page.getByLabel("Message").waitFor();
    const deviceId = await page.evaluate(() => localStorage.getItem("micro-cos.device"));

    await blur(page);
    await expect.poll(async () => (await state(page)).devices.find((d) => d.deviceId === deviceId)?.focused, { timeout: 15_000 }).toBe(false);

    await page.getByLabel("Message").fill("what is on my agenda?");
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await state(page)).notifications.filter((n) => n.kind === "assistant").length, { timeout: 30_000 }).toBe(1);
    // The reply is on screen, but nobody is looking: it stays.
    await page.getByTestId("reply").last().waitFor();
    const [notification] = (await state(page)).notifications.filter((n) => n.kind === "assistant");
    expect(notification?.ref).toBeTruthy();
    expect((await state(page)).notifications.map((n) => n.id)).toContain(notification!.id);

    await focus(page);
    await expect.poll(async () => (await state(page)).notifications.filter((n) => n.kind === "assistant"), { timeout: 15_000 }).toEqual([]);
  });

  it("[W66] a reply read elsewhere than the chat view is not acknowledged: the notification waits until the chat shows it", async () => {
    const page = await app.signIn("push-follow-tasks");
    await page.getByLabel("Message").waitFor();
    await blur(page);
    const deviceId = await page.evaluate(() => localStorage.getItem("micro-cos.device"));
    await expect.poll(async () => (await state(page)).devices.find((d) => d.deviceId === deviceId)?.focused, { timeout: 15_000 }).toBe(false);
    await page.getByLabel("Message").fill("what is on my agenda?");
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await state(page)).notifications.filter((n) => n.kind === "assistant").length, { timeout: 30_000 }).toBe(1);

    // Back, but on Tasks: the reply is not shown, so the notification stays.
    await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "Tasks" }).click();
    await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
    await focus(page);
    // The room has the focus frame (the device is focused again) and still lists the notification.
    await expect.poll(async () => (await state(page)).devices.find((d) => d.deviceId === deviceId)?.focused, { timeout: 15_000 }).toBe(true);
    expect((await state(page)).notifications.filter((n) => n.kind === "assistant")).toHaveLength(1);

    await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "Chat" }).click();
    await expect.poll(async () => (await state(page)).notifications.filter((n) => n.kind === "assistant"), { timeout: 15_000 }).toEqual([]);
  });
});
