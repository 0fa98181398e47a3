/**
 * Identity on screen (docs/PROTOCOL.md W30–W34, P16), in Chromium with two
 * browser contexts as two devices of one user: the device is asked its name
 * once, other devices show it (Devices, Activity), the signed-in user is shown,
 * Activity says who did what without a raw id, and signing out leaves nothing
 * of the user on the browser.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserApp, screenshot, whenLive } from "./browser.ts";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** Ids the room and the web mint besides uuids: client action ids, socket labels, turn ids. */
const RAW_ID = /\bweb-[0-9a-f]|socket:|conn-\d|turn-\d/i;

const view = async (page: Page, name: string) => {
  await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name }).click();
  // Chat's heading is the chat's own work; its message box says it is open.
  if (name === "Chat") await page.getByLabel("Message").waitFor();
  else await page.getByRole("heading", { name, level: 1 }).waitFor();
};

/** A task change through the HTTP API as this page's device (its X-Device-Id), as the web's api.ts sends it. */
const taskCall = (page: Page, body: unknown) =>
  page.evaluate(async (b) => {
    const res = await fetch("/api/v1/tasks", {
      method: "POST",
      headers: {
        authorization: `Bearer ${localStorage.getItem("micro-cos.token")}`,
        "x-device-id": localStorage.getItem("micro-cos.device") ?? "",
        "content-type": "application/json",
      },
      body: JSON.stringify(b),
    });
    return { status: res.status, body: (await res.json()) as { id?: string } };
  }, body);

