/**
 * The timeline in Chromium (docs/PROTOCOL.md W70–W77): two browser contexts
 * of one user as two devices — a block dragged on one moves on the other; the
 * keyboard moves and resizes it and says so; at phone width (390 px) a touch
 * drag moves it everywhere; axe finds nothing in light or dark. Screenshots in
 * tests/e2e/screenshots/timeline-*.png.
 */
import type { BrowserContextOptions, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { AXE_TAGS, axeFindings, smallTargets } from "./a11y.ts";
import { browserApp, screenshot } from "./browser.ts";
import { block, blockLabel, blockOn, mouseDrag, seed, todayAt, touchDrag, ZONE } from "./timeline-helpers.ts";

const app = browserApp();
const desktop: BrowserContextOptions = { timezoneId: ZONE, viewport: { width: 1200, height: 900 } };
const phone: BrowserContextOptions = { timezoneId: ZONE, viewport: { width: 390, height: 844 }, hasTouch: true };

async function openTimeline(page: Page, search = "") {
  await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "Timeline", exact: true }).click();
  await page.getByRole("heading", { name: "Timeline", level: 1 }).waitFor();
  if (search) await page.goto(`${app.server.url}/timeline${search}`);
  await page.getByTestId("timeline-grid").waitFor();
}

/** The label once it reads `expected` (the other device's copy follows the document). */
const labelBecomes = (page: Page, id: string, expected: string) => expect.poll(() => blockLabel(page, id), { timeout: 15_000 }).toBe(expected);

