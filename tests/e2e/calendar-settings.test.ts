/**
 * Settings → Calendars in the browser (docs/PROTOCOL.md K1, K9, K10): a CalDAV
 * account (Radicale) and an ICS address added from the form, each showing its
 * status in words; one that cannot sync says why; Sync now; Remove after a
 * confirm. Axe-clean; screenshots at desktop and phone width.
 */
import { createServer, type Server } from "node:http";
import type { Page } from "playwright-core";
import { createCalendarObject } from "tsdav";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Radicale, startRadicale } from "../support/radicale.ts";
import { axeFindings } from "./a11y.ts";
import { browserApp, screenshot } from "./browser.ts";

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
const DAY = 24 * 60 * 60 * 1000;
const event = (uid: string, title: string, start: Date) =>
  ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", `UID:${uid}`, `DTSTAMP:${stamp(new Date())}`, `SUMMARY:${title}`, `DTSTART:${stamp(start)}`, `DTEND:${stamp(new Date(start.getTime() + 3_600_000))}`, "END:VEVENT", "END:VCALENDAR", ""].join("\r\n");

const settings = async (page: Page) => {
  await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("heading", { name: "Calendars", level: 2 }).waitFor();
};
const row = (page: Page, name: string) => page.getByTestId("calendar-source").filter({ hasText: name });

describe("Web app — Settings → Calendars", () => {
  const app = browserApp();
  let radicale: Radicale;
  let feed: Server;
  let feedUrl = "";
  beforeAll(async () => {
    radicale = await startRadicale();
    await createCalendarObject({ calendar: { url: radicale.calendarUrl }, filename: "one.ics", iCalString: event("one", "Planning", new Date(Date.now() + DAY)), headers: radicale.headers });
    feed = createServer((req, res) => {
      if (req.url?.includes("broken")) res.writeHead(404).end();
      else res.writeHead(200, { "content-type": "text/calendar" }).end(event("feed", "Holiday", new Date(Date.now() + 2 * DAY)));
    });
    await new Promise<void>((r) => feed.listen(0, "127.0.0.1", () => r()));
    const address = feed.address();
    feedUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await radicale?.stop();
    await new Promise((r) => feed?.close(r));
  });

  it("[K1][K9][K10] add a CalDAV account and an ICS address, see their status in words, sync now, remove one after a confirm", async () => {
    const page = await app.signIn("cal-hana");
    await settings(page);
    await page.getByText("No calendars yet.").waitFor();

    await page.locator("label").filter({ hasText: "CalDAV account" }).click();
    await page.getByLabel("Server address").fill(`${radicale.origin}/`);
    await page.getByLabel("Username").fill(radicale.username);
    await page.getByLabel("Password").fill(radicale.password);
    await page.getByLabel("Calendar name (optional)").fill("Work");
    await page.getByRole("button", { name: "Add calendar" }).click();
    await row(page, "Work").getByText("Synced just now").waitFor({ timeout: 30_000 });
    // The password left the form once the room had it.
    expect(await page.getByLabel("Password").inputValue()).toBe("");

    await page.locator("label").filter({ hasText: "Subscription address (ICS)" }).click();
    await page.getByLabel("Calendar address").fill(`${feedUrl}/holidays.ics`);
    await page.getByLabel("Calendar name (optional)").fill("Holidays");
    await page.getByRole("button", { name: "Add calendar" }).click();
    await row(page, "Holidays").getByText("Synced just now").waitFor({ timeout: 30_000 });

    await page.getByLabel("Calendar address").fill(`${feedUrl}/broken.ics`);
    await page.getByLabel("Calendar name (optional)").fill("Old team calendar");
    await page.getByRole("button", { name: "Add calendar" }).click();
    await row(page, "Old team calendar").getByText("Can't sync: the calendar address is gone (HTTP 404). Trying again automatically.").waitFor({ timeout: 30_000 });

    // A bad address is refused beside its field, nothing sent.
    await page.getByLabel("Calendar address").fill("ftp://example.com/x.ics");
    await page.getByRole("button", { name: "Add calendar" }).click();
    await page.getByText("Enter a web address starting with https://").waitFor();
    expect(await page.getByLabel("Calendar address").getAttribute("aria-invalid")).toBe("true");
    await page.getByLabel("Calendar address").fill("");
    expect(await page.getByText("Enter a web address starting with https://").count()).toBe(0);

    expect(await axeFindings(page)).toEqual([]);
    await page.getByRole("heading", { name: "Calendars", level: 2 }).scrollIntoViewIfNeeded();
    await page.getByRole("heading", { name: "Calendars", level: 2 }).evaluate((h) => h.scrollIntoView({ block: "start" }));
    await screenshot(page, "calendars-01-desktop");
    const phone = await app.signIn("cal-hana", { viewport: { width: 390, height: 844 } });
    await settings(phone);
    await row(phone, "Holidays").waitFor();
    await phone.getByRole("heading", { name: "Calendars", level: 2 }).evaluate((h) => h.scrollIntoView({ block: "start" }));
    await screenshot(phone, "calendars-02-phone");
    expect(await axeFindings(phone)).toEqual([]);

    await row(page, "Work").getByRole("button", { name: "Sync now Work" }).click();
    await page.getByText("Syncing now", { exact: true }).waitFor();

    await row(page, "Old team calendar").getByRole("button", { name: "Remove Old team calendar" }).click();
    const dialog = page.getByTestId("remove-calendar-confirm");
    await dialog.getByRole("heading", { name: "Remove “Old team calendar”?" }).waitFor();
    await dialog.getByRole("button", { name: "Remove calendar" }).click();
    await expect.poll(() => row(page, "Old team calendar").count(), { timeout: 15_000 }).toBe(0);
    // The other device follows.
    await expect.poll(() => row(phone, "Old team calendar").count(), { timeout: 15_000 }).toBe(0);
    expect(await page.content()).not.toContain(radicale.password);
  });
});
