/**
 * The chat on assistant-ui, driven by frames (docs/PROTOCOL.md W10–W17): two
 * browser contexts as two devices of one user. The offline assistant streams
 * slowly (OFFLINE_TOKEN_DELAY_MS) so a test can see a reply while its frames
 * are still arriving; each page's socket frames and its `GET /api/v1/state`
 * requests are recorded from before sign-in.
 */
import AxeBuilder from "@axe-core/playwright";
import type { BrowserContextOptions, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserApp, screenshot, whenLive } from "./browser.ts";

type Device = { page: Page; frames: { type: string; at: number }[]; stateFetches: string[] };

describe("Web app — chat on assistant-ui, driven by frames", () => {
  const app = browserApp({ OFFLINE_TOKEN_DELAY_MS: "40" });

  /** A device signed in, with its frames and state fetches recorded from the start. */
  async function device(userId: string, options: BrowserContextOptions = {}): Promise<Device> {
    const context = await app.browser.newContext({ viewport: { width: 1200, height: 800 }, ...options });
    const page = await context.newPage();
    const frames: Device["frames"] = [];
    const stateFetches: string[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).pathname === "/api/v1/state") stateFetches.push(r.url());
    });
    page.on("websocket", (ws) =>
      ws.on("framereceived", ({ payload }) => {
        if (typeof payload !== "string" || !payload.startsWith("__YPS:")) return;
        const { type } = JSON.parse(payload.slice("__YPS:".length)) as { type: string };
        frames.push({ type, at: Date.now() });
      }),
    );
    await page.goto(`${app.server.url}/login`);
    await page.getByLabel("User id").fill(userId);
    await page.getByRole("button", { name: /log in/i }).click();
    await whenLive(page);
    await page.getByLabel("Message").waitFor();
    return { page, frames, stateFetches };
  }

  const send = async (page: Page, text: string) => {
    await page.getByLabel("Message").fill(text);
    await page.keyboard.press("Enter");
  };
  const lastReply = (page: Page) => page.getByTestId("reply").last();
  const count = (d: Device, type: string) => d.frames.filter((f) => f.type === type).length;

  it("[W10][W12][W16] a reply streams into both devices before its llm.completed frame; no state fetch in the turn; the message shows at once, then Sent", async () => {
    const laptop = await device("chat-ann");
    const phone = await device("chat-ann", { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    for (const d of [laptop, phone]) d.stateFetches.length = 0;
    const completedBefore = count(laptop, "llm.completed");

    await send(laptop.page, "tell me about ostriches");
    // At once: the bubble is there before any reply frame could be.
    const mine = laptop.page.getByTestId("user-message").last();
    await mine.filter({ hasText: "tell me about ostriches" }).waitFor({ timeout: 2_000 });
    await expect.poll(() => mine.getAttribute("data-delivery"), { timeout: 10_000 }).toBe("sent");

    // While the stream runs: partial text on both devices, read before the completed frame arrived on either.
    const partial = new Map<Device, string>();
    for (const d of [laptop, phone]) {
      await expect.poll(async () => (await lastReply(d.page).innerText()).includes("Sorry"), { timeout: 20_000 }).toBe(true);
      const shown = await lastReply(d.page).innerText();
      expect(count(d, "llm.completed"), `${shown.length} characters shown before the end`).toBe(completedBefore);
      partial.set(d, shown);
    }
    await screenshot(phone.page, "chat-01-streaming-phone");

    for (const d of [laptop, phone]) {
      await expect.poll(() => count(d, "llm.completed"), { timeout: 30_000 }).toBe(completedBefore + 1);
      await lastReply(d.page).filter({ hasText: "“plan my day”" }).waitFor({ timeout: 10_000 });
      // What was read mid-stream was a beginning of the reply, not the whole of it.
      const whole = await lastReply(d.page).innerText();
      expect(whole.startsWith(partial.get(d)?.trim() ?? "-")).toBe(true);
      expect(partial.get(d)?.length).toBeLessThan(whole.length);
      // The turn's events (message.added, usage.charged) folded in with no refetch of the state.
      await expect.poll(() => count(d, "event"), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      expect(d.stateFetches, "GET /api/v1/state during a chat turn").toEqual([]);
    }

    // W16: the conversation is a polite live region; every message says who speaks.
    const log = laptop.page.getByRole("log");
    expect(await log.getAttribute("aria-live")).toBe("polite");
    expect(await log.getByTestId("user-message").last().innerText()).toContain("tell me about ostriches");
    expect(await log.getByText("You:").count()).toBe(await log.getByTestId("user-message").count());
    expect(await log.getByText("Chief of staff").count()).toBe(await log.getByTestId("reply").count());
    await screenshot(laptop.page, "chat-02-reply-desktop");
    await screenshot(phone.page, "chat-03-reply-phone");
  });

  it("[W12] Stop ends a streaming reply as “Stopped.” on both devices", async () => {
    const laptop = await device("chat-bo");
    const phone = await device("chat-bo");
    await send(laptop.page, "tell me about ostriches");
    await expect.poll(async () => (await lastReply(laptop.page).innerText()).includes("Sorry"), { timeout: 20_000 }).toBe(true);
    await laptop.page.getByRole("button", { name: "Stop" }).click();
    for (const d of [laptop, phone]) await lastReply(d.page).getByText("Stopped.").waitFor({ timeout: 15_000 });
    expect(await laptop.page.getByRole("button", { name: "Stop" }).count()).toBe(0);
  });

  it("[W12] a message the room refuses shows failed with Retry; Remove drops it", async () => {
    const { page } = await device("chat-cy");
    await send(page, "x".repeat(4_100));
    const failed = page.getByTestId("user-message").and(page.locator('[data-delivery="failed"]'));
    await failed.waitFor({ timeout: 10_000 });
    const outbox = page.getByTestId("outbox");
    await outbox.getByText("Failed —").waitFor();
    await outbox.getByRole("button", { name: "Retry" }).click();
    // Refused again for the same reason, still one entry, still offering Retry.
    await expect.poll(() => outbox.locator('li[data-state="failed"]').count(), { timeout: 10_000 }).toBe(1);
    await screenshot(page, "chat-04-failed-send");
    await outbox.getByRole("button", { name: /^Remove/ }).click();
    await outbox.waitFor({ state: "detached" });
    expect(await page.evaluate(() => localStorage.getItem("micro-cos.outbox.chat-cy"))).toBe("[]");
  });

  it("[W17] an empty chat offers suggestions that send at once", async () => {
    const { page } = await device("chat-di");
    await screenshot(page, "chat-05-empty-desktop");
    await page.getByRole("button", { name: "Plan my day" }).click();
    await page.getByTestId("user-message").filter({ hasText: "Plan my day" }).waitFor({ timeout: 5_000 });
    await lastReply(page).filter({ hasText: /plan/i }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole("button", { name: "Plan my day" }).count()).toBe(0);
  });

  it("[W12][W92][W93] edit-and-resend sends the edited text as a new version; regenerate answers again beside the first reply; copy puts the reply on the clipboard", async () => {
    const { page } = await device("chat-ed", { permissions: ["clipboard-read", "clipboard-write"] });
    await send(page, "remember that my dog is Rex");
    await lastReply(page).filter({ hasText: "Rex" }).waitFor({ timeout: 20_000 });

    const first = page.getByTestId("user-message").filter({ hasText: "remember that my dog is Rex" });
    await first.hover();
    await first.getByRole("button", { name: "Edit and resend" }).click();
    const editor = page.getByLabel("Edited text");
    await editor.fill("remember that my cat is Tom");
    await page.getByRole("button", { name: "Send", exact: true }).first().click();
    await page.getByTestId("user-message").filter({ hasText: "remember that my cat is Tom" }).first().waitFor({ timeout: 10_000 });
    await lastReply(page).filter({ hasText: "Tom" }).and(page.locator('[data-status="completed"]')).waitFor({ timeout: 20_000 });
    // W92: the edit is a sibling of the original, shown in its place; the original is one click away.
    await page.getByRole("group", { name: "Version 2 of 2" }).waitFor();
    await expect.poll(() => page.getByTestId("user-message").filter({ hasText: "dog is Rex" }).count(), { timeout: 10_000 }).toBe(0);

    const replies = await page.getByTestId("reply").count();
    const before = await lastReply(page).getAttribute("data-turn");
    await page.getByRole("button", { name: "Regenerate" }).last().click();
    // W93: a second reply to the same message, in the first one's place, with a picker.
    await page.getByRole("group", { name: "Reply 2 of 2" }).waitFor({ timeout: 10_000 });
    await expect.poll(() => lastReply(page).getAttribute("data-turn"), { timeout: 10_000 }).not.toBe(before);
    await expect.poll(() => lastReply(page).innerText(), { timeout: 20_000 }).toContain("Tom");
    await lastReply(page).and(page.locator('[data-status="completed"]')).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("reply").count()).toBe(replies);
    expect(await page.getByTestId("user-message").filter({ hasText: "remember that my cat is Tom" }).count()).toBe(1);

    // The reply's words (its cards are not text to copy).
    const text = await lastReply(page).locator(".prose-chat").innerText();
    await page.getByRole("button", { name: "Copy reply" }).last().click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), { timeout: 5_000 }).toBe(text.trim());
  });

  it("[W15][W16] the chat view is axe-clean in light and dark, at desktop and phone width", async () => {
    for (const size of [{ width: 1200, height: 800 }, { width: 390, height: 844 }]) {
      const { page } = await device(`chat-ax${size.width}`, { viewport: size });
      await send(page, "remind me to call John tomorrow at 3pm");
      await lastReply(page).getByTestId("action-card").first().waitFor({ timeout: 20_000 });
      await lastReply(page).getByRole("button", { name: "Undo" }).waitFor({ timeout: 10_000 });
      for (const scheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        const { violations } = await new AxeBuilder({ page }).include("main").analyze();
        const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
        await screenshot(page, `chat-06-${size.width}-${scheme}`);
      }
    }
  });
});

