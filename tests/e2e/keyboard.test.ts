import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { APP_NAME, type Focused, focused, focusFinding, navigateAndFocus, navViews, report, WIDTHS } from "./a11y.ts";
import { browserApp, screenshot, whenLive } from "./browser.ts";

/**
 * The whole app by keyboard alone (docs/PROTOCOL.md W53): sign in, the skip link,
 * every view by its Alt+digit shortcut (read from the nav link's aria-keyshortcuts,
 * so a new view is covered), the first stops of each view by Tab, and the nav by
 * Shift+Tab — every element that takes focus shows a ring (a computed outline or
 * box-shadow), and each view change puts focus on the view's <h1> (W50).
 */
describe("Web app — keyboard only, focus always visible", () => {
  const app = browserApp({ DEV_LOGINS_PER_MINUTE: "1000" });

  it("[W53][W50] sign in, skip link, every view by Alt+digit, Tab and Shift+Tab, with a visible focus ring on every stop", async () => {
    const findings: string[] = [];
    const context = await app.browser.newContext({ viewport: WIDTHS.desktop });
    const page = await context.newPage();
    page.on("pageerror", (error) => findings.push(`page error: ${error.message}`));
    const ring = (where: string, f: Focused) => {
      if (!f.ring && f.tag !== "body") findings.push(`${where}: focus on <${f.tag}> "${f.name}" shows no ring (${f.style})`);
    };

    // Sign in: the user id field has focus on arrival; Enter submits.
    await page.goto(`${app.server.url}/login`);
    await page.getByLabel("User id").waitFor();
    const arrival = await focused(page);
    if (arrival.tag !== "input") findings.push(`login: focus on arrival is <${arrival.tag}>, not the user id field`);
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type("keys-kai");
    ring("login: user id", await focused(page));
    await page.keyboard.press("Tab");
    ring("login: submit", await focused(page));
    await page.keyboard.press("Enter");
    await whenLive(page);

    // The skip link: the first Tab stop of a freshly loaded view; Enter takes focus to the view.
    await page.goto(`${app.server.url}/tasks`);
    await whenLive(page);
    await page.keyboard.press("Tab");
    const skip = await focused(page);
    const box = await page.getByRole("link", { name: "Skip to content" }).boundingBox();
    if (skip.name !== "Skip to content") findings.push(`skip link: the first Tab stop is <${skip.tag}> "${skip.name}", not "Skip to content"`);
    else {
      ring("skip link", skip);
      if (!box || box.width < 44 || box.height < 44 || box.y < 0) findings.push(`skip link: shown at ${JSON.stringify(box)}, not a visible 44×44 px target`);
      await screenshot(page, "keyboard-01-skip-link");
      const after = await navigateAndFocus(page, () => page.keyboard.press("Enter"));
      findings.push(...focusFinding("Tasks", "Enter on the skip link", after).map((l) => `skip link: ${l}`));
    }

    // Every view by its shortcut; then its first Tab stops, each with a ring.
    const views = await navViews(page);
    const shortcuts = await page
      .getByRole("navigation", { name: "Views" })
      .getByRole("link")
      .evaluateAll((links) => links.map((a) => a.getAttribute("aria-keyshortcuts")));
    for (const [i, view] of [...views.entries()].reverse()) {
      const keys = shortcuts[i];
      if (!keys) {
        findings.push(`${view.name}: its nav link has no aria-keyshortcuts`);
        continue;
      }
      const where = await navigateAndFocus(page, () => page.keyboard.press(keys), view.path);
      findings.push(...focusFinding(view.name, keys, where).map((l) => `${view.name}: ${l}`));
      if (new URL(page.url()).pathname !== view.path) findings.push(`${view.name}: ${keys} went to ${page.url()}, not ${view.path}`);
      if ((await page.title()) !== `${view.name} · ${APP_NAME}`) findings.push(`${view.name}: the tab's title is "${await page.title()}"`);
      ring(`${view.name}: its heading after ${keys}`, where);
      await screenshot(page, `keyboard-02-${view.name.toLowerCase()}-heading`);
      for (let stop = 1; stop <= 3; stop++) {
        await page.keyboard.press("Tab");
        ring(`${view.name}: Tab stop ${stop} after the heading`, await focused(page));
      }
    }

    // Back through the nav with Shift+Tab from inside the last view: every nav link shows its ring.
    const seen = await shiftTabThroughNav(page, views.length);
    for (const f of seen) ring(`nav: link "${f.name}"`, f);
    if (seen.length < views.length) findings.push(`nav: Shift+Tab from the view reached ${seen.length} of the ${views.length} nav links`);
    await screenshot(page, "keyboard-03-nav-link-focused");

    await context.close();
    expect(findings.length, report("keyboard only", findings)).toBe(0);
  });
});

/** Shift+Tab until every nav link has had focus (or 80 presses); where focus was on each link. */
async function shiftTabThroughNav(page: Page, links: number): Promise<Focused[]> {
  const seen: Focused[] = [];
  for (let presses = 0; presses < 80 && seen.length < links; presses++) {
    await page.keyboard.press("Shift+Tab");
    const inNav = await page.evaluate(() => Boolean(document.activeElement?.closest("nav[aria-label='Views']")));
    if (inNav) seen.push(await focused(page));
  }
  return seen;
}
