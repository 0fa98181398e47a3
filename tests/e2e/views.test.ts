import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { BrainStateSchema, DevSessionSchema } from "../../shared/api.ts";
import {
  APP_NAME,
  axeFindings,
  focusFinding,
  type NavView,
  navigateAndFocus,
  navLink,
  navViews,
  report,
  routePaths,
  type Scheme,
  smallTargets,
  trackRequests,
  WIDTHS,
  type Width,
} from "./a11y.ts";
import { browserApp, screenshot, whenLive } from "./browser.ts";

/**
 * The standing accessibility audit (docs/PROTOCOL.md W50–W54): EVERY view — the
 * sign-in and each view the shell's nav offers, checked against the route tree so
 * that a new view is audited by construction — at desktop (1200×800) and phone
 * (390×844) width, in light and dark, with data and empty:
 * - axe (WCAG 2.1 A/AA) finds no serious or critical violation (W52);
 * - a click on the view's nav link moves focus to the view's one <h1> (W50), the
 *   link says `aria-current="page"` and the tab's title names the view (W54);
 * - at phone width every visible control is at least 44×44 px (W51);
 * - a screenshot per view × width × scheme: tests/e2e/screenshots/views-<view>-<width>-<scheme>.png
 *   (`views-<view>-empty-…` for the empty states).
 * Each test visits every view and fails once, listing every finding as
 * "view · width · scheme: what, where, how to fix".
 */
describe("Web app — every view, accessible, at desktop and phone width, light and dark (the standing audit)", () => {
  // Each audit signs in a new device: more than the default 30 dev logins a minute is fine here.
  const app = browserApp({ DEV_LOGINS_PER_MINUTE: "1000" });
  const SEEDED = "audit-ada";
  const EMPTY = "audit-eve";

  beforeAll(async () => {
    await seed(app.server.url, SEEDED);
  });

  it("[W52] the audit's views are the app's: every route but the sign-in is a link of the nav", async () => {
    const page = await app.signIn(EMPTY);
    const nav = await navViews(page);
    const missing = routePaths().filter((path) => path !== "/login" && !nav.some((v) => v.path === path));
    const stray = nav.filter((v) => !routePaths().includes(v.path));
    console.log(`[views] routes: ${routePaths().join(" ")} · nav: ${nav.map((v) => `${v.name}=${v.path}`).join(" ")}`);
    expect(nav.length, "the nav has no links").toBeGreaterThan(0);
    expect(missing, "routes no nav link reaches (add them to VIEWS in web/routes/_app.tsx)").toEqual([]);
    expect(stray, "nav links to no route").toEqual([]);
    await page.context().close();
  });

  for (const state of ["seeded", "empty"] as const) {
    for (const width of ["desktop", "phone"] as const) {
      for (const scheme of ["light", "dark"] as const) {
        it(`[W50][W51][W52][W54] ${state} views at ${width} width in ${scheme}: axe clean, focus on each view's h1, 44 px targets, screenshots`, async () => {
          const findings = await audit(state, width, scheme);
          expect(findings.length, report(`${state} views at ${width} width in ${scheme}`, findings)).toBe(0);
        });
      }
    }
  }

  it("[W50] focus lands on each view's h1 after Tab to its nav link and Enter, at desktop and phone width", async () => {
    const findings: string[] = [];
    for (const width of ["desktop", "phone"] as const) {
      const page = await app.signIn(SEEDED, { viewport: WIDTHS[width] });
      for (const view of tour(await navViews(page), page)) {
        const note = (lines: string[]) => findings.push(...lines.map((l) => `${view.name} · ${width} · keyboard: ${l}`));
        const presses = await shiftTabTo(page, view.name);
        if (presses === null) {
          note([`its nav link was not reached by Shift+Tab from the view (${MAX_TABS} presses)`]);
          continue;
        }
        const where = await navigateAndFocus(page, () => page.keyboard.press("Enter"), view.path);
        note(focusFinding(view.name, "Enter on the nav link", where));
        if (new URL(page.url()).pathname !== view.path) note([`Enter on the nav link went to ${page.url()}, not ${view.path}`]);
      }
      await page.context().close();
    }
    expect(findings.length, report("Tab to the nav link, Enter", findings)).toBe(0);
  });

  it("[W52][W51] the sign-in's error is announced (role=alert), marks its field invalid, and stays axe clean with 44 px targets, light and dark", async () => {
    const findings: string[] = [];
    for (const scheme of ["light", "dark"] as const) {
      const context = await app.browser.newContext({ viewport: WIDTHS.phone, colorScheme: scheme });
      const page = await context.newPage();
      await page.goto(`${app.server.url}/login`);
      await page.getByLabel("User id").fill("not a valid id!");
      await page.getByRole("button", { name: /log in/i }).click();
      const alert = page.getByRole("alert");
      await alert.waitFor();
      const note = (lines: string[]) => findings.push(...lines.map((l) => `login error · phone · ${scheme}: ${l}`));
      const said = (await alert.innerText()).trim();
      if (!/user id/i.test(said)) note([`the alert says "${said}", not what is wrong with the user id`]);
      if ((await page.getByLabel("User id").getAttribute("aria-invalid")) !== "true") note(["the user id field is not aria-invalid"]);
      note(await axeFindings(page));
      note((await smallTargets(page)).map((t) => `target "${t.name}" (${t.role}) is ${t.width}×${t.height} px — at ${t.where}`));
      await screenshot(page, `views-login-error-phone-${scheme}`);
      await context.close();
    }
    expect(findings.length, report("the sign-in's error", findings)).toBe(0);
  });

  /** Visits every view (and the sign-in, with data) and returns what is wrong, one line per finding. */
  async function audit(state: "seeded" | "empty", width: Width, scheme: Scheme): Promise<string[]> {
    const findings: string[] = [];
    const context = await app.browser.newContext({ viewport: WIDTHS[width], colorScheme: scheme, reducedMotion: "reduce" });
    const page = await context.newPage();
    const settled = trackRequests(page);
    page.on("pageerror", (error) => findings.push(`page error: ${error.message}`));
    const shot = (view: string) => `views-${view}${state === "empty" ? "-empty" : ""}-${width}-${scheme}`;

    const check = async (view: string) => {
      const note = (lines: string[]) => findings.push(...lines.map((l) => `${view} · ${width} · ${scheme}: ${l}`));
      await settled();
      const axe = await axeFindings(page);
      note(axe);
      const small = width === "phone" ? await smallTargets(page) : [];
      note(small.map((t) => `target "${t.name}" (${t.role}) is ${t.width}×${t.height} px, under 44×44 — at ${t.where}`));
      // W51: nothing is wider than the screen (a phone would scroll the whole view sideways).
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 0) note([`the page is ${overflow} px wider than the screen`]);
      const title = await page.title();
      const expected = view === "login" ? `Sign in · ${APP_NAME}` : new RegExp(`^${view} · ${APP_NAME}$`, "i");
      if (typeof expected === "string" ? title !== expected : !expected.test(title)) note([`the tab's title is "${title}", not "${String(expected)}" (W54)`]);
      await screenshot(page, shot(view.toLowerCase()));
      console.log(`[views] ${view} · ${state} · ${width} · ${scheme}: axe serious/critical ${axe.length}, small targets ${width === "phone" ? small.length : "n/a"}`);
    };

    await page.goto(`${app.server.url}/login`);
    await page.getByLabel("User id").waitFor();
    if (state === "seeded") {
      const h1 = await page.locator("h1").count();
      if (h1 !== 1) findings.push(`login · ${width} · ${scheme}: ${h1} <h1> elements, not one`);
      await check("login");
    }
    await page.getByLabel("User id").fill(state === "seeded" ? SEEDED : EMPTY);
    await page.getByRole("button", { name: /log in/i }).click();
    await whenLive(page);

    for (const view of tour(await navViews(page), page)) {
      const note = (lines: string[]) => findings.push(...lines.map((l) => `${view.name} · ${width} · ${scheme}: ${l}`));
      const where = await navigateAndFocus(page, () => navLink(page, view.name).click(), view.path);
      note(focusFinding(view.name, "click on the nav link", where));
      if (new URL(page.url()).pathname !== view.path) note([`the nav link went to ${page.url()}, not ${view.path}`]);
      if ((await navLink(page, view.name).getAttribute("aria-current")) !== "page") note([`its nav link does not say aria-current="page"`]);
      await check(view.name);
    }
    await context.close();
    return findings;
  }
});

