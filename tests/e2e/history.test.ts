/**
 * History that stays whole, in Chromium (docs/PROTOCOL.md C16–C18, S13–S14):
 * a reply's action cards survive a reload and reach a device that joins later,
 * with their current status; the plan card follows the tasks; the task input
 * reads `#tags` and "by Friday" as the chat does.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../integration/dev-server.ts";
import { launch, screenshot } from "./browser.ts";

describe("Web app — history that stays whole", () => {
  let server: DevServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startDevServer(undefined, { OFFLINE_TOKEN_DELAY_MS: "10" });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(userId: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel("User id").fill(userId);
    await page.getByRole("button", { name: /log in/i }).click();
    await live(page);
    return page;
  }

  const live = (page: Page) => page.getByTestId("status").filter({ hasText: "live" }).waitFor({ state: "attached", timeout: 30_000 });
  const reply = (page: Page, hasText: string) => page.getByTestId("reply").filter({ hasText });
  /** The status of each card of the reply that says `hasText`, in order. */
  const cardStatuses = (page: Page, hasText: string) =>
    reply(page, hasText)
      .getByTestId("action-card")
      // What the user reads: a card with buttons waits for them; otherwise the last word of its line is its status.
      .evaluateAll((cards) =>
        cards.map((c) => {
          const kind = c.textContent?.includes("Reminder") ? "reminder" : c.textContent?.includes("Delete") ? "delete" : "task";
          return `${kind}:${c.querySelector("button") ? "proposed" : (c.firstElementChild?.lastElementChild?.textContent ?? "")}`;
        }),
      );

  async function say(page: Page, text: string, until: string): Promise<void> {
    await page.getByLabel("Message").fill(text);
    await page.keyboard.press("Enter");
    await reply(page, until).waitFor({ timeout: 20_000 });
  }

  async function addTask(page: Page, typed: string, shown: string): Promise<void> {
    await page.getByLabel("New task").fill(typed);
    await page.getByRole("button", { name: "Add" }).click();
    await page.getByTestId("tasks").getByRole("button", { name: shown, exact: true }).waitFor({ timeout: 15_000 });
  }

  it("[C16] a reply's action cards are still there after a reload and on a device that joins later", async () => {
    const laptop = await signIn("hist-cards");
    await say(laptop, "remind me to call John tomorrow at 3pm", "I'll remind you then");
    await expect.poll(() => cardStatuses(laptop, "I'll remind you then"), { timeout: 15_000 }).toEqual(["task:done", "reminder:done"]);

    await laptop.reload();
    await live(laptop);
    await reply(laptop, "I'll remind you then").waitFor({ timeout: 20_000 });
    expect(await cardStatuses(laptop, "I'll remind you then")).toEqual(["task:done", "reminder:done"]);
    await screenshot(laptop, "history-01-cards-after-reload");

    const phone = await signIn("hist-cards");
    await reply(phone, "I'll remind you then").waitFor({ timeout: 20_000 });
    expect(await cardStatuses(phone, "I'll remind you then")).toEqual(["task:done", "reminder:done"]);
    await screenshot(phone, "history-02-cards-on-later-device");
  });

  it("[C17] a proposal confirmed on one device shows confirmed there after a reload and on the other device, with no Confirm left", async () => {
    const laptop = await signIn("hist-confirm");
    const phone = await signIn("hist-confirm");
    await laptop.getByRole("link", { name: "Tasks" }).click();
    await addTask(laptop, "Cancel gym membership", "Cancel gym membership");
    await laptop.getByRole("link", { name: "Chat" }).click();
    await say(laptop, "delete cancel gym membership", "confirm it on your device");
    await expect.poll(() => cardStatuses(phone, "confirm it on your device"), { timeout: 15_000 }).toEqual(["delete:proposed"]);

    await laptop.getByRole("button", { name: "Confirm", exact: true }).click();
    await expect.poll(() => cardStatuses(laptop, "confirm it on your device"), { timeout: 15_000 }).toEqual(["delete:confirmed"]);
    await expect.poll(() => cardStatuses(phone, "confirm it on your device"), { timeout: 15_000 }).toEqual(["delete:confirmed"]);

    for (const page of [laptop, phone]) {
      await page.reload();
      await live(page);
      await reply(page, "confirm it on your device").waitFor({ timeout: 20_000 });
      expect(await cardStatuses(page, "confirm it on your device")).toEqual(["delete:confirmed"]);
      expect(await page.getByRole("button", { name: "Confirm", exact: true }).count()).toBe(0);
    }
    await screenshot(laptop, "history-03-confirmed-after-reload");
  });

  it("[S13][S14] the plan card follows the tasks: “Nothing open” only while nothing is, a done task shows done", async () => {
    const page = await signIn("hist-plan");
    await say(page, "plan my day", "nothing is open");
    await page.getByRole("link", { name: "Tasks" }).click();
    const plan = page.getByTestId("plan");
    await plan.filter({ hasText: "Nothing open today" }).waitFor({ timeout: 15_000 });
    await screenshot(page, "history-04-plan-nothing-open");

    await addTask(page, "Pay the bill tomorrow", "Pay the bill");
    await addTask(page, "Read the book", "Read the book");
    await plan.getByTestId("plan-headline").filter({ hasText: "2 tasks open now" }).waitFor({ timeout: 15_000 });
    expect(await plan.innerText()).not.toMatch(/nothing open today/i);
    await screenshot(page, "history-04b-plan-tasks-opened");
    await plan.getByRole("button", { name: "Plan my day" }).click();
    await plan.getByRole("button", { name: "Accept: Pay the bill" }).waitFor({ timeout: 20_000 });
    await plan.getByRole("button", { name: "Accept: Read the book" }).waitFor();
    expect(await plan.innerText()).not.toMatch(/nothing open/i);

    await screenshot(page, "history-05a-plan-replanned");
    // A click, not check(): the done task leaves the open list at once, so there is no checkbox left to verify.
    await page.getByLabel("Done: Read the book").click();
    await plan.locator('li[data-status="done"]').filter({ hasText: "Read the book" }).waitFor({ timeout: 15_000 });
    await screenshot(page, "history-05-plan-live");
  });

  it("[C18] the task input reads “send the budget by Friday #finance” as the chat does", async () => {
    const page = await signIn("hist-parse");
    await page.getByRole("link", { name: "Tasks" }).click();
    await addTask(page, "send the budget by Friday #finance", "Send the budget");
    const list = page.getByTestId("tasks");
    await list.getByRole("button", { name: "Remove tag finance from Send the budget" }).waitFor();
    await page.getByRole("link", { name: "Chat" }).click();
    await say(page, "add a task to email Ann the deck by Friday #work", "tagged #work");
    await page.getByRole("link", { name: "Tasks" }).click();
    await list.getByRole("button", { name: "Remove tag work from Email Ann the deck" }).waitFor({ timeout: 15_000 });
    await screenshot(page, "history-06-tags");
  });
});
