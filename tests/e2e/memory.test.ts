/**
 * Memory that learns, in the browser (docs/PROTOCOL.md Y1, Y3, Y11,
 * W105–W109): the user says where they fly out of, the reply offers to
 * remember it, the user accepts, and the Memory view says where it came from
 * with a link back to the message; `/memory?memory=` highlights it; axe passes
 * in light and dark, at laptop and phone width.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeFindings } from "./a11y.ts";
import { browserApp, screenshot } from "./browser.ts";

describe("Web app — memory that learns, with provenance", () => {
  const app = browserApp({ OFFLINE_TOKEN_DELAY_MS: "0" });
  /** `GET /api/v1/state` as the signed-in page (its session token). */
  const brainState = (page: Page): Promise<unknown> =>
    page.evaluate(async () => (await fetch("/api/v1/state", { headers: { authorization: `Bearer ${localStorage.getItem("micro-cos.token") ?? ""}` } })).json());
  const card = (page: Page) => page.getByTestId("action-card").filter({ hasText: "remember it as your home airport" });

  it("[Y1][Y3][Y11][W105][W106][W107][W108][W109] accept the offered memory, see where it came from, follow the link to the message", async () => {
    const page = await app.signIn("memory-e2e-ann");
    await page.getByLabel("Message").fill("I fly out of JFK on Friday");
    await page.keyboard.press("Enter");
    await card(page).and(page.locator('[data-status="proposed"]')).waitFor({ timeout: 30_000 });
    await screenshot(page, "memory-01-offer");
    // Nothing is stored before the user says so.
    await page.goto(`${app.server.url}/memory`);
    await page.getByTestId("memories").getByText("Nothing pinned yet").waitFor();
    await page.goBack();
    await card(page).getByRole("button", { name: "Remember", exact: true }).click();
    await card(page).and(page.locator('[data-status="confirmed"]')).waitFor({ timeout: 10_000 });

    await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "Memory", exact: true }).click();
    const row = page.getByTestId("memory").filter({ hasText: "home airport" });
    await row.waitFor();
    await expect.poll(() => row.getByLabel("Value of home airport").inputValue()).toBe("JFK");
    const source = row.getByTestId("memory-source");
    await expect.poll(() => source.innerText()).toMatch(/^From your message in Chat, \w{3} \d{1,2}, \d{1,2}:\d{2} [AP]M$/);
    await expect.poll(() => row.getByTestId("memory-used").innerText()).toBe("Not used yet");
    await screenshot(page, "memory-02-view");
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await axeFindings(page), scheme).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: "light" });

    const href = await source.getAttribute("href");
    expect(href).toMatch(/^\/chat\?c=main&message=[0-9a-f-]{36}$/);
    const messageId = new URL(href!, app.server.url).searchParams.get("message")!;
    // The link's target exists: the room's state holds that message, the user's own words.
    const messages = ((await brainState(page)) as { recentMessages: { id: string; role: string; text: string }[] }).recentMessages;
    expect(messages.find((m) => m.id === messageId)).toMatchObject({ role: "user", text: "I fly out of JFK on Friday" });
    await source.click();
    await page.waitForURL((url) => url.pathname === "/chat" && url.searchParams.get("message") === messageId);
    // The chat opens on that very message (W95): it is the highlighted row, the only one, with the user's words.
    const target = page.locator(`[data-message="${messageId}"]`);
    await expect.poll(() => target.getAttribute("data-highlight"), { timeout: 20_000 }).toBe("true");
    expect(await target.getAttribute("data-testid")).toBe("user-message");
    expect(await target.innerText()).toContain("I fly out of JFK on Friday");
    expect(await page.locator('[data-highlight="true"]').count()).toBe(1);

    // W107: a link to one memory highlights it; the next message uses it (Y4: "last used").
    await page.getByLabel("Message").fill("what is on today");
    await page.keyboard.press("Enter");
    await page.getByTestId("reply").nth(1).waitFor({ timeout: 30_000 });
    const memoryId = ((await brainState(page)) as { memories: { id: string }[] }).memories[0]!.id;
    await page.goto(`${app.server.url}/memory?memory=${memoryId}`);
    const highlighted = page.locator(`[data-memory-id="${memoryId}"][aria-current="true"]`);
    await highlighted.waitFor();
    await expect.poll(() => highlighted.getByTestId("memory-used").innerText()).toMatch(/^Last used (just now|1 minute ago)$/);
    await highlighted.getByLabel("Forget home airport after").selectOption("30 days");
    await highlighted.getByTestId("memory-expiry").waitFor();
    await screenshot(page, "memory-03-highlighted");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "memory-04-phone");
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await axeFindings(page), `phone ${scheme}`).toEqual([]);
    }
  });
});
