/**
 * Branches in the web app (docs/PROTOCOL.md W92, W93, W95): editing a sent
 * message makes a new version beside the old one (‹ 2/2 ›), still there after
 * a reload, the chosen one kept over a reload; regenerating a reply (over the socket) makes a sibling reply
 * the picker flips to, and says "offline" when there is no network;
 * `/chat?c=&message=` opens a message on a branch not shown, highlighted.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeFindings } from "./a11y.ts";
import { browserApp, screenshot } from "./browser.ts";

/** Waits on what the page shows (replies stream for seconds under load), never a fixed sleep. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });

describe("Web app — branches", () => {
  const app = browserApp();

  const waitReplies = (page: Page) => poll(async () => (await page.getByTestId("reply").evaluateAll((els) => els.map((e) => e.getAttribute("data-status")))).every((s) => s === "completed")).toBe(true);
  const send = async (page: Page, text: string) => {
    await page.getByLabel("Message").fill(text);
    await page.keyboard.press("Enter");
    // .last(): for a moment the stored message (its event) and the outbox entry (before its ack) are both drawn (W12).
    await page.getByTestId("user-message").filter({ hasText: text }).last().waitFor();
    await waitReplies(page);
  };
  const userTexts = (page: Page) => page.getByTestId("user-message").locator("div.rounded-3xl").allInnerTexts();
  const edit = async (page: Page, from: string, to: string) => {
    const bubble = page.getByTestId("user-message").filter({ hasText: from });
    await bubble.hover();
    await bubble.getByRole("button", { name: "Edit and resend" }).click();
    const input = page.getByRole("textbox", { name: "Edited text" });
    await input.fill(to);
    await input.press("Enter");
  };

  it("[W92] edit a sent message → a new version 2/2 with its own reply; after a reload 1/2 is still there and flips back", async () => {
    const page = await app.signIn("branch-edit");
    await send(page, "plan a trip to Rome");
    await send(page, "in March");
    await edit(page, "in March", "in April");
    await poll(() => userTexts(page)).toEqual(["plan a trip to Rome", "in April"]);
    const picker = page.getByRole("group", { name: "Version 2 of 2" });
    await picker.waitFor();
    await waitReplies(page);
    await screenshot(page, "branches-edit-2of2");

    await page.reload();
    await page.getByRole("group", { name: "Version 2 of 2" }).waitFor();
    await poll(() => userTexts(page)).toEqual(["plan a trip to Rome", "in April"]);
    await page.getByRole("button", { name: "Previous version" }).click();
    await page.getByRole("group", { name: "Version 1 of 2" }).waitFor();
    await poll(() => userTexts(page)).toEqual(["plan a trip to Rome", "in March"]);
    expect(await page.getByRole("button", { name: "Previous version" }).isDisabled()).toBe(true);
    // The new position is announced politely; focus moved to "Next version" (the pressed one is disabled at the end).
    await poll(() => page.getByTestId("branch-announcement").innerText()).toBe("Version 1 of 2");
    expect(await page.getByTestId("branch-announcement").getAttribute("aria-live")).toBe("polite");
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Next version");
    await screenshot(page, "branches-edit-1of2");
    // The choice survives a reload (sessionStorage, per thread): version 1 still on screen.
    await page.reload();
    await page.getByRole("group", { name: "Version 1 of 2" }).waitFor();
    await poll(() => userTexts(page)).toEqual(["plan a trip to Rome", "in March"]);

    // The next message follows the branch on screen: the old one, now continued.
    await send(page, "and a museum");
    await poll(() => userTexts(page)).toEqual(["plan a trip to Rome", "in March", "and a museum"]);
    await page.reload();
    // After a reload the newest branch shows: the one just continued, the older version.
    await poll(() => userTexts(page)).toEqual(["plan a trip to Rome", "in March", "and a museum"]);
    await page.getByRole("group", { name: "Version 1 of 2" }).waitFor();
  });

  it("[W93] regenerate a reply → a second reply beside the first; the picker flips between them, on another device too", async () => {
    const page = await app.signIn("branch-regen");
    // W93: while the socket is live, regenerate is its message.regenerate frame, not the HTTP route.
    const overHttp: string[] = [];
    page.on("request", (r) => void (r.url().endsWith("/regenerate") && overHttp.push(r.url())));
    await send(page, "hello");
    const first = await page.getByTestId("reply").last().getAttribute("data-turn");
    await page.getByTestId("reply").last().hover();
    await page.getByRole("button", { name: "Regenerate" }).click();
    await page.getByRole("group", { name: "Reply 2 of 2" }).waitFor();
    await waitReplies(page);
    const second = await page.getByTestId("reply").last().getAttribute("data-turn");
    expect(second).not.toBe(first);
    expect(overHttp).toEqual([]);
    // One question, one reply on screen: the sibling replaces it in view, it is not appended after.
    expect(await page.getByTestId("user-message").count()).toBe(1);
    expect(await page.getByTestId("reply").count()).toBe(1);
    await page.getByRole("button", { name: "Previous reply" }).click();
    await page.getByRole("group", { name: "Reply 1 of 2" }).waitFor();
    expect(await page.getByTestId("reply").last().getAttribute("data-turn")).toBe(first);
    await screenshot(page, "branches-regenerate");

    const other = await app.signIn("branch-regen");
    await other.getByRole("group", { name: "Reply 2 of 2" }).waitFor();
    expect(await other.getByTestId("reply").last().getAttribute("data-turn")).toBe(second);
    // The pickers pass axe in light and dark.
    const findings: string[] = [];
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      findings.push(...(await axeFindings(page)).map((f) => `${colorScheme}: ${f}`));
    }
    await screenshot(page, "branches-regenerate-dark");
    expect(findings).toEqual([]);

    // Offline: regenerate says to try again once connected (no error, no third reply).
    await page.getByRole("group", { name: "Reply 1 of 2" }).waitFor();
    await page.context().setOffline(true);
    await page.getByTestId("status").filter({ hasText: "offline" }).waitFor({ state: "attached" });
    await page.getByTestId("reply").last().hover();
    await page.getByRole("button", { name: "Regenerate" }).click();
    await page.getByText("You're offline — try again when connected").waitFor();
    expect(await page.getByText("Could not ask for another answer").count()).toBe(0);
    await screenshot(page, "branches-regenerate-offline");
    await page.context().setOffline(false);
    await page.getByTestId("status").filter({ hasText: "live" }).waitFor({ state: "attached" });
    // The reply on screen stays the one chosen (nothing was asked).
    expect(await page.getByRole("group", { name: "Reply 1 of 2" }).count()).toBe(1);
  });

  it("[W95] /chat?c=&message= opens the thread on the message's branch, scrolled to it and highlighted", async () => {
    const page = await app.signIn("branch-link");
    await send(page, "first question");
    await send(page, "old wording");
    const oldId = await page.getByTestId("user-message").filter({ hasText: "old wording" }).getAttribute("data-message");
    await edit(page, "old wording", "new wording");
    await page.getByRole("group", { name: "Version 2 of 2" }).waitFor();
    await waitReplies(page);
    await page.goto(`${app.server.url}/chat?c=main&message=${oldId}`);
    const target = page.locator(`[data-message="${oldId}"]`);
    await poll(() => target.getAttribute("data-highlight")).toBe("true");
    await page.getByRole("group", { name: "Version 1 of 2" }).waitFor();
    await screenshot(page, "branches-linked");
  });
});
