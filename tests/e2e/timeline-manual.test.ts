/**
 * Blocks and goals by hand, in Chromium (docs/PROTOCOL.md W82, W83): a block
 * placed from "New block" (keyboard) and from a click on an empty slot, edited
 * with Enter, deleted with Delete and brought back with the toast's Undo — each
 * seen on a second device, so the room kept what this device wrote (doc-watch
 * repairs invalid entries); a goal renamed, marked done and dropped.
 * Screenshots in tests/e2e/screenshots/timeline-manual-*.png.
 */
import type { BrowserContextOptions, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { readBlocks } from "../../shared/doc-schema.ts";
import { axeFindings } from "./a11y.ts";
import { browserApp, screenshot } from "./browser.ts";
import { login, providerDevice } from "../integration/clients.ts";
import { blockLabel, seed, todayAt, ZONE } from "./timeline-helpers.ts";

const app = browserApp();
const desktop: BrowserContextOptions = { timezoneId: ZONE, viewport: { width: 1200, height: 900 } };
const STAMP = "2026-01-01T00:00:00.000Z";

async function openTimeline(page: Page) {
  await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "Timeline", exact: true }).click();
  await page.getByTestId("timeline-grid").waitFor();
}
const labels = (page: Page) => page.locator('[data-testid="timeline-block"] [role="button"]').evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
const idOf = (page: Page, title: string) => page.locator('[data-testid="timeline-block"]').filter({ hasText: title }).getAttribute("data-block-id");

describe("Web app — blocks and goals by hand", () => {
  it("[W82] a block placed, edited and deleted by hand shows on the other device; Undo brings it back; a slot's click opens the form there", async () => {
    const user = "tl-manual";
    const today = todayAt(0).date;
    const laptop = await app.signIn(user, desktop);
    const other = await app.signIn(user, desktop);
    await openTimeline(laptop);
    await openTimeline(other);

    // "New block" from the keyboard: the form, filled and sent with Enter.
    await laptop.getByRole("button", { name: "New block" }).focus();
    await laptop.keyboard.press("Enter");
    const dialog = laptop.getByTestId("block-dialog");
    await dialog.getByLabel("Title").fill("Dentist");
    await dialog.getByLabel("Date").fill(today);
    await dialog.getByLabel("Start").fill("14:00");
    await dialog.getByLabel("End").fill("15:00");
    await screenshot(laptop, "timeline-manual-new-block-form");
    expect(await axeFindings(laptop)).toEqual([]);
    await dialog.getByLabel("End").press("Enter");
    await expect.poll(() => labels(other), { timeout: 15_000 }).toEqual(["Dentist, 2:00 PM – 3:00 PM"]);
    const id = await idOf(laptop, "Dentist");

    // In the room's document, as written: source "user", made by this device (a third device reads it).
    const reader = providerDevice(app.server, await login(app.server, user), "reader");
    await reader.log.waitFor("welcome");
    await reader.roundTrip();
    const stored = readBlocks(reader.doc);
    reader.close();
    expect(stored.map((b) => [b.id, b.title, b.source, b.createdBy.startsWith("user:")])).toEqual([[id, "Dentist", "user", true]]);

    // A click on an empty slot (4:10 PM): the form opens on 4:00–5:00 PM of that day.
    // An hour is 60 px from the day's start (not a DST day unless the run happens on one); Playwright scrolls the point into view.
    const column = laptop.getByTestId("timeline-day");
    const width = (await column.boundingBox())!.width;
    await column.click({ position: { x: width - 20, y: 16 * 60 + 10 } });
    await expect.poll(() => dialog.getByLabel("Start").inputValue(), { timeout: 10_000 }).toBe("16:00");
    expect([await dialog.getByLabel("End").inputValue(), await dialog.getByLabel("Date").inputValue(), await dialog.getByLabel("Title").inputValue()]).toEqual(["17:00", today, ""]);
    await laptop.keyboard.press("Escape");
    await expect.poll(() => dialog.isVisible(), { timeout: 10_000 }).toBe(false);

    // Enter on the block: its form; renamed and made longer, on the other device too.
    await laptop.locator(`[data-block-id="${id}"] [role="button"]`).focus();
    await laptop.keyboard.press("Enter");
    await expect.poll(() => dialog.getByLabel("Title").inputValue(), { timeout: 10_000 }).toBe("Dentist");
    await dialog.getByLabel("Title").fill("Dentist, check-up");
    await dialog.getByLabel("End").fill("15:30");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => blockLabel(other, id!), { timeout: 15_000 }).toBe("Dentist, check-up, 2:00 PM – 3:30 PM");

    // Delete on the focused block: gone on both; the toast's Undo brings it back everywhere.
    await laptop.locator(`[data-block-id="${id}"] [role="button"]`).focus();
    await laptop.keyboard.press("Delete");
    await expect.poll(() => labels(other), { timeout: 15_000 }).toEqual([]);
    await laptop.getByText(`Deleted “Dentist, check-up”`).waitFor({ timeout: 10_000 });
    await screenshot(laptop, "timeline-manual-deleted-undo-toast");
    await laptop.getByRole("button", { name: "Undo" }).click();
    await expect.poll(() => labels(other), { timeout: 15_000 }).toEqual(["Dentist, check-up, 2:00 PM – 3:30 PM"]);
    await screenshot(other, "timeline-manual-after-undo-other-device");
  });

  it("[W83] a goal renamed, marked done and dropped by hand, on the other device too", async () => {
    const user = "tl-goal-edit";
    await seed(app.server, user, { goals: [{ id: "g-10k", title: "Run a 10k", targetDate: null, status: "active", taskIds: [], createdAt: STAMP, updatedAt: STAMP, createdBy: "user:seed" }] });
    const laptop = await app.signIn(user, desktop);
    const other = await app.signIn(user, desktop);
    await openTimeline(laptop);
    await openTimeline(other);
    const goalOn = (page: Page) => page.locator('[data-testid="goal"][data-goal-id="g-10k"]');
    await goalOn(laptop).waitFor();

    await laptop.getByRole("button", { name: "Rename Run a 10k" }).click();
    await laptop.getByLabel("New name for Run a 10k").fill("Run a 10k under an hour");
    await laptop.keyboard.press("Enter");
    await expect.poll(() => goalOn(other).innerText(), { timeout: 15_000 }).toContain("Run a 10k under an hour");

    await laptop.getByRole("button", { name: "Mark Run a 10k under an hour done" }).click();
    await expect.poll(() => goalOn(other).locator(".line-through").count(), { timeout: 15_000 }).toBe(1);
    await screenshot(other, "timeline-manual-goal-done");
    await laptop.getByRole("button", { name: "Drop Run a 10k under an hour" }).click();
    await expect.poll(() => goalOn(other).count(), { timeout: 15_000 }).toBe(0);
  });
});