describe("Web app — the timeline", () => {
  it("[W73][W74][G3] a block dragged on one device moves on the other; ↓ and Shift+↓ move and resize it, announced", async () => {
    const user = "tl-two";
    await seed(app.server, user, { blocks: [block("b-run", "Easy run", todayAt(10).iso, todayAt(11).iso, { source: "architect" })] });
    const laptop = await app.signIn(user, desktop);
    const other = await app.signIn(user, desktop);
    await openTimeline(laptop);
    await openTimeline(other);
    await labelBecomes(laptop, "b-run", "Easy run, 10:00 AM – 11:00 AM");
    await labelBecomes(other, "b-run", "Easy run, 10:00 AM – 11:00 AM");
    await screenshot(laptop, "timeline-day-before-drag");

    // 60 px = 60 minutes at this scale (an hour is 60 px).
    await mouseDrag(laptop, blockOn(laptop, "b-run").getByRole("button"), 60);
    await labelBecomes(laptop, "b-run", "Easy run, 11:00 AM – 12:00 PM");
    await labelBecomes(other, "b-run", "Easy run, 11:00 AM – 12:00 PM");
    await screenshot(other, "timeline-day-after-drag-other-device");

    // Resize by its bottom edge: 30 px longer.
    await mouseDrag(laptop, blockOn(laptop, "b-run").getByTestId("block-resize"), 30);
    await labelBecomes(other, "b-run", "Easy run, 11:00 AM – 12:30 PM");

    // Keyboard on the other device: ↓ moves 15 minutes, Shift+↓ ends 15 minutes later.
    await blockOn(other, "b-run").getByRole("button").focus();
    await other.keyboard.press("ArrowDown");
    await expect.poll(() => other.getByTestId("timeline-said").innerText()).toMatch(/^Easy run moved to .*, 11:15 AM – 12:45 PM$/);
    await other.keyboard.press("Shift+ArrowDown");
    await labelBecomes(laptop, "b-run", "Easy run, 11:15 AM – 1:00 PM");
    await other.keyboard.press("Shift+ArrowUp");
    await other.keyboard.press("ArrowUp");
    await labelBecomes(laptop, "b-run", "Easy run, 11:00 AM – 12:30 PM");
    // Focus stays on the block after it moved, so the keys keep working.
    expect(await other.evaluate(() => document.activeElement?.closest("[data-block-id]")?.getAttribute("data-block-id"))).toBe("b-run");

    // Week view: ←/→ move it a day (toward the middle of the week, whichever day today is); the other device's day no longer has it.
    const today = todayAt(0).date;
    await laptop.goto(`${app.server.url}/timeline?view=week&date=${today}`);
    await blockOn(laptop, "b-run").waitFor();
    const monday = new Date(`${today}T12:00:00Z`).getUTCDay() === 1;
    await blockOn(laptop, "b-run").getByRole("button").focus();
    await laptop.keyboard.press(monday ? "ArrowRight" : "ArrowLeft");
    const moved = laptop.locator('[data-testid="timeline-day"]').filter({ has: blockOn(laptop, "b-run") });
    await expect.poll(() => moved.getAttribute("data-date")).not.toBe(today);
    // W74: focus follows the block into the other day's column, so ←/→ keep working.
    const focused = () => laptop.evaluate(() => `${document.activeElement?.closest("[data-testid=timeline-day]")?.getAttribute("data-date")}/${document.activeElement?.closest("[data-block-id]")?.getAttribute("data-block-id")}`);
    const movedTo = await moved.getAttribute("data-date");
    await expect.poll(focused).toBe(`${movedTo}/b-run`);
    await laptop.keyboard.press(monday ? "ArrowLeft" : "ArrowRight");
    await expect.poll(() => moved.getAttribute("data-date")).toBe(today);
    await expect.poll(focused).toBe(`${today}/b-run`);
    await laptop.keyboard.press(monday ? "ArrowRight" : "ArrowLeft");
    await expect.poll(() => moved.getAttribute("data-date")).toBe(movedTo);
    await expect.poll(focused).toBe(`${movedTo}/b-run`);
    await expect.poll(() => blockOn(other, "b-run").count(), { timeout: 15_000 }).toBe(0);
    await screenshot(laptop, "timeline-week-after-key-move");
  });

  it("[W75][W51] phone width: one column, a touch drag moves the block on the laptop too; the week shows one day at a time", async () => {
    const user = "tl-phone";
    const today = todayAt(9);
    await seed(app.server, user, { blocks: [block("b-read", "Read chapter 3", todayAt(9).iso, todayAt(10).iso)] });
    const laptop = await app.signIn(user, desktop);
    const handset = await app.signIn(user, phone);
    await openTimeline(laptop);
    await openTimeline(handset);
    await labelBecomes(handset, "b-read", "Read chapter 3, 9:00 AM – 10:00 AM");
    await expect.poll(() => handset.getByTestId("timeline-day").count()).toBe(1);
    await touchDrag(handset, "b-read", 90);
    await labelBecomes(handset, "b-read", "Read chapter 3, 10:30 AM – 11:30 AM");
    await labelBecomes(laptop, "b-read", "Read chapter 3, 10:30 AM – 11:30 AM");
    await screenshot(handset, "timeline-phone-after-touch-drag");
    expect(await smallTargets(handset)).toEqual([]);

    await handset.goto(`${app.server.url}/timeline?view=week&date=${today.date}`);
    await handset.getByTestId("timeline-grid").waitFor();
    const visible = await handset.getByTestId("timeline-day").evaluateAll((days) => days.filter((d) => d.checkVisibility()).map((d) => d.getAttribute("data-date")));
    expect(visible).toEqual([today.date]);
    await screenshot(handset, "timeline-phone-week");
  });

  it("[W52][W76] axe finds nothing on the day and week views with goals, light and dark", async () => {
    const user = "tl-axe";
    const stamp = "2026-01-01T00:00:00.000Z";
    await seed(app.server, user, {
      goals: [{ id: "g-half", title: "Half marathon", targetDate: "2027-03-15", status: "active", taskIds: ["t-shoes", "t-plan"], createdAt: stamp, updatedAt: stamp, createdBy: "user:seed" }],
      tasks: [
        { id: "t-shoes", title: "Buy running shoes", status: "done", due: null, tags: [], order: 1, createdAt: stamp, updatedAt: stamp, createdBy: "user:seed", goalId: "g-half" },
        { id: "t-plan", title: "Pick a training plan", status: "open", due: todayAt(16).iso, tags: [], order: 2, createdAt: stamp, updatedAt: stamp, createdBy: "user:seed", goalId: "g-half" },
      ],
      blocks: [
        block("b-1", "Easy run 5 km", todayAt(7).iso, todayAt(8).iso, { source: "architect", goalId: "g-half" }),
        block("b-2", "Deep work", todayAt(7, 30).iso, todayAt(9, 30).iso),
        block("b-3", "Stretching", todayAt(12).iso, todayAt(12, 30).iso, { goalId: "g-half" }),
      ],
    });
    const findings: string[] = [];
    for (const colorScheme of ["light", "dark"] as const) {
      const page = await app.signIn(user, { ...desktop, colorScheme });
      await openTimeline(page);
      await page.getByTestId("goal").filter({ hasText: "Half marathon" }).waitFor();
      await expect.poll(() => page.getByTestId("goal-progress").innerText()).toMatch(/^1 of 2 tasks done · [1-3] blocks? this week/);
      await expect.poll(() => page.getByTestId("timeline-block").count()).toBe(3);
      findings.push(...(await axeFindings(page)).map((f) => `${colorScheme} day: ${f}`));
      await screenshot(page, `timeline-day-${colorScheme}`);
      await page.getByRole("link", { name: "Week", exact: true }).click();
      await expect.poll(() => page.getByTestId("timeline-day").count()).toBe(7);
      findings.push(...(await axeFindings(page)).map((f) => `${colorScheme} week: ${f}`));
      await screenshot(page, `timeline-week-${colorScheme}`);
      await page.context().close();
    }
    expect(findings, `axe (${AXE_TAGS.join(", ")})`).toEqual([]);
  });
});
