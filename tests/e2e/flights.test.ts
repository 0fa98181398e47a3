/**
 * The flight-options card in Chromium (docs/PROTOCOL.md M23): asked from the
 * chat with the offline assistant, answered from the SDK test server; times
 * in the user's zone, price, stops, duration, reasons; a list a screen reader
 * reads; 44 px targets on a phone; light and dark; kept across a reload.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dueDay, extractDue, zonedToUtc } from "../../shared/dates.ts";
import { formatDay, formatTime } from "../../shared/format.ts";
import { http, login } from "../integration/clients.ts";
import { icsFeed } from "../support/ics-feed.ts";
import { flightOffers, type McpTestServer, startMcpServer } from "../support/mcp-server.ts";
import { axeFindings, smallTargets } from "./a11y.ts";
import { browserApp, screenshot } from "./browser.ts";

const ZONE = "America/New_York";

describe("Web app — flight options from chat", () => {
  const app = browserApp({ OFFLINE_TOKEN_DELAY_MS: "2" });
  let flights: McpTestServer;
  beforeAll(async () => {
    flights = await startMcpServer({ name: "skyways" });
  });
  afterAll(async () => {
    await flights?.close();
  });

  async function say(page: Page, text: string, expected: string | RegExp): Promise<void> {
    const before = await page.getByTestId("reply").count();
    await page.getByLabel("Message").fill(text);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByTestId("reply").count(), { timeout: 20_000 }).toBeGreaterThan(before);
    await expect.poll(() => page.getByTestId("reply").last().getAttribute("data-status"), { timeout: 20_000 }).toBe("completed");
    const reply = await page.getByTestId("reply").last().innerText();
    if (typeof expected === "string") expect(reply).toContain(expected);
    else expect(reply).toMatch(expected);
  }

  it("[M23][M20] “find flights to Boston next Friday” shows the ranked card: times in the user's zone, price, stops, duration, reasons — on a laptop and a phone, light and dark", async () => {
    const userId = "e2e-flyer";
    const laptop = await app.signIn(userId, { viewport: { width: 1200, height: 1000 }, timezoneId: ZONE, colorScheme: "light" });
    const token = await login(app.server, userId);
    await laptop.getByRole("button", { name: /Not now/ }).click();
    await say(laptop, "my home airport is SFO", "your home airport is SFO");
    const api = http(app.server, token);
    const added = await api("POST", "/api/v1/mcp/servers", { url: flights.url, name: "skyways" });
    expect(added.status).toBe(201);
    // A meeting 4–5 PM New York time that Friday, from an ICS calendar: the flights in the air then are marked and go last.
    const date = dueDay(extractDue("next Friday", ZONE, new Date()).due!, ZONE);
    const [y, m, d] = date.split("-").map(Number);
    const feed = await icsFeed("Team sync", zonedToUtc(ZONE, y!, m!, d!, 16, 0), zonedToUtc(ZONE, y!, m!, d!, 17, 0));
    const source = await api<{ id: string }>("POST", "/api/v1/calendar/sources", { kind: "ics", url: feed.url });
    expect(source.status).toBe(201);
    await expect.poll(async () => (await api<{ sources: { status: string }[] }>("GET", "/api/v1/calendar/sources")).body.sources[0]?.status, { timeout: 30_000, interval: 100 }).toBe("ok");

    await say(laptop, "find flights to Boston next Friday", `flights from SFO to BOS on ${formatDay(date)}, best first`);
    const card = laptop.getByTestId("flight-card");
    await card.waitFor({ timeout: 15_000 });
    // A labelled section with an ordered list of options.
    await expect.poll(() => laptop.getByRole("region", { name: /Flights SFO to BOS/ }).count()).toBe(1);
    const list = laptop.getByRole("list", { name: "Flight options, SFO to BOS" });
    expect(await list.getByRole("listitem").count()).toBe(4);
    // The server's 06:15 −08:00 JetBlue, shown in New York time (9:15 AM in winter); 385 minutes; nonstop; $289.00.
    const offers = flightOffers("SFO", "BOS", date);
    const b6 = offers.find((o) => o.flightNumber === "B6 1234")!;
    const text = (await card.getByTestId("flight-option").filter({ hasText: "B6 1234" }).textContent()) ?? "";
    expect(text).toContain(`departs ${formatTime(b6.depart, ZONE)}`);
    expect(text).toContain(`arrives ${formatTime(b6.arrive, ZONE)}`);
    expect(text).toContain("6h 25m");
    expect(text).toContain("Nonstop");
    expect(text).toContain("$289.00");
    // The 10:45 PM departure from San Francisco leaves after midnight in New York: marked as the next day.
    const late = offers.find((o) => o.flightNumber === "B6 2480")!;
    expect(await card.getByTestId("flight-option").filter({ hasText: "B6 2480" }).textContent()).toMatch(new RegExp(`departs ${formatTime(late.depart, ZONE)}\\s*\\+1 day`));
    expect(await card.innerText()).toContain("times in America/New York");

    // More options open with a 44 px button: the last three overlap the meeting, marked and saying so.
    await card.getByRole("button", { name: /Show 3 more/ }).click();
    expect(await list.getByRole("listitem").count()).toBe(7);
    const conflicts = card.locator('[data-testid="flight-option"][data-conflict="true"]');
    expect(await conflicts.count()).toBe(3);
    expect(await conflicts.allTextContents()).toEqual(Array.from({ length: 3 }, () => expect.stringContaining("Calendar conflict: conflicts with Team sync 4–5 PM")));
    expect(await list.getByRole("listitem").nth(6).getAttribute("data-conflict")).toBe("true");
    expect(await axeFindings(laptop)).toEqual([]);
    await card.getByRole("button", { name: "Show fewer" }).scrollIntoViewIfNeeded();
    await screenshot(laptop, "flights-01-card-laptop-light");
    await feed.close();

    // The card is read from the stored message after a reload.
    await laptop.reload();
    await laptop.getByTestId("flight-card").waitFor({ timeout: 15_000 });
    // No Undo for a search: it changed nothing.
    expect(await laptop.getByTestId("reply").last().getByRole("button", { name: /undo/i }).count()).toBe(0);

    const phone = await app.signIn(userId, { viewport: { width: 390, height: 844 }, timezoneId: ZONE, colorScheme: "dark", isMobile: true, hasTouch: true });
    const phoneCard = phone.getByTestId("flight-card").last();
    await phoneCard.waitFor({ timeout: 15_000 });
    // The first-visit prompt to name the device is not part of the card: dismissed for a clear picture.
    await phone.getByRole("button", { name: /Not now/ }).click();
    await phoneCard.locator("h3").scrollIntoViewIfNeeded();
    const more = phoneCard.getByRole("button", { name: /Show 3 more/ });
    const box = await more.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    // Nothing wider than the phone's screen.
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await axeFindings(phone)).toEqual([]);
    expect(await smallTargets(phone)).toEqual([]);
    await screenshot(phone, "flights-02-card-phone-dark");
    // Dark, expanded: the conflicts' marking keeps its contrast.
    await more.click();
    await phoneCard.getByRole("button", { name: "Show fewer" }).scrollIntoViewIfNeeded();
    expect(await axeFindings(phone)).toEqual([]);
    await screenshot(phone, "flights-03-conflicts-phone-dark");
  });
});