describe("Web app — chat limits on screen", () => {
  // A budget no call fits (each reserves LLM_MAX_OUTPUT_TOKENS and its prompt before it runs); two messages a minute.
  const app = browserApp({ OFFLINE_TOKEN_DELAY_MS: "5", LLM_DAILY_TOKEN_BUDGET: "1030", LLM_MAX_OUTPUT_TOKENS: "1024", MESSAGES_PER_MINUTE: "2" });

  it("[W13] a spent daily budget says so with its reset time; a rate-limited message stays queued with a countdown", async () => {
    const page = await app.signIn("chat-limits");
    const say = async (text: string) => {
      await page.getByLabel("Message").fill(text);
      await page.keyboard.press("Enter");
    };
    await say("remember that my dog is Rex");
    await page.getByTestId("reply").last().and(page.locator('[data-status="failed"]')).waitFor({ timeout: 20_000 });
    const budget = page.getByTestId("budget");
    await budget.waitFor({ timeout: 10_000 });
    expect(await budget.innerText()).toMatch(/^Daily assistant budget used up — resets at \d{1,2}:\d{2}\s?[AP]M\.$/);

    await say("remember that my cat is Tom");
    await expect.poll(() => page.getByTestId("reply").and(page.locator('[data-status="failed"]')).count(), { timeout: 20_000 }).toBe(2);
    await say("remember that my bird is Kiwi");
    const queued = page.getByTestId("outbox").locator('li[data-state="rate-limited"]');
    await queued.waitFor({ timeout: 10_000 });
    const first = await queued.innerText();
    expect(first).toMatch(/again in \d+ s/);
    // It counts down, and the message is still in the outbox, not dropped.
    await expect.poll(() => queued.innerText(), { timeout: 5_000 }).not.toBe(first);
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem("micro-cos.outbox.chat-limits") ?? "[]").length)).toBe(1);
    await screenshot(page, "chat-07-limits");
  });
});
