/**
 * Search in Chromium (docs/PROTOCOL.md W100–W104, Q1–Q9): Ctrl+K opens the
 * dialog; "hotel" finds a 40-day-old message that has left the hot 100
 * (archived, seeded through the real import) with its word highlighted and
 * its thread's title, the date chips narrow, and Enter opens it in its thread; a note is
 * found by a quoted phrase and opens in Notes; the kind chips filter; it works
 * at 390 px; axe passes in light and dark.
 */
import { strToU8, zipSync } from "fflate";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
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

/**
 * W104: the room's history arrives through the real import (U6–U12), so no turn is waited for: a
 * thread "Berlin trip" whose hotel message is 40 days old, then 100 newer messages in main, which
 * push it out of the hot 100 — an archived message, found only through the index.
 */
async function seedHistory(page: Page, now: number): Promise<{ hotel: string }> {
  const call = apiOf(page);
  const { preferences } = (await call<{ preferences: unknown }>("GET", "/api/v1/state")).body;
  const day = 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const trip = { id: "trip", title: "Berlin trip", createdAt: iso(now - 41 * day), updatedAt: iso(now - 40 * day), archived: false };
  const hotel = { id: "msg-hotel", role: "user", text: "Booked the Hotel Adlon near the Brandenburg Gate for the Berlin trip", channel: "chat", status: "complete", createdAt: iso(now - 40 * day), conversationId: "trip", parentId: null };
  const fillers = Array.from({ length: 100 }, (_, i) => ({ id: `msg-filler-${i}`, role: "user", text: `status update number ${i}`, channel: "chat", status: "complete", createdAt: iso(now - day + i * 60_000) }));
  const bodies = [
    { type: "conversation.created", payload: { conversation: trip }, at: trip.createdAt },
    { type: "message.added", payload: { message: hotel }, at: hotel.createdAt },
    ...fillers.map((m) => ({ type: "message.added", payload: { message: m }, at: m.createdAt })),
  ];
  const ledger = bodies.map((b, i) => ({ id: `seed-event-${i}`, seq: i + 1, ts: b.at, actor: { kind: "user" }, correlationId: `seed-${i}`, type: b.type, payload: b.payload }));
  const archive = {
    format: "micro-cos-export",
    version: 1,
    exportedAt: iso(now),
    userId: "seed",
    ledger,
    document: Buffer.from(Y.encodeStateAsUpdate(new Y.Doc())).toString("base64"),
    conversations: [trip],
    messages: [hotel, ...fillers],
    memories: [],
    preferences,
    plans: [],
    reminders: [],
  };
  const zip = Array.from(zipSync({ "export.json": strToU8(JSON.stringify(archive)) }));
  const imported = await page.evaluate(async (bytes) => {
    const token = localStorage.getItem("micro-cos.token") ?? "";
    const res = await fetch("/api/v1/import", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/zip" }, body: new Uint8Array(bytes) });
    return { status: res.status, body: await res.text() };
  }, zip);
  expect(imported.status, imported.body).toBe(200);
  return { hotel: hotel.id };
}

describe("Web app — search", () => {
  it("[W100][W101][W102][W103][Q4] Ctrl+K, \"hotel\" finds a 40-day-old archived message under its thread's title; the date chips narrow; Enter opens it in its thread; a note opens by a phrase", async () => {
    const page = await app.signIn(`search-${Date.now().toString(36)}`, { colorScheme: "light", timezoneId: "Europe/Berlin" });
    const call = apiOf(page);
    const { hotel } = await seedHistory(page, Date.now());
    await page.reload();
    const state = (await call<State>("GET", "/api/v1/state")).body;
    expect(state.recentMessages).toHaveLength(100);
    expect(state.recentMessages.some((m) => m.id === hotel)).toBe(false);
    const note = await call<{ id: string }>("POST", "/api/v1/notes", { action: "create", note: { title: "Gala packing", body: "Bring the blue suit and the red tie, and the suit bag" } });
    expect(note.status).toBe(201);

    await page.keyboard.press("Control+k");
    const dialog = page.getByTestId("search-dialog");
    const field = dialog.getByRole("combobox", { name: "Search" });
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    await field.fill("hotel");
    const results = dialog.getByTestId("search-result");
    const status = () => dialog.getByTestId("search-status").textContent();
    await expect.poll(status, { timeout: 15_000 }).toBe("1 result");
    // No date filter: 40 days old, archived, found; headed by its thread's title, the word marked, selected on open.
    const mine = results.first();
    expect(await mine.textContent()).toContain("Berlin trip");
    expect(await mine.textContent()).toContain("Booked the Hotel Adlon");
    expect(await mine.locator("mark").allTextContents()).toEqual(["Hotel"]);
    expect(await mine.getAttribute("aria-selected")).toBe("true");
    // "Past month" is one calendar month back: not it; "Older" is: it again.
    await dialog.getByRole("button", { name: "Past month" }).click();
    await expect.poll(status).toBe("No results for “hotel”.");
    await dialog.getByRole("button", { name: "Older" }).click();
    await expect.poll(status).toBe("1 result");
    await dialog.getByRole("button", { name: "Any time" }).click();
    await expect.poll(status).toBe("1 result");
    await field.focus();
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
    await page.waitForURL((url) => url.pathname === "/chat" && url.searchParams.get("message") === hotel && url.searchParams.get("c") === "trip", { timeout: 10_000 });
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
  }, 120_000);

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
