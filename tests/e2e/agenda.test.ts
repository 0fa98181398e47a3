/**
 * Today in the web app (docs/PROTOCOL.md K20): the day's calendar events and
 * timed tasks in the preference zone — beside the chat on a wide screen, atop
 * Tasks on a phone — fetched again when the calendar syncs, with no reload.
 * The calendar is an ICS feed served by a local node:http server.
 */
import { createServer, type Server } from "node:http";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDate, zonedToUtc } from "../../shared/dates.ts";
import { browserApp, screenshot } from "./browser.ts";
import { expectAxeClean, NY } from "./tasks-helpers.ts";

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
const todayAt = (hour: number, minute = 0) => {
  const [y, m, d] = localDate(NY, new Date()).split("-").map(Number);
  return zonedToUtc(NY, y!, m!, d!, hour, minute);
};
const vevent = (uid: string, title: string, start: Date, end: Date) => ["BEGIN:VEVENT", `UID:${uid}`, `DTSTAMP:${stamp(new Date())}`, `SUMMARY:${title}`, `DTSTART:${stamp(start)}`, `DTEND:${stamp(end)}`, "END:VEVENT"];
const FEED = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", ...vevent("review@test", "Design review", todayAt(10), todayAt(11)), ...vevent("lunch@test", "Lunch with Ana", todayAt(12, 30), todayAt(13, 30)), "END:VCALENDAR", ""].join("\r\n");

describe("Web app — Today", () => {
  const app = browserApp();
  let feed: Server;
  let feedUrl = "";
  beforeAll(async () => {
    feed = createServer((_req, res) => res.writeHead(200, { "content-type": "text/calendar" }).end(FEED));
    await new Promise<void>((resolve) => feed.listen(0, "127.0.0.1", resolve));
    const address = feed.address();
    feedUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/secret/basic.ics`;
  });
  afterAll(() => new Promise<void>((resolve) => feed.close(() => resolve())));

  const call = (page: Page, method: string, path: string, body: unknown) =>
    page.evaluate(
      async ({ method, path, body }) => {
        const res = await fetch(path, { method, headers: { authorization: `Bearer ${localStorage.getItem("micro-cos.token")}`, "content-type": "application/json" }, body: JSON.stringify(body) });
        return res.status;
      },
      { method, path, body },
    );
  const rows = (page: Page) => page.getByTestId("today-items").locator("li");

  it("[K20] Today lists the day's events and timed tasks in local time, beside the chat on a desktop and atop Tasks on a phone; a sync shows without a reload", async () => {
    const laptop = await app.signIn("today-web", { timezoneId: NY, viewport: { width: 1440, height: 900 } });
    await laptop.goto(`${app.server.url}/chat`);
    const today = laptop.getByTestId("today");
    await today.waitFor();
    await expect.poll(() => today.innerText()).toMatch(/Nothing scheduled today\./);
    expect(await call(laptop, "POST", "/api/v1/tasks", { action: "create", task: { title: "Call John", due: todayAt(15).toISOString() } })).toBe(201);
    expect(await call(laptop, "POST", "/api/v1/calendar/sources", { kind: "ics", url: feedUrl, name: "Work" })).toBe(201);
    // No reload: the task's event and then the calendar's `calendar.synced` make Today fetch again.
    await expect.poll(() => rows(laptop).allInnerTexts(), { timeout: 30_000 }).toEqual([
      "Design review\n10:00 AM – 11:00 AM · Work",
      "Lunch with Ana\n12:30 PM – 1:30 PM · Work",
      "Call John\n3:00 PM · Task",
    ]);
    await screenshot(laptop, "agenda-01-today-desktop");
    await expectAxeClean(laptop, "Today beside the chat");

    const phone = await app.signIn("today-web", { timezoneId: NY, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await phone.goto(`${app.server.url}/chat`);
    // On a phone the chat keeps the whole width; Today is the top of Tasks.
    expect(await phone.getByTestId("today").isVisible()).toBe(false);
    await phone.goto(`${app.server.url}/tasks`);
    await expect.poll(() => rows(phone).count(), { timeout: 30_000 }).toBe(3);
    expect(await rows(phone).first().innerText()).toBe("Design review\n10:00 AM – 11:00 AM · Work");
    await screenshot(phone, "agenda-02-today-phone");
  });
});
