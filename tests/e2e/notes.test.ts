/**
 * Notes (docs/PROTOCOL.md W24), with two browser contexts as two devices of
 * one user: search by title and body, pinned first, delete with Undo on both
 * devices, markdown preview, rename with Escape cancelling, a labelled editor,
 * cursors in each device's colour with its name; axe in light and dark;
 * screenshots at desktop and phone width.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { cursorColor } from "../../web/lib/cursor-color.ts";
import { browserApp, screenshot } from "./browser.ts";
import { expectAxeClean, toast } from "./tasks-helpers.ts";

describe("Web app — Notes", () => {
  const app = browserApp();

  async function device(userId: string): Promise<Page> {
    const page = await app.signIn(userId);
    await page.getByRole("link", { name: "Notes" }).first().click();
    await page.getByRole("heading", { name: "Notes", level: 1 }).waitFor();
    return page;
  }

  /** Makes a note with this title and body through the editor, as the user would. */
  async function write(page: Page, title: string, body: string): Promise<string> {
    await page.getByRole("button", { name: "New note" }).click();
    await page.waitForURL(/note=/);
    const id = new URL(page.url()).searchParams.get("note")!;
    const name = page.getByLabel("Note title");
    await name.fill(title);
    await name.press("Enter");
    await page.getByRole("textbox", { name: "Note body" }).click();
    await page.keyboard.type(body);
    await listed(page).filter({ hasText: title }).waitFor();
    return id;
  }
  const listed = (page: Page) => page.getByTestId("notes").locator("li");
  const listTitles = (page: Page) => page.getByTestId("note-title").allInnerTexts();

  it("[W24] search by title and body, pinned first, delete and Undo on both devices", async () => {
    const laptop = await device("notes-list");
    const phone = await device("notes-list");
    await write(laptop, "Groceries", "eggs, oat milk");
    await write(laptop, "Trip to Lisbon", "Book the café near the river");
    await write(laptop, "Ideas", "A garden with tomatoes");
    await expect.poll(() => listTitles(phone), { timeout: 15_000 }).toHaveLength(3);

    await laptop.getByLabel("Search notes").fill("river");
    await expect.poll(() => listTitles(laptop)).toEqual(["Trip to Lisbon"]);
    await laptop.getByLabel("Search notes").fill("IDEAS");
    await expect.poll(() => listTitles(laptop)).toEqual(["Ideas"]);
    await laptop.getByLabel("Search notes").fill("nothing like this");
    await listed(laptop).filter({ hasText: "No note matches" }).waitFor();
    await laptop.getByLabel("Search notes").fill("");

    // Pin the oldest: it goes first, on the other device too.
    await listed(laptop).filter({ hasText: "Groceries" }).getByRole("link").click();
    await laptop.getByRole("button", { name: "Pin note" }).click();
    for (const page of [laptop, phone]) await expect.poll(async () => (await listTitles(page))[0], { timeout: 15_000 }).toBe("Groceries");
    expect(await laptop.getByRole("button", { name: "Unpin note" }).getAttribute("aria-pressed")).toBe("true");
    await screenshot(laptop, "notes-01-pinned");

    // Delete from the laptop: gone on the phone; Undo brings it back, body and pin included.
    await laptop.getByRole("button", { name: "Delete note" }).click();
    const deleted = toast(laptop, "Deleted");
    await deleted.getByRole("button", { name: "Undo" }).waitFor({ timeout: 10_000 });
    for (const page of [laptop, phone]) await expect.poll(() => listTitles(page), { timeout: 15_000 }).not.toContain("Groceries");
    await deleted.getByRole("button", { name: "Undo" }).click();
    for (const page of [laptop, phone]) await expect.poll(async () => (await listTitles(page))[0], { timeout: 15_000 }).toBe("Groceries");
    await listed(phone).filter({ hasText: "Groceries" }).getByRole("link").click();
    await expect.poll(() => phone.getByRole("textbox", { name: "Note body" }).innerText(), { timeout: 15_000 }).toContain("eggs, oat milk");
    await phone.getByRole("button", { name: "Unpin note" }).waitFor();
  });

  it("[W24] rename: Escape cancels, Enter saves; markdown preview; a labelled editor; cursors in the device's colour with its name", async () => {
    const laptop = await device("notes-edit");
    const phone = await device("notes-edit");
    await write(laptop, "Weekly review", "# Wins\n- shipped the **tasks** view\n");
    await phone.goto(laptop.url());
    await phone.getByRole("textbox", { name: "Note body" }).waitFor();

    const title = laptop.getByLabel("Note title");
    await title.fill("Something else");
    await title.press("Escape");
    await expect.poll(() => title.inputValue()).toBe("Weekly review");
    await expect.poll(() => listTitles(phone), { timeout: 5_000 }).toEqual(["Weekly review"]);
    await title.fill("Weekly review, week 49");
    await title.press("Enter");
    await expect.poll(() => listTitles(phone), { timeout: 15_000 }).toEqual(["Weekly review, week 49"]);

    await laptop.getByRole("button", { name: "Preview" }).click();
    const preview = laptop.getByTestId("note-preview");
    await preview.getByRole("heading", { name: "Wins" }).waitFor();
    expect(await preview.locator("strong").innerText()).toBe("tasks");
    await screenshot(laptop, "notes-02-preview");
    await laptop.getByRole("button", { name: "Preview" }).click();
    await laptop.getByRole("textbox", { name: "Note body" }).waitFor();

    // The phone's cursor shows on the laptop in the phone's colour, named after the phone.
    const phoneId = await phone.evaluate(() => localStorage.getItem("micro-cos.device")!);
    await phone.getByRole("textbox", { name: "Note body" }).click();
    await phone.keyboard.press("End");
    await phone.keyboard.type(" From the phone.");
    const caret = laptop.locator(".cm-ySelectionCaret").first();
    await caret.waitFor({ state: "attached", timeout: 15_000 });
    const shown = await caret.evaluate((el) => ({ color: getComputedStyle(el).borderLeftColor, name: el.querySelector(".cm-ySelectionInfo")?.textContent ?? "" }));
    const hex = cursorColor(phoneId);
    const rgb = `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
    expect(shown.color).toBe(rgb);
    const phoneName = await phone.evaluate(() => localStorage.getItem("micro-cos.device-name"));
    expect(shown.name).toMatch(phoneName ? new RegExp(phoneName) : /\S/);
    expect(shown.name).not.toBe("");
    await screenshot(laptop, "notes-03-cursors");
  });

  it("[W24] axe finds nothing serious on Notes in light and dark; screenshots at desktop and phone width", async () => {
    const page = await device("notes-look");
    await write(page, "Reading list", "- *Thinking, Fast and Slow*\n- The Pragmatic Programmer\n");
    await write(page, "Groceries", "eggs, milk, bread");
    await page.getByRole("button", { name: "Pin note" }).click();
    await expectAxeClean(page, "Notes, light");
    await screenshot(page, "notes-04-desktop-light");
    await page.emulateMedia({ colorScheme: "dark" });
    await expectAxeClean(page, "Notes, dark");
    await screenshot(page, "notes-05-desktop-dark");
    await page.getByRole("button", { name: "Preview" }).click();
    await expectAxeClean(page, "Notes, preview, dark");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: "light" });
    await screenshot(page, "notes-06-phone-note");
    await page.getByRole("link", { name: "All notes" }).click();
    await page.getByLabel("Search notes").waitFor();
    await screenshot(page, "notes-07-phone-list");
    await expectAxeClean(page, "Notes, phone");
  });
});