/** The nav's views in an order that starts away from the current one, so that each visit is a view change. */
function tour(views: NavView[], page: Page): NavView[] {
  const here = views.findIndex((v) => v.path === new URL(page.url()).pathname);
  return here < 0 ? views : [...views.slice(here + 1), ...views.slice(0, here + 1)];
}

const MAX_TABS = 80;

/** Presses Shift+Tab (backwards, from the view towards the nav before it) until the nav link `name` has focus; how many presses, or null. */
async function shiftTabTo(page: Page, name: string): Promise<number | null> {
  for (let presses = 1; presses <= MAX_TABS; presses++) {
    await page.keyboard.press("Shift+Tab");
    const onLink = await page.evaluate((want: string) => {
      const el = document.activeElement;
      return Boolean(el?.closest("nav[aria-label='Views']")) && el instanceof HTMLElement && el.innerText.trim() === want;
    }, name);
    if (onLink) return presses;
  }
  return null;
}

/** Gives `userId` something in every view: tasks (due, overdue, tagged), a note, a memory, and a chat turn with its reply. */
async function seed(url: string, userId: string) {
  const login = await fetch(`${url}/api/v1/dev/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId }) });
  const { token } = DevSessionSchema.parse(await login.json());
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`seeding ${path}: ${res.status} ${await res.text()}`);
    const answer: unknown = await res.json();
    return answer;
  };
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  await post("/api/v1/tasks", { action: "create", task: { title: "Call John about the budget", due: `${day(1)}T15:00:00Z` } });
  await post("/api/v1/tasks", { action: "create", task: { title: "Renew passport", due: day(-1), tags: ["admin"] } });
  await post("/api/v1/tasks", { action: "create", task: { title: "Book the hotel in Lisbon", tags: ["travel"] } });
  await post("/api/v1/notes", { action: "create", note: { title: "Trip ideas", body: "Lisbon in May.\n\n- Pastéis de Belém\n- Tram 28" } });
  await post("/api/v1/memory/pin", { type: "place", key: "favorite airport", value: "JFK" });
  // The reply's stream ends when the turn does: then the message and its reply are stored.
  const sent = await post("/api/v1/message", { text: "remind me to water the plants tomorrow at 9am" });
  const { streamUrl } = z.object({ streamUrl: z.string() }).parse(sent);
  await (await fetch(`${url}${streamUrl}`, { headers })).text();
  const state = BrainStateSchema.parse(await (await fetch(`${url}/api/v1/state`, { headers })).json());
  if (!state.recentMessages.some((m) => m.role === "assistant" && m.status === "complete")) throw new Error("seeding: the assistant's reply was not stored");
}
