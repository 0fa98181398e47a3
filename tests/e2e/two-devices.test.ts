import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../integration/dev-server.ts";
import { launch, screenshot } from "./browser.ts";

describe("Web app — two browser contexts as two devices of one user", () => {
  let server: DevServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startDevServer(undefined, { OFFLINE_TOKEN_DELAY_MS: "30" });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(userId: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel("User id").fill(userId);
    await page.getByRole("button", { name: /log in/i }).click();
    await page.getByTestId("status").filter({ hasText: "live" }).waitFor({ timeout: 30_000 });
    return page;
  }

  it("[C1][P9][G3] a reply streams into both, its task appears in both, presence shows both devices", async () => {
    const laptop = await signIn("erin");
    const phone = await signIn("erin");
    await expect.poll(() => laptop.getByTestId("devices").locator("li").count(), { timeout: 15_000 }).toBe(2);
    await screenshot(laptop, "01-signed-in");

    await laptop.getByPlaceholder("remind me to call John tomorrow at 3pm").fill("remind me to call John tomorrow at 3pm");
    await laptop.keyboard.press("Enter");
    for (const page of [laptop, phone]) {
      // The whole reply, finished streaming, on both devices.
      await expect.poll(async () => {
        const text = await page.getByTestId("replies").innerText();
        return text.includes("Done — I added “Call John”") && !text.includes("(streaming)");
      }, { timeout: 20_000 }).toBe(true);
      await page.getByTestId("tasks").filter({ hasText: "Call John" }).waitFor({ timeout: 20_000 });
    }
    const replies = await Promise.all([laptop, phone].map((p) => p.getByTestId("replies").innerText()));
    expect(replies[1]).toBe(replies[0]);
    expect(replies[0]).toMatch(/I'll remind you then\./);
    await screenshot(phone, "02-reply-on-second-device");

    // A task added in one tab appears in the other.
    await phone.getByPlaceholder("New task").fill("Buy flowers");
    await phone.getByRole("button", { name: "Add" }).click();
    await laptop.getByTestId("tasks").filter({ hasText: "Buy flowers" }).waitFor({ timeout: 15_000 });
    await screenshot(laptop, "03-task-from-other-device");
  });

  it("[C5] a reload mid-stream still shows the whole reply", async () => {
    const page = await signIn("frank");
    await page.getByPlaceholder("remind me to call John tomorrow at 3pm").fill("what is the meaning of life?");
    await page.keyboard.press("Enter");
    await page.getByTestId("replies").filter({ hasText: "offline assistant" }).waitFor({ timeout: 15_000 });
    await page.reload();
    await page.getByTestId("status").filter({ hasText: "live" }).waitFor({ timeout: 30_000 });
    // The complete reply is in the state after the reload (history), whether or not it was still streaming.
    await expect.poll(async () => (await page.getByTestId("history").innerText()).includes("plan my day"), { timeout: 20_000 }).toBe(true);
  });
});
