/**
 * Issue 16's "done when", in Chromium with the offline assistant (docs/PROTOCOL.md
 * W76–W81): "help me prepare for the half marathon on March 15" on the laptop
 * streams progress to both devices and proposes a plan of entries; half of them
 * rejected, one edited, the rest confirmed: exactly those are on the timeline
 * of both devices; the goals list counts them; Activity, filtered by the goal,
 * says why each was made.
 */
import type { BrowserContextOptions, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeFindings } from "./a11y.ts";
import { browserApp, screenshot } from "./browser.ts";
import { localDate } from "../../shared/dates.ts";
import { BrainStateSchema, EventsPageSchema } from "../../shared/api.ts";
import { readBlocks, readTasks } from "../../shared/doc-schema.ts";
import { parseLedgerEvent } from "../../shared/events.ts";
import { http, login, providerDevice } from "../integration/clients.ts";
import { blockOn, mouseDrag, ZONE } from "./timeline-helpers.ts";

const app = browserApp();
const desktop: BrowserContextOptions = { timezoneId: ZONE, viewport: { width: 1200, height: 900 } };

const view = async (page: Page, name: string) => {
  await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { name, level: 1 }).waitFor();
};

describe("Web app — the architect's plan on the timeline", () => {
  it("[W79][W80][W81][W76][W78] progress on both devices; half the entries accepted (one edited) land on both timelines; Activity says why", async () => {
    const laptop = await app.signIn("tl-architect", desktop);
    const phone = await app.signIn("tl-architect", { ...desktop, viewport: { width: 390, height: 844 } });
    await laptop.getByLabel("Message").fill("help me prepare for the half marathon on March 15");
    await laptop.keyboard.press("Enter");

    // W81: the progress line reaches both devices, and ends saying the plan is ready.
    for (const page of [laptop, phone]) await expect.poll(() => page.getByTestId("architect-progress").locator('[data-step="propose"]').count(), { timeout: 60_000 }).toBe(1);
    await screenshot(phone, "timeline-architect-progress-phone");

    // W79: the card of entries, on both devices.
    const card = laptop.getByTestId("proposal-entries").last();
    await card.waitFor({ timeout: 30_000 });
    await phone.getByTestId("proposal-entries").last().waitFor({ timeout: 30_000 });
    expect(await card.getByTestId("proposal-entry").count()).toBeGreaterThan(3);
    // B11: the goal row has no Reject (the goal comes with any accepted entry).
    const goalRow = card.getByTestId("proposal-entry").filter({ hasText: /^Goal/ });
    expect([await goalRow.count(), await goalRow.getByRole("button", { name: /^Reject:/ }).count(), await goalRow.getByRole("button", { name: /^Edit:/ }).count()]).toEqual([1, 0, 1]);
    const blockRows = card.getByTestId("proposal-entry").filter({ hasText: /^Block/ });
    const blocks = await blockRows.count();
    expect(blocks).toBeGreaterThanOrEqual(2);
    // Reject every other block; edit the first kept block's title.
    const blockIds = await blockRows.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-entry-id")!));
    const rejected = blockIds.filter((_, i) => i % 2 === 1);
    const kept = blockIds.filter((_, i) => i % 2 === 0);
    for (const id of rejected) await card.locator(`[data-entry-id="${id}"]`).getByRole("button", { name: /^Reject:/ }).click();
    const first = card.locator(`[data-entry-id="${kept[0]}"]`);
    await first.getByRole("button", { name: /^Edit:/ }).click();
    await first.getByLabel("Title").fill("Easy run, edited on the laptop");
    await first.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => first.innerText()).toContain("edited");
    // The entries as the room holds them (title and span), to compare with what lands in the document.
    const token = await login(app.server, "tl-architect");
    const api = http(app.server, token);
    const state = BrainStateSchema.parse((await api("GET", "/api/v1/state")).body);
    const entries = state.proposals.find((p) => p.entries?.some((e) => e.id === kept[0]))?.entries ?? [];
    const spanKey = (title: string, start: string | undefined, end: string | undefined) => `${title}|${Date.parse(start ?? "")}|${Date.parse(end ?? "")}`;
    const expected = kept.map((id) => entries.find((e) => e.id === id)!).map((e) => spanKey(e.id === kept[0] ? "Easy run, edited on the laptop" : e.title, e.start, e.end));
    await screenshot(laptop, "timeline-architect-card-reviewed");
    expect(await axeFindings(laptop)).toEqual([]);
    await card.getByRole("button", { name: /^Confirm \d+ of \d+$/ }).click();
    await expect.poll(() => phone.getByTestId("proposal-entries").last().getAttribute("data-status"), { timeout: 15_000 }).toBe("confirmed");

    // Exactly the kept blocks are in the user's document (read by a third device), the edit included.
    const reader = providerDevice(app.server, token, "reader");
    await reader.log.waitFor("welcome");
    await reader.roundTrip();
    const placed = readBlocks(reader.doc).filter((b) => b.source === "architect");
    // Exactly the accepted entries (edit applied), and exactly the blocks the confirm created (its ledger events).
    expect(placed.map((b) => spanKey(b.title, b.start, b.end)).sort()).toEqual(expected.sort());
    const page = EventsPageSchema.parse((await api("GET", "/api/v1/events?since=0&limit=1000")).body);
    const created = page.events.flatMap((e) => parseLedgerEvent(e) ?? []).flatMap((e) => (e.type === "block.created" ? [e.payload.block.id] : []));
    expect(readBlocks(reader.doc).map((b) => b.id).sort()).toEqual(created.sort());
    const edited = placed.find((b) => b.title === "Easy run, edited on the laptop");
    expect(edited, JSON.stringify(placed.map((b) => b.title))).toBeDefined();

    // W76: on both timelines, on its day; the goals list names the goal.
    const date = localDate(ZONE, new Date(edited!.start));
    for (const page of [laptop, phone]) {
      await view(page, "Timeline");
      await page.getByTestId("goal").filter({ hasText: /half marathon/i }).waitFor({ timeout: 15_000 });
      await page.goto(`${app.server.url}/timeline?view=day&date=${date}`);
      await page.locator(`[data-testid="timeline-block"][data-block-id="${edited!.id}"]`).waitFor({ timeout: 15_000 });
    }
    await screenshot(phone, "timeline-architect-day-phone");
    await laptop.goto(`${app.server.url}/timeline?view=week&date=${date}`);
    await laptop.getByTestId("timeline-grid").waitFor();
    await screenshot(laptop, "timeline-architect-week");
    await view(laptop, "Activity");
    const goalId = await laptop.getByRole("combobox", { name: "Goal" }).locator("option").nth(1).getAttribute("value");
    expect(goalId).toBeTruthy();
    await laptop.getByRole("combobox", { name: "Goal" }).selectOption(goalId!);
    await laptop.waitForURL(/goal=/);
    const rows = laptop.getByTestId("activity-row").filter({ hasText: /placed/ });
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(kept.length);
    await expect.poll(() => laptop.getByTestId("activity-row").filter({ hasText: "Easy run, edited on the laptop" }).count()).toBeGreaterThan(0);
    const why = rows.first().getByTestId("why");
    await why.locator("summary").click();
    await expect.poll(() => why.innerText()).toMatch(/sha-256 [0-9a-f]{12}…/);
    await screenshot(laptop, "timeline-architect-activity-why");
    expect(await axeFindings(laptop)).toEqual([]);

    // Undo the plan, after the user moved one accepted block: the untouched ones go on both devices, the moved one stays.
    const untouched = placed.find((b) => b.id !== edited!.id)!;
    await laptop.goto(`${app.server.url}/timeline?view=day&date=${date}`);
    await mouseDrag(laptop, blockOn(laptop, edited!.id).getByRole("button"), 60);
    await expect.poll(async () => { await reader.roundTrip(); return readBlocks(reader.doc).find((b) => b.id === edited!.id)?.start; }, { timeout: 15_000 }).not.toBe(edited!.start);
    const untouchedDate = localDate(ZONE, new Date(untouched.start));
    for (const page of [laptop, phone]) {
      await page.goto(`${app.server.url}/timeline?view=day&date=${untouchedDate}`);
      await blockOn(page, untouched.id).waitFor({ timeout: 15_000 });
    }
    await view(laptop, "Chat");
    const planReply = laptop.getByTestId("reply").filter({ has: laptop.getByTestId("proposal-entries") }).last();
    await planReply.getByRole("button", { name: "Undo" }).click();
    await planReply.getByText("Undone").waitFor({ timeout: 15_000 });
    // Back to that day in the app (history, no reload: the document in memory, nothing read before it synced).
    await laptop.goBack();
    await blockOn(laptop, untouched.id).or(laptop.getByTestId("timeline-grid")).first().waitFor();
    for (const page of [laptop, phone]) await expect.poll(() => blockOn(page, untouched.id).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(async () => { await reader.roundTrip(); return readBlocks(reader.doc).map((b) => b.id); }, { timeout: 15_000 }).toEqual([edited!.id]);
    // The accepted tasks, untouched since, are gone too.
    expect(readTasks(reader.doc).filter((t) => t.goalId !== undefined).map((t) => t.title)).toEqual([]);
    reader.close();
    await phone.goto(`${app.server.url}/timeline?view=day&date=${localDate(ZONE, new Date(edited!.start))}`);
    await blockOn(phone, edited!.id).waitFor({ timeout: 15_000 });
    await screenshot(phone, "timeline-architect-after-undo-phone");
  });
});
