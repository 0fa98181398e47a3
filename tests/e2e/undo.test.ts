import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserApp, screenshot } from "./browser.ts";

/** docs/PROTOCOL.md D15: the user takes back their own last change from a toast, on every device at once. */
describe("Web app — undo from the toast, as Todoist does", () => {
  const app = browserApp();

  async function signIn(userId: string): Promise<Page> {
    const page = await app.signIn(userId);
    await page.getByRole("link", { name: "Tasks" }).click();
    await page.getByRole("heading", { name: "Tasks" }).waitFor();
    return page;
  }

  const box = (page: Page, title: string) => page.getByLabel(`Done: ${title}`);
  const toast = (page: Page, label: string) => page.locator("[data-sonner-toast]").filter({ hasText: label });

  it("[D19][G3] complete a task → toast “Completed · Undo” → Undo → the task is open again on both devices", async () => {
    const laptop = await signIn("undo-ulla");
    const phone = await signIn("undo-ulla");
    await laptop.getByLabel("New task").fill("Book the hotel");
    await laptop.getByRole("button", { name: "Add" }).click();
    await box(phone, "Book the hotel").waitFor({ timeout: 15_000 });

    // Checked, it leaves the open list at once (no check() here: that waits for a checkbox that is gone).
    await box(laptop, "Book the hotel").click();
    const completed = toast(laptop, "Completed");
    await completed.getByRole("button", { name: "Undo" }).waitFor({ timeout: 10_000 });
    // The other device sees it done (under the "done" filter it leaves "all"): wait for the room to have it.
    await expect.poll(() => phone.getByTestId("tasks").filter({ hasText: "Book the hotel" }).count(), { timeout: 15_000 }).toBe(0);
    await screenshot(laptop, "undo-01-completed-toast");

    await completed.getByRole("button", { name: "Undo" }).click();
    for (const page of [laptop, phone]) {
      await box(page, "Book the hotel").waitFor({ timeout: 15_000 });
      await expect.poll(() => box(page, "Book the hotel").isChecked(), { timeout: 15_000 }).toBe(false);
    }
    await screenshot(phone, "undo-02-open-again-on-phone");
  });

  it("[D19] a deleted task comes back with Undo, on the other device too", async () => {
    const laptop = await signIn("undo-vera");
    const phone = await signIn("undo-vera");
    await laptop.getByLabel("New task").fill("Renew passport");
    await laptop.getByRole("button", { name: "Add" }).click();
    await box(phone, "Renew passport").waitFor({ timeout: 15_000 });
    await laptop.getByRole("button", { name: "Delete: Renew passport" }).click();
    await expect.poll(() => phone.getByTestId("tasks").filter({ hasText: "Renew passport" }).count(), { timeout: 15_000 }).toBe(0);
    await toast(laptop, "Deleted").getByRole("button", { name: "Undo" }).click();
    for (const page of [laptop, phone]) await box(page, "Renew passport").waitFor({ timeout: 15_000 });
    await screenshot(phone, "undo-03-deleted-and-back");
  });

  it("[D18][D9] undoing the assistant's turn keeps the task renamed on the phone, says so, and shows “Undone” on both devices", async () => {
    const laptop = await signIn("undo-wim");
    const phone = await signIn("undo-wim");
    for (const page of [laptop, phone]) await page.getByRole("link", { name: "Chat" }).click();
    await laptop.getByLabel("Message").fill("remind me to book the hotel tomorrow at 3pm");
    await laptop.keyboard.press("Enter");
    const reply = (page: Page) => page.getByTestId("reply").last();
    for (const page of [laptop, phone]) await reply(page).getByRole("button", { name: "Undo" }).waitFor({ timeout: 20_000 });

    await phone.getByRole("link", { name: "Tasks" }).click();
    await phone.getByRole("button", { name: "Book the hotel", exact: true }).dblclick();
    await phone.keyboard.press("ControlOrMeta+a");
    await phone.keyboard.type("Book the hotel near Fenway #travel");
    await phone.keyboard.press("Enter");
    await phone.getByRole("button", { name: "Book the hotel near Fenway", exact: true }).waitFor({ timeout: 15_000 });
    await phone.getByRole("link", { name: "Chat" }).click();

    await reply(laptop).getByRole("button", { name: "Undo" }).click();
    await toast(laptop, "Kept “Book the hotel near Fenway” because you edited it").waitFor({ timeout: 15_000 });
    for (const page of [laptop, phone]) {
      await reply(page).getByText("Undone", { exact: true }).waitFor({ timeout: 15_000 });
      expect(await reply(page).getByRole("button", { name: "Undo" }).count()).toBe(0);
    }
    await screenshot(laptop, "undo-04-turn-undone-kept");
    await phone.getByRole("link", { name: "Tasks" }).click();
    await box(phone, "Book the hotel near Fenway").waitFor({ timeout: 15_000 });
  });
});
