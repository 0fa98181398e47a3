/**
 * The user's time zone in the browser (docs/PROTOCOL.md S12, W5): a device in
 * New York signs in, says "remind me to call John tomorrow at 3pm" and reads
 * 3:00 PM everywhere; a second device in Los Angeles is offered the switch and,
 * until it takes it, still reads 3:00 PM.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserApp, screenshot } from "./browser.ts";

/** ICU writes a narrow no-break space before AM/PM; `\s` matches it. */
const THREE_PM = /3:00\sPM/;
const NOON = /12:00\sPM/;

describe("Web app — time zones", () => {
  const app = browserApp({ OFFLINE_TOKEN_DELAY_MS: "5" });
  /** A device in `timezoneId`; with `fakeClock`, a clock that runs at real pace until the test moves it forward. */
  const signIn = (userId: string, timezoneId: string, fakeClock = false) => app.signIn(userId, { timezoneId, locale: "en-US" }, fakeClock);

  const view = async (page: Page, name: string) => {
    await page.getByRole("link", { name }).click();
    await page.getByRole("heading", { name }).waitFor();
  };
  const taskRow = (page: Page, title: string) => page.getByTestId("tasks").locator("li").filter({ hasText: title });

  it("[S12][W5] signs in with a New York zone and sees 3:00 PM everywhere for 'tomorrow at 3pm'", async () => {
    const ny = await signIn("nadia", "America/New_York");
    expect(await ny.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe("America/New_York");
    await ny.getByLabel("Message").fill("remind me to call John tomorrow at 3pm");
    await ny.keyboard.press("Enter");
    const reply = ny.getByTestId("reply").last();
    await expect.poll(async () => (await reply.innerText()).includes("I'll remind you then"), { timeout: 20_000 }).toBe(true);
    // The reply, and its two action cards (the task, the reminder).
    const replyText = await reply.innerText();
    console.log(`[time zones] New York reply: ${JSON.stringify(replyText)}`);
    expect(replyText).toMatch(THREE_PM);
    const cards = await reply.getByTestId("action-card").all();
    expect(cards).toHaveLength(2);
    for (const card of cards) expect(await card.innerText()).toMatch(THREE_PM);
    await screenshot(ny, "tz-01-new-york-chat");

    await view(ny, "Tasks");
    const row = taskRow(ny, "Call John");
    await row.waitFor({ timeout: 15_000 });
    // The row's whole text first: before this fix it read "Nov 26, 2026, 10:00 AM" (the device formatted the UTC-read 3pm).
    console.log(`[time zones] New York task row: ${JSON.stringify(await row.innerText())}`);
    expect(await row.innerText()).toMatch(THREE_PM);
    await expect.poll(() => row.getByTestId("due").innerText(), { timeout: 10_000 }).toMatch(THREE_PM);
    await expect.poll(() => row.getByTestId("reminder").innerText(), { timeout: 10_000 }).toMatch(THREE_PM);
    // The preference zone is the device's: no zone name is needed, and none is shown.
    expect(await row.innerText()).not.toMatch(/10:00\sAM|EST|EDT|UTC/);
    await screenshot(ny, "tz-02-new-york-tasks");

    await view(ny, "Activity");
    const activity = ny.getByTestId("activity");
    await activity.filter({ hasText: "Call John" }).waitFor({ timeout: 10_000 });
    const added = activity.locator("li").filter({ hasText: "added task “Call John”" });
    const reminded = activity.locator("li").filter({ hasText: "set a reminder “Call John”" });
    expect(await added.innerText()).toMatch(THREE_PM);
    expect(await reminded.innerText()).toMatch(THREE_PM);
    await screenshot(ny, "tz-03-new-york-activity");

    // A second device, in Los Angeles: offered the switch, and until it switches, still 3:00 PM (named as New York's).
    const la = await signIn("nadia", "America/Los_Angeles");
    const offer = la.getByTestId("zone-offer");
    await offer.waitFor({ timeout: 10_000 });
    expect(await offer.innerText()).toMatch(/You're in America\/Los_Angeles; your times show in America\/New_York/);
    const laReply = la.getByTestId("reply").last();
    await expect.poll(() => laReply.innerText(), { timeout: 10_000 }).toMatch(THREE_PM);
    await screenshot(la, "tz-04-los-angeles-offer");
    await view(la, "Tasks");
    const laRow = taskRow(la, "Call John");
    await laRow.waitFor({ timeout: 15_000 });
    const laDue = await laRow.getByTestId("due").innerText();
    console.log(`[time zones] Los Angeles, before switching: ${JSON.stringify(laDue)}`);
    expect(laDue).toMatch(THREE_PM);
    expect(laDue).toMatch(/E[SD]T/);
    expect(await laRow.getByTestId("reminder").innerText()).toMatch(THREE_PM);
    await screenshot(la, "tz-05-los-angeles-tasks-before-switch");

    // Switching moves every view to Los Angeles: the same instant, now 12:00 PM; the offer is gone.
    await offer.getByRole("button", { name: /Switch/ }).click();
    await expect.poll(() => laRow.getByTestId("due").innerText(), { timeout: 10_000 }).toMatch(NOON);
    await offer.waitFor({ state: "detached", timeout: 10_000 });
    expect(await laRow.getByTestId("due").innerText()).not.toMatch(/P[SD]T/);
    await screenshot(la, "tz-06-los-angeles-after-switch");

    // The New York device now reads Los Angeles times, named, and is offered to switch back — never a silent mix.
    await ny.getByTestId("zone-offer").waitFor({ timeout: 10_000 });
    await view(ny, "Tasks");
    const nyDue = await taskRow(ny, "Call John").getByTestId("due").innerText();
    console.log(`[time zones] New York, after Los Angeles switched: ${JSON.stringify(nyDue)}`);
    expect(nyDue).toMatch(/12:00\sPM\sP[SD]T/);
    await screenshot(ny, "tz-07-new-york-after-switch");
  });

  it("[S12] a task due in a minute turns overdue as its minute passes, without a reload", async () => {
    const page = await signIn("omar", "America/New_York", true);
    await view(page, "Tasks");
    await page.getByLabel("New task").fill("Pay rent in 1 minute");
    await page.getByRole("button", { name: "Add" }).click();
    const row = taskRow(page, "Pay rent");
    await row.waitFor({ timeout: 15_000 });
    expect(await row.innerText()).not.toMatch(/Overdue/);
    await page.getByRole("link", { name: "Overdue" }).click();
    await page.getByTestId("tasks").filter({ hasText: "Nothing here." }).waitFor();
    // Two minutes later in the page's clock: the view looks at the clock again and lists it as overdue, marked so.
    await page.clock.fastForward("02:00");
    await taskRow(page, "Pay rent").waitFor({ timeout: 10_000 });
    expect(await taskRow(page, "Pay rent").innerText()).toMatch(/Overdue · /);
    await screenshot(page, "tz-08-overdue");
  });
});
