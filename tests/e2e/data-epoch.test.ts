/**
 * U17, W113: a device offline while the account is deleted does not bring the
 * data back: when it comes online, the room's new epoch makes it drop its
 * local copy (or sign out), and the room stays empty.
 * Note: Chromium's offline emulation keeps the device's open socket, so when it
 * comes back the erase's 4410 reaches it and it signs out — this test covers that
 * branch (it passes without the epoch check). The epoch branch (a socket that
 * died while away, a fresh ticket naming a new epoch) is covered by
 * tests/worker/data-epoch.test.ts and tests/unit/web-data-epoch.test.ts.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { navLink } from "./a11y.ts";
import { browserApp, pageCall as call, screenshot } from "./browser.ts";

type State = { userId: string; tasks: { title: string }[]; epoch?: string };
const stateOf = async (page: Page) => (await call(page, "GET", "/api/v1/state")).json as State;

describe("Web app — a device away during the deletion", () => {
  const app = browserApp();
  const run = Date.now().toString(36);

  it("[U17][W113] the offline device comes back after the account was deleted: the room stays empty, the device shows no old data", async () => {
    const name = `epoch-${run}`;
    const device = await app.signIn(name);
    expect((await call(device, "POST", "/api/v1/tasks", { action: "create", task: { title: "Old secret plan" } })).status).toBe(201);
    await navLink(device, "Tasks").click();
    await device.getByText("Old secret plan").first().waitFor({ timeout: 15_000 });
    const { userId, epoch: old } = await stateOf(device);
    await expect.poll(() => device.evaluate((key) => localStorage.getItem(key), `micro-cos.epoch.${userId}`), { timeout: 15_000 }).toBe(old);
    await device.context().setOffline(true);

    const other = await app.signIn(name);
    const proposal = (await call(other, "DELETE", "/api/v1/account")).json as { proposal: { id: string } };
    expect((await call(other, "POST", `/api/v1/proposals/${proposal.proposal.id}/confirm`, {})).status).toBe(200);
    await other.waitForURL(/\/login$/, { timeout: 30_000 });
    const again = await app.signIn(name);
    await expect.poll(async () => (await stateOf(again)).tasks.length, { timeout: 15_000 }).toBe(0);
    const fresh = (await stateOf(again)).epoch;
    expect(fresh).not.toBe(old);

    await device.context().setOffline(false);
    // Back online: it adopts the new epoch after dropping its copy, or it is signed out (4410) — never syncs the old one.
    await expect
      .poll(async () => (device.url().endsWith("/login") ? "signed-out" : await device.evaluate((key) => localStorage.getItem(key), `micro-cos.epoch.${userId}`)), { timeout: 30_000 })
      .toMatch(new RegExp(`^(signed-out|${fresh})$`));
    if (!device.url().endsWith("/login")) {
      await navLink(device, "Tasks").click();
      await expect.poll(() => device.getByText("Old secret plan").count(), { timeout: 15_000 }).toBe(0);
    }
    await screenshot(device, "data-epoch-01-device-back");
    // The room stays empty: nothing of the old copy was synced in.
    await expect.poll(async () => (await stateOf(again)).tasks.map((t) => t.title), { timeout: 5_000 }).toEqual([]);
    expect((await stateOf(again)).tasks).toEqual([]);
  }, 180_000);
});