async function seriousViolations(page: Page): Promise<string[]> {
  // The shell's connection badge belongs to the shell's own accessibility work (web/routes/_app.tsx), not to these views.
  const results = await new AxeBuilder({ page }).exclude('[data-testid="status"]').analyze();
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("Web app — identity on screen", () => {
  const app = browserApp({ OFFLINE_TOKEN_DELAY_MS: "5" });

  it("[W31][W30][P16][W34] a device is asked its name once; the other device shows it on Devices and in Activity rows, with no raw id", async () => {
    const laptop = await app.signIn("id-hana");
    const prompt = laptop.getByTestId("device-name-prompt");
    await prompt.waitFor();
    expect(await laptop.getByRole("textbox", { name: "Name this device" }).inputValue()).toBe("Chrome on Linux");
    await screenshot(laptop, "identity-01-name-prompt");
    // Dismissed on the laptop: asked once, so not again after a reload.
    await prompt.getByRole("button", { name: /Not now/ }).click();
    await prompt.waitFor({ state: "detached" });
    await laptop.reload();
    await whenLive(laptop);
    await laptop.getByTestId("account-button").waitFor();
    expect(await laptop.getByTestId("device-name-prompt").count()).toBe(0);

    const phone = await app.signIn("id-hana", { viewport: { width: 390, height: 844 } });
    await phone.getByTestId("device-name-prompt").waitFor();
    await screenshot(phone, "identity-02-name-prompt-phone");
    await phone.getByRole("textbox", { name: "Name this device" }).fill("Hana's phone");
    await phone.getByRole("button", { name: "Save name" }).click();
    await phone.getByTestId("device-name-prompt").waitFor({ state: "detached" });
    await phone.reload();
    await whenLive(phone);
    await phone.getByTestId("account-button").waitFor();
    expect(await phone.getByTestId("device-name-prompt").count()).toBe(0);

    // The laptop's Devices view: the phone by its name, with its browser and OS; the laptop as this device.
    await view(laptop, "Devices");
    const devices = laptop.getByTestId("devices");
    await devices.locator("li").filter({ hasText: "Hana's phone" }).waitFor({ timeout: 15_000 });
    expect(await devices.locator("li").filter({ hasText: "Hana's phone" }).innerText()).toMatch(/Chrome on Linux[\s\S]*(online|in use)/);
    expect(await devices.locator("li").filter({ hasText: "this device" }).innerText()).toMatch(/Chrome on Linux/);
    await screenshot(laptop, "identity-03-devices");

    // The phone adds, renames and completes a task; the laptop's Activity names the phone for each.
    const created = await taskCall(phone, { action: "create", task: { title: "Call John" } });
    expect(created.status).toBe(201);
    const taskId = created.body.id;
    expect(typeof taskId).toBe("string");
    expect((await taskCall(phone, { action: "update", taskId, patch: { title: "Call John re budget" } })).status).toBe(200);
    expect((await taskCall(phone, { action: "complete", taskId })).status).toBe(200);
    await view(laptop, "Activity");
    const activity = laptop.getByTestId("activity");
    await activity.getByText("Hana's phone renamed “Call John” → “Call John re budget”").waitFor({ timeout: 15_000 });
    await activity.getByText("Hana's phone completed “Call John re budget”").waitFor();
    await activity.getByText("Hana's phone added task “Call John”").waitFor();
    await laptop.getByRole("heading", { name: "Today", level: 2 }).waitFor();

    // The phone's own rows read "You (Hana's phone)"; its Devices view, at phone width.
    await view(phone, "Devices");
    await phone.getByTestId("devices").locator("li").filter({ hasText: "this device" }).filter({ hasText: "Hana's phone" }).waitFor();
    await screenshot(phone, "identity-03b-devices-phone");
    await view(phone, "Activity");
    await phone.getByTestId("activity").getByText("You (Hana's phone) completed “Call John re budget”").waitFor({ timeout: 15_000 });
    await screenshot(phone, "identity-04-activity-phone");

    // The phone goes away: the laptop still names it, now with when it was last seen.
    await phone.context().close();
    await view(laptop, "Devices");
    await expect.poll(() => devices.locator("li").filter({ hasText: "Hana's phone" }).innerText(), { timeout: 15_000 }).toMatch(/last seen/);
    await laptop.reload();
    await whenLive(laptop);
    await view(laptop, "Activity");
    await activity.getByText("Hana's phone completed “Call John re budget”").waitFor({ timeout: 15_000 });
    const text = await activity.innerText();
    console.log(`[identity] activity rows:\n${text}`);
    expect(text).not.toMatch(UUID);
    expect(text).not.toMatch(RAW_ID);
    await screenshot(laptop, "identity-05-activity");
  });

  it("[W34] the assistant's rows say “Chief of staff” and what it added, with the due time", async () => {
    const page = await app.signIn("id-omar");
    await page.getByLabel("Message").fill("remind me to call John tomorrow at 3pm");
    await page.keyboard.press("Enter");
    await view(page, "Activity");
    const row = page.getByTestId("activity").locator("li").filter({ hasText: "Chief of staff added task “Call John”" });
    await row.waitFor({ timeout: 20_000 });
    expect(await row.innerText()).toMatch(/\(due \w{3}, \w{3} \d+, 3:00\s?PM\)/);
    expect(await page.getByTestId("activity").innerText()).not.toMatch(UUID);
  });

  it("[W34] Activity with nothing to show has a helpful empty state, not a blank page", async () => {
    const page = await app.signIn("id-empty");
    await view(page, "Activity");
    await page.getByRole("link", { name: "Chief of staff" }).click();
    const empty = page.getByTestId("activity-empty");
    await empty.waitFor();
    expect(await empty.innerText()).toMatch(/Nothing of this kind yet[\s\S]*shows up here/);
    await screenshot(page, "identity-06-activity-empty");
  });

  it("[W32] the signed-in user is shown, with an avatar initial, and the menu leads to Settings", async () => {
    const page = await app.signIn("kim");
    const account = page.getByRole("button", { name: "Account: kim" });
    expect(await account.innerText()).toMatch(/^K\s*kim$/);
    await account.click();
    const menu = page.locator("#account-menu");
    await menu.getByText("Signed in as").waitFor();
    expect(await menu.getByTestId("account-menu-user").innerText()).toBe("kim");
    await screenshot(page, "identity-07-account-menu");
    await menu.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
    expect(await page.getByTestId("settings-user").innerText()).toBe("kim");

    const phone = await app.signIn("kim", { viewport: { width: 390, height: 844 } });
    await phone.getByRole("button", { name: "Account: kim" }).click();
    await phone.locator("#account-menu").getByText("Signed in as").waitFor();
    const box = await phone.locator("#account-menu").boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    await screenshot(phone, "identity-08-account-menu-phone");
  });

  it("[W33] signing out removes the user's document, outbox and keys from this browser; the next user sees none of it, even offline", async () => {
    const page = await app.signIn("ivan");
    await view(page, "Tasks");
    await page.getByLabel("New task").fill("Ivan's secret plan");
    await page.getByRole("button", { name: "Add" }).click();
    await page.getByTestId("tasks").filter({ hasText: "Ivan's secret plan" }).waitFor({ timeout: 15_000 });
    const databases = () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ""));
    const keys = () => page.evaluate(() => Object.keys(localStorage));
    await expect.poll(databases, { timeout: 10_000 }).toContain("micro-cos-ivan");
    // A message written offline waits in ivan's outbox; a kept zone choice is his too.
    await page.context().setOffline(true);
    await view(page, "Chat");
    await page.getByLabel("Message").fill("note this while offline");
    await page.keyboard.press("Enter");
    await expect.poll(keys, { timeout: 10_000 }).toContain("micro-cos.outbox.ivan");
    await page.evaluate(() => localStorage.setItem("micro-cos.zone-kept", "Europe/Paris|UTC"));
    const device = await page.evaluate(() => localStorage.getItem("micro-cos.device"));

    await page.getByRole("button", { name: "Account: ivan" }).click();
    await page.locator("#account-menu").getByRole("button", { name: "Sign out" }).click();
    // Something is not sent (W33): asked first; the user chooses to lose it.
    await page.getByRole("dialog", { name: "Sign out with changes not sent?" }).getByRole("button", { name: "Sign out anyway" }).click();
    await page.waitForURL(/\/login$/);
    await expect.poll(databases, { timeout: 15_000 }).not.toContain("micro-cos-ivan");
    const left = await keys();
    console.log(`[identity] localStorage after sign-out: ${JSON.stringify(left)}`);
    expect(left.filter((k) => k.includes("ivan") || k === "micro-cos.token" || k === "micro-cos.zone-kept")).toEqual([]);
    // The device stays this device.
    expect(await page.evaluate(() => localStorage.getItem("micro-cos.device"))).toBe(device);

    // Another user on the same browser, then offline: nothing of ivan's.
    await page.context().setOffline(false);
    await page.getByLabel("User id").fill("judy");
    await page.getByRole("button", { name: /log in/i }).click();
    await whenLive(page);
    await view(page, "Tasks");
    await page.context().setOffline(true);
    await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
    expect(await page.locator("body").innerText()).not.toContain("Ivan's secret plan");
    expect(await page.locator("body").innerText()).not.toContain("note this while offline");
    expect(await databases()).not.toContain("micro-cos-ivan");
    await page.context().setOffline(false);
  });

  it("[W33] with a message queued offline, Sign out asks what would be lost; “Stay signed in” keeps everything, and once sent, sign-out asks nothing", async () => {
    const page = await app.signIn("mona");
    const databases = () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ""));
    const outbox = () => page.evaluate(() => localStorage.getItem("micro-cos.outbox.mona"));
    await expect.poll(databases, { timeout: 10_000 }).toContain("micro-cos-mona");
    await page.context().setOffline(true);
    await view(page, "Chat");
    await page.getByLabel("Message").fill("call the plumber");
    await page.keyboard.press("Enter");
    await expect.poll(outbox, { timeout: 10_000 }).toContain("call the plumber");

    await page.getByRole("button", { name: "Account: mona" }).click();
    await page.locator("#account-menu").getByRole("button", { name: "Sign out" }).click();
    const dialog = page.getByRole("dialog", { name: "Sign out with changes not sent?" });
    await dialog.waitFor();
    const said = await dialog.innerText();
    expect(said).toContain("1 message not sent yet will be deleted from this browser.");
    expect(said).toContain("You are not connected");
    // The browser's modal: the rest of the page is inert, focus starts on the safe choice.
    expect(await page.evaluate(() => document.querySelector("dialog[open]")?.matches(":modal") ?? false)).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Stay signed in");
    for (const name of ["Sign out anyway", "Stay signed in"]) {
      const box = await dialog.getByRole("button", { name }).boundingBox();
      expect(box && box.height >= 44 && box.width >= 44).toBe(true);
    }
    const found = await seriousViolations(page);
    console.log(`[identity] axe sign-out dialog: ${found.length}${found.length ? ` ${found.join(" | ")}` : ""}`);
    expect(found).toEqual([]);
    await screenshot(page, "identity-09-sign-out-confirm");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "identity-10-sign-out-confirm-phone");
    await page.setViewportSize({ width: 1200, height: 800 });

    await dialog.getByRole("button", { name: "Stay signed in" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(new URL(page.url()).pathname).toBe("/chat");
    expect(await outbox()).toContain("call the plumber");
    expect(await page.evaluate(() => localStorage.getItem("micro-cos.token"))).not.toBeNull();
    expect(await databases()).toContain("micro-cos-mona");

    // Escape keeps the user signed in too.
    await page.getByRole("button", { name: "Account: mona" }).click();
    await page.locator("#account-menu").getByRole("button", { name: "Sign out" }).click();
    await dialog.waitFor();
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await outbox()).toContain("call the plumber");

    // Back online, the message goes out; then nothing is pending and Sign out does not ask.
    await page.context().setOffline(false);
    await whenLive(page);
    await expect.poll(outbox, { timeout: 15_000 }).not.toContain("call the plumber");
    await view(page, "Settings");
    await page.getByRole("main").getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login$/);
    expect(await page.getByRole("dialog").count()).toBe(0);
  });

  it("[W33] with nothing pending, Sign out leaves at once; the user's other tab learns of it and goes to sign-in, so the document is deleted", async () => {
    const page = await app.signIn("lena");
    const other = await page.context().newPage();
    await other.goto(`${app.server.url}/tasks`);
    await whenLive(other);
    const databases = () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ""));
    await expect.poll(databases, { timeout: 10_000 }).toContain("micro-cos-lena");

    await page.getByRole("button", { name: "Account: lena" }).click();
    await page.locator("#account-menu").getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login$/);
    expect(await page.getByRole("dialog").count()).toBe(0);
    // The other tab closes its connection to the document by leaving; until then the deletion would be blocked.
    await other.waitForURL(/\/login$/, { timeout: 10_000 });
    await expect.poll(databases, { timeout: 15_000 }).not.toContain("micro-cos-lena");
    expect(await other.evaluate(() => Object.keys(localStorage).filter((k) => k.includes("lena")))).toEqual([]);
    await page.context().close();
  });

  it("[W32][W34] Devices and Activity have no serious or critical axe violation, in light and dark", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const page = await app.signIn(`axe-identity-${colorScheme}`, { colorScheme });
      await taskCall(page, { action: "create", task: { title: "Buy milk" } });
      for (const name of ["Devices", "Activity"]) {
        await view(page, name);
        if (name === "Activity") await page.getByTestId("activity").getByText("added task “Buy milk”").waitFor({ timeout: 15_000 });
        const found = await seriousViolations(page);
        console.log(`[identity] axe ${name} ${colorScheme}: ${found.length}${found.length ? ` ${found.join(" | ")}` : ""}`);
        expect(found).toEqual([]);
        await screenshot(page, `identity-axe-${name.toLowerCase()}-${colorScheme}`);
      }
      await page.context().close();
    }
  });
});
