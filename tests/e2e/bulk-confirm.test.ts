/**
 * "delete all my tasks" in the browser, on two devices of one user
 * (docs/PROTOCOL.md C14, C15, G7): the proposal lists the tasks on both,
 * nothing goes before a confirmation, and confirming on one device resolves
 * the card on the other at once — no Confirm button left behind.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserApp, screenshot } from "./browser.ts";

const TITLES = ["Buy milk", "Call John", "File taxes"];

describe("Web app — a bulk proposal on two devices", () => {
  const app = browserApp({ OFFLINE_TOKEN_DELAY_MS: "5" });
  const signIn = (userId: string) => app.signIn(userId, { viewport: { width: 1100, height: 800 } });

  const card = (page: Page) => page.getByTestId("action-card").filter({ hasText: "Delete 3 tasks" });
  const items = (page: Page) => card(page).getByTestId("action-items").locator("li").allInnerTexts();
  /** Adds tasks from the Tasks view's input, each seen in the list before the next. */
  async function addTasks(page: Page, titles: readonly string[]): Promise<void> {
    await page.getByRole("link", { name: "Tasks" }).click();
    for (const title of titles) {
      await page.getByLabel("New task").fill(title);
      await page.getByRole("button", { name: "Add" }).click();
      await page.getByTestId("tasks").filter({ hasText: title }).waitFor({ timeout: 15_000 });
    }
  }

  it("[C14][C15][G7] “delete all my tasks” lists them on both devices; confirming on one resolves the card on both, and the tasks go", async () => {
    const laptop = await signIn("bulk-hana");
    const phone = await signIn("bulk-hana");
    await addTasks(laptop, TITLES);
    await laptop.getByRole("link", { name: "Chat" }).click();
    await phone.getByRole("link", { name: "Chat" }).click();
    await laptop.getByLabel("Message").fill("delete all my tasks");
    await laptop.keyboard.press("Enter");

    // The same list, on both devices, waiting for a confirmation.
    for (const page of [laptop, phone]) {
      await card(page).and(page.locator('[data-status="proposed"]')).waitFor({ timeout: 20_000 });
      expect(await items(page)).toEqual(TITLES);
    }
    await expect.poll(() => laptop.getByTestId("reply").last().innerText(), { timeout: 20_000 }).toContain("Nothing changes until you confirm");
    await screenshot(laptop, "bulk-01-proposal-laptop");
    await screenshot(phone, "bulk-02-proposal-phone");
    // G7: nothing deleted yet.
    await phone.getByRole("link", { name: "Tasks" }).click();
    for (const title of TITLES) await phone.getByTestId("tasks").filter({ hasText: title }).waitFor({ timeout: 15_000 });
    await phone.getByRole("link", { name: "Chat" }).click();

    // Confirmed on the phone: the laptop, untouched, shows it confirmed with no Confirm button left.
    await card(phone).getByRole("button", { name: "Confirm", exact: true }).click();
    for (const page of [phone, laptop]) {
      await card(page).and(page.locator('[data-status="confirmed"]')).waitFor({ timeout: 15_000 });
      expect(await page.getByTestId("action-card").filter({ hasText: "Delete 3 tasks" }).count()).toBe(1);
      expect(await page.getByRole("button", { name: "Confirm", exact: true }).count()).toBe(0);
      expect(await items(page)).toEqual(TITLES);
    }
    await screenshot(laptop, "bulk-03-confirmed-elsewhere");

    await laptop.getByRole("link", { name: "Tasks" }).click();
    await laptop.getByTestId("tasks").filter({ hasText: "Nothing here." }).waitFor({ timeout: 15_000 });
    for (const title of TITLES) expect(await laptop.getByTestId("tasks").filter({ hasText: title }).count()).toBe(0);
    await screenshot(laptop, "bulk-04-tasks-gone");

    // Asked again with nothing left: a plain sentence, no card.
    await laptop.getByRole("link", { name: "Chat" }).click();
    await laptop.getByLabel("Message").fill("delete all my tasks");
    await laptop.keyboard.press("Enter");
    await expect.poll(() => laptop.getByTestId("reply").last().innerText(), { timeout: 20_000 }).toBe("You have no tasks to delete.");
    expect(await laptop.getByTestId("reply").last().getByTestId("action-card").count()).toBe(0);
  });

  it("[C15] cancelled on one device: the other shows it cancelled, not done, and nothing is deleted", async () => {
    const laptop = await signIn("bulk-ivo");
    const phone = await signIn("bulk-ivo");
    await addTasks(laptop, TITLES);
    await laptop.getByRole("link", { name: "Chat" }).click();
    await laptop.getByLabel("Message").fill("delete all my tasks");
    await laptop.keyboard.press("Enter");
    await card(phone).and(phone.locator('[data-status="proposed"]')).waitFor({ timeout: 20_000 });
    await card(laptop).getByRole("button", { name: "Cancel" }).click();
    for (const page of [laptop, phone]) {
      const cancelled = card(page).and(page.locator('[data-status="rejected"]'));
      await cancelled.waitFor({ timeout: 15_000 });
      expect(await cancelled.innerText()).toContain("cancelled");
      // Never a green check on a proposal that did not happen.
      expect(await cancelled.locator("svg.text-emerald-600").count()).toBe(0);
      expect(await page.getByRole("button", { name: "Confirm", exact: true }).count()).toBe(0);
    }
    await screenshot(phone, "bulk-05-cancelled-elsewhere");
    await phone.getByRole("link", { name: "Tasks" }).click();
    for (const title of TITLES) await phone.getByTestId("tasks").filter({ hasText: title }).waitFor({ timeout: 15_000 });
  });

  it("[C15][C8] a proposal nobody answers turns expired on the screen when its time passes: no Confirm button left to press", async () => {
    const laptop = await app.signIn("bulk-ida", { viewport: { width: 1100, height: 800 } }, true);
    await addTasks(laptop, ["Water the plants"]);
    await laptop.getByRole("link", { name: "Chat" }).click();
    await laptop.getByLabel("Message").fill("delete all my tasks");
    await laptop.keyboard.press("Enter");
    const proposal = laptop.getByTestId("action-card").filter({ hasText: "Water the plants" });
    await proposal.and(laptop.locator('[data-status="proposed"]')).waitFor({ timeout: 20_000 });
    expect(await proposal.getByRole("button", { name: "Confirm", exact: true }).count()).toBe(1);
    // Proposals expire after 10 minutes (C8); eleven minutes later in the page's clock.
    await laptop.clock.fastForward("11:00");
    await proposal.and(laptop.locator('[data-status="expired"]')).waitFor({ timeout: 15_000 });
    expect(await proposal.getByRole("button", { name: "Confirm", exact: true }).count()).toBe(0);
    await screenshot(laptop, "bulk-06-expired-on-screen");
  });
});
