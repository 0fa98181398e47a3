/**
 * Your data in the web app (docs/PROTOCOL.md W110–W114, U1–U16): download the
 * export and check its entries, import it into a fresh account and see the
 * same tasks, notes and chat, then delete that account: signed out, and
 * signing in again shows an empty brain. Axe in light and dark.
 */
import { readFileSync } from "node:fs";
import { unzipSync } from "fflate";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeFindings, navLink } from "./a11y.ts";
import { browserApp, pageCall as call, screenshot } from "./browser.ts";

type State = { tasks: { title: string }[]; notes: { title: string }[]; recentMessages: { role: string; text: string }[]; memories: unknown[] };
const stateOf = async (page: Page) => (await call(page, "GET", "/api/v1/state")).json as State;

const settings = async (page: Page) => {
  await navLink(page, "Settings").click();
  await page.getByRole("heading", { name: "Your data", level: 2 }).waitFor();
};

describe("Web app — your data", () => {
  const app = browserApp();
  const run = Date.now().toString(36);

  it("[W110][W111][W112][W113][W114][U1][U8][U14][U15] download the export, import it into a fresh account, see the same data, then delete that account", async () => {
    const from = await app.signIn(`data-from-${run}`, { colorScheme: "light" });
    expect((await call(from, "POST", "/api/v1/tasks", { action: "create", task: { title: "Book the hotel in Rome" } })).status).toBe(201);
    expect((await call(from, "POST", "/api/v1/notes", { action: "create", note: { title: "Trip plan", body: "Train at 9." } })).status).toBe(201);
    expect((await call(from, "POST", "/api/v1/message", { text: "add a task: pack the bags", channel: "chat" })).status).toBe(202);
    await expect.poll(async () => (await stateOf(from)).recentMessages.length, { timeout: 30_000 }).toBe(2);

    await settings(from);
    expect(await axeFindings(from)).toEqual([]);
    // Not empty: import is not offered, and says why.
    await from.getByText("Importing is offered only for an empty account").waitFor();
    const [download] = await Promise.all([from.waitForEvent("download"), from.getByRole("button", { name: "Download export" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^micro-cos-\d{4}-\d{2}-\d{2}\.zip$/);
    const zipPath = await download.path();
    const files = unzipSync(new Uint8Array(readFileSync(zipPath)));
    const names = Object.keys(files);
    expect(names).toContain("export.json");
    expect(names.some((n) => /^notes\/trip-plan-.+\.md$/.test(n))).toBe(true);
    expect(names.some((n) => /^chats\/.+-main\.md$/.test(n))).toBe(true);
    await screenshot(from, "data-01-settings-light");

    const to = await app.signIn(`data-to-${run}`, { colorScheme: "dark", viewport: { width: 390, height: 844 } });
    await settings(to);
    expect(await axeFindings(to)).toEqual([]);
    await to.getByTestId("import-file").setInputFiles(zipPath);
    await to.getByRole("status").filter({ hasText: "Imported:" }).waitFor({ timeout: 30_000 });
    await screenshot(to, "data-02-imported-phone-dark");
    const was = await stateOf(from);
    await expect.poll(async () => (await stateOf(to)).tasks.map((t) => t.title).sort(), { timeout: 15_000 }).toEqual(was.tasks.map((t) => t.title).sort());
    const is = await stateOf(to);
    expect(is.notes.map((n) => n.title)).toEqual(was.notes.map((n) => n.title));
    expect(is.recentMessages.map((m) => m.text)).toEqual(was.recentMessages.map((m) => m.text));
    // What the user sees: the tasks, the note and the chat.
    await navLink(to, "Tasks").click();
    await to.getByText("Book the hotel in Rome").first().waitFor({ timeout: 15_000 });
    await navLink(to, "Chat").click();
    await to.getByText("add a task: pack the bags").first().waitFor({ timeout: 15_000 });

    await settings(to);
    await to.getByRole("button", { name: "Delete account…" }).click();
    const dialog = to.getByRole("dialog", { name: "Delete your account?" });
    await dialog.getByText("This cannot be undone").waitFor();
    expect(await axeFindings(to)).toEqual([]);
    await screenshot(to, "data-03-delete-dialog-phone-dark");
    await dialog.getByRole("button", { name: "Delete everything" }).click();
    await to.waitForURL(/\/login$/, { timeout: 30_000 });
    expect(await to.evaluate(() => localStorage.getItem("micro-cos.token"))).toBeNull();

    const again = await app.signIn(`data-to-${run}`);
    const empty = await stateOf(again);
    expect({ tasks: empty.tasks, notes: empty.notes, messages: empty.recentMessages, memories: empty.memories }).toEqual({ tasks: [], notes: [], messages: [], memories: [] });
    await navLink(again, "Tasks").click();
    expect(await again.getByText("Book the hotel in Rome").count()).toBe(0);
  }, 240_000);
});
