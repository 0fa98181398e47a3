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

const app = browserApp({ OFFLINE_TOKEN_DELAY_MS: "1", MESSAGES_PER_MINUTE: "1000", RATE_LIMIT_WRITES_PER_MINUTE: "1000", LLM_DAILY_TOKEN_BUDGET: "100000000" });

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

/** Sends messages over HTTP, one after another (their turns queue, C3), and waits for the last one's reply. */
async function say(page: Page, texts: string[]): Promise<string[]> {
  const call = apiOf(page);
  const sent: { messageId: string; turnId: string }[] = [];
  for (const text of texts) {
    const res = await call<{ messageId: string; turnId: string }>("POST", "/api/v1/message", { text });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    sent.push(res.body);
  }
  const last = sent.at(-1)!.turnId;
  await expect
    .poll(async () => (await call<State>("GET", "/api/v1/state")).body.recentMessages.some((m) => m.role === "assistant" && m.turnId === last), { timeout: 60_000, interval: 500 })
    .toBe(true);
  return sent.map((s) => s.messageId);
}

describe("Web app — search", () => {
  it("[W100][W102][W103][Q4] Ctrl+K, \"hotel\" finds an archived message with the word marked; Enter opens it in its conversation; a note opens by a phrase", async () => {
    const page = await app.signIn(`search-${Date.now().toString(36)}`, { colorScheme: "light", timezoneId: "Europe/Berlin" });
    const call = apiOf(page);
    // 51 more exchanges after it: the hotel message leaves the hot 100 (C12) and is only in history and the index.
    const [hotel] = await say(page, ["Booked the Hotel Adlon near the Brandenburg Gate for the Berlin trip", ...Array.from({ length: 51 }, (_, i) => `status update number ${i}`)]);
    const state = (await call<State>("GET", "/api/v1/state")).body;
    expect(state.recentMessages.some((m) => m.id === hotel)).toBe(false);
    const note = await call<{ id: string }>("POST", "/api/v1/notes", { action: "create", note: { title: "Gala packing", body: "Bring the blue suit and the red tie, and the suit bag" } });
    expect(note.status).toBe(201);

    await page.keyboard.press("Control+k");
    const dialog = page.getByTestId("search-dialog");
    const field = dialog.getByRole("combobox", { name: "Search" });
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    await field.fill("hotel");
    const results = dialog.getByTestId("search-result");
    await results.first().waitFor({ timeout: 15_000 });
    // The user's message (the assistant's reply may quote the hotel too); ↓ walks to it, the first is selected on open.
    const texts = await results.allTextContents();
    const at = texts.findIndex((t) => t.includes("Booked the Hotel Adlon"));
    expect(at, texts.join(" | ")).toBeGreaterThanOrEqual(0);
    const mine = results.nth(at);
    expect(await mine.locator("mark").allTextContents()).toEqual(["Hotel"]);
    expect(await results.first().getAttribute("aria-selected")).toBe("true");
    for (let i = 0; i < at; i++) await page.keyboard.press("ArrowDown");
    expect(await mine.getAttribute("aria-selected")).toBe("true");
    await screenshot(page, "search-hotel-light");
    {
      const findings = await axeFindings(page);
      expect(findings, report("search dialog, light", findings)).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: "dark" });
    await screenshot(page, "search-hotel-dark");
    {
      const findings = await axeFindings(page);
      expect(findings, report("search dialog, dark", findings)).toEqual([]);
    }
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
    await expect.poll(() => page.getByLabel("Note title").inputValue(), { timeout: 10_000 }).toBe("Gala packing");
    // Seeding 52 queued turns takes a while on a shared machine: the timeout only catches a hang.
  }, 240_000);

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
    {
      const findings = await axeFindings(page);
      expect(findings, report("search dialog, 390 px dark", findings)).toEqual([]);
    }
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });
});
