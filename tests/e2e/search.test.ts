/**
 * Search in Chromium (docs/PROTOCOL.md W100–W104, Q1–Q9): Ctrl+K opens the
 * dialog; "hotel" finds a message that has left the hot 100 (archived) with
 * its word highlighted, and Enter opens it in its conversation; a note is
 * found by a quoted phrase and opens in Notes; the kind chips filter; it works
 * at 390 px; axe passes in light and dark.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeFindings, report } from "./a11y.ts";
import { browserApp, screenshot } from "./browser.ts";

const app = browserApp({ OFFLINE_TOKEN_DELAY_MS: "1", MESSAGES_PER_MINUTE: "1000", RATE_LIMIT_WRITES_PER_MINUTE: "1000" });

type State = { recentMessages: { id: string; role: string; text: string; turnId?: string; status: string }[] };

/** The page's own session calls the API (the same token the app uses). */
function apiOf(page: Page) {
  return async <T,>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> =>
    page.evaluate(
      async ({ method, path, body }) => {
        const token = localStorage.getItem("micro-cos.token") ?? "";
        const res = await fetch(path, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: await res.json() };
      },
      { method, path, body },
    );
}

/** Sends a message over HTTP and waits for its turn's reply (the offline assistant answers each one). */
async function say(page: Page, text: string): Promise<string> {
  const call = apiOf(page);
  const sent = await call<{ messageId: string; turnId: string }>("POST", "/api/v1/message", { text });
  expect(sent.status, JSON.stringify(sent.body)).toBe(202);
  await expect
    .poll(async () => (await call<State>("GET", "/api/v1/state")).body.recentMessages.some((m) => m.role === "assistant" && m.turnId === sent.body.turnId && m.status !== undefined), { timeout: 20_000 })
    .toBe(true);
  return sent.body.messageId;
}

describe("Web app — search", () => {
  it("[W100][W102][W103][Q4] Ctrl+K, \"hotel\" finds an archived message with the word marked; Enter opens it in its conversation; a note opens by a phrase", async () => {
    const page = await app.signIn(`search-${Date.now().toString(36)}`, { colorScheme: "light", timezoneId: "Europe/Berlin" });
    const call = apiOf(page);
    const hotel = await say(page, "Booked the Hotel Adlon near the Brandenburg Gate for the Berlin trip");
    // 51 more exchanges: the hotel message leaves the hot 100 (C12) and is only in history and the index.
    for (let i = 0; i < 51; i++) await say(page, `status update number ${i}`);
    const state = (await call<State>("GET", "/api/v1/state")).body;
    expect(state.recentMessages.some((m) => m.id === hotel)).toBe(false);
    const note = await call<{ id: string }>("POST", "/api/v1/notes", { action: "create", note: { title: "Gala packing", body: "Bring the blue suit and the red tie, and the suit bag" } });
    expect(note.status).toBe(201);

    await page.keyboard.press("Control+k");
    const dialog = page.getByTestId("search-dialog");
    const field = dialog.getByRole("combobox", { name: "Search" });
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    await field.fill("hotel");
    const first = dialog.getByTestId("search-result").first();
    await first.waitFor({ timeout: 15_000 });
    expect(await dialog.getByTestId("search-result").count()).toBe(1);
    expect(await first.locator("mark").allTextContents()).toEqual(["Hotel"]);
    expect(await first.textContent()).toContain("Booked the Hotel Adlon");
    expect(await first.getAttribute("aria-selected")).toBe("true");
    await screenshot(page, "search-hotel-light");
    expect(report("search dialog, light", await axeFindings(page))).toBe("");
    await page.emulateMedia({ colorScheme: "dark" });
    await screenshot(page, "search-hotel-dark");
    expect(report("search dialog, dark", await axeFindings(page))).toBe("");
    await page.emulateMedia({ colorScheme: "light" });

    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === "/chat" && url.searchParams.get("message") === hotel && url.searchParams.get("c") === "main", { timeout: 10_000 });
    expect(await dialog.isVisible()).toBe(false);

    // A phrase: only the note with "blue suit" in that order; the Notes chip narrows to notes; Enter opens it.
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await field.fill('"blue suit"');
    await dialog.getByTestId("search-result").filter({ hasText: "Gala packing" }).waitFor({ timeout: 15_000 });
    await dialog.getByRole("button", { name: "Notes" }).click();
    await expect.poll(() => dialog.getByTestId("search-status").textContent()).toBe("1 result");
    await field.fill('"suit blue"');
    await expect.poll(() => dialog.getByTestId("search-status").textContent()).toBe("No results for “\"suit blue\"”.");
    await field.fill('"blue suit"');
    await expect.poll(() => dialog.getByTestId("search-status").textContent()).toBe("1 result");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === "/notes" && url.searchParams.get("note") === note.body.id, { timeout: 10_000 });
    await expect.poll(() => page.getByRole("textbox", { name: /title/i }).first().inputValue(), { timeout: 10_000 }).toBe("Gala packing");
  });

  it("[W101][W104] at 390 px: the header's button opens it, chips scroll, results fit the screen, Escape closes", async () => {
    const page = await app.signIn(`search-phone-${Date.now().toString(36)}`, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: "dark" });
    const call = apiOf(page);
    await call("POST", "/api/v1/tasks", { action: "create", task: { title: "Call the hotel about the late checkout", tags: ["trip"] } });
    await call("POST", "/api/v1/memory/pin", { type: "place", key: "favourite hotel", value: "Hotel Adlon, Berlin" });
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const dialog = page.getByTestId("search-dialog");
    await dialog.getByRole("combobox", { name: "Search" }).fill("hot");
    await expect.poll(() => dialog.getByTestId("search-status").textContent(), { timeout: 15_000 }).toBe("2 results");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    const box = await dialog.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    await dialog.getByRole("button", { name: "Tasks" }).click();
    await expect.poll(() => dialog.getByTestId("search-status").textContent()).toBe("1 result");
    await screenshot(page, "search-phone-dark");
    expect(report("search dialog, 390 px dark", await axeFindings(page))).toBe("");
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });
});
