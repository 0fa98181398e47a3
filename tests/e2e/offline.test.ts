import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserApp, screenshot, whenLive } from "./browser.ts";
import { startViteDevServer } from "./vite-dev.ts";

/** Width and height of a PNG, from its IHDR chunk; null when the bytes are not a PNG. */
function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Resolves once a service worker controls the page (it claims the page on its first install). */
const whenControlled = (page: Page) =>
  page.waitForFunction(async () => {
    await navigator.serviceWorker.ready;
    return navigator.serviceWorker.controller !== null;
  }, undefined, { timeout: 30_000 });

const banner = (page: Page) => page.getByTestId("connection-banner");

describe("Web app — the offline app shell", () => {
  const app = browserApp({ OFFLINE_TOKEN_DELAY_MS: "20" });

  it("[W40][W41][W42][C2][G2] reloaded offline, the app opens with its tasks, notes and queued message; back online the message is sent once", async () => {
    const page = await app.signIn("olive");
    await whenControlled(page);
    const token = await page.evaluate(() => localStorage.getItem("micro-cos.token"));
    const call = async (path: string, body?: unknown) => {
      const res = await fetch(`${app.server.url}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(res.ok, `${path}: ${res.status}`).toBe(true);
      return res.json() as Promise<{ recentMessages: { role: string; text: string }[] }>;
    };
    const text = "remember that my cat is Miso";
    const sentTimes = async () => (await call("/api/v1/state")).recentMessages.filter((m) => m.role === "user" && m.text === text).length;
    const queued = () => page.evaluate((): number => JSON.parse(localStorage.getItem("micro-cos.outbox.olive") ?? "[]").length);

    // A task and a note, made through the API so this test does not lean on the editors' UI (their own
    // tests cover it): they reach this device through the document and land in its IndexedDB copy.
    await call("/api/v1/tasks", { action: "create", task: { title: "Water the ferns" } });
    await call("/api/v1/notes", { action: "create", note: { title: "Packing list", body: "passport, charger" } });
    await page.getByRole("link", { name: "Tasks" }).click();
    await page.getByTestId("tasks").filter({ hasText: "Water the ferns" }).waitFor({ timeout: 15_000 });
    await page.getByRole("link", { name: "Notes" }).click();
    await page.getByTestId("notes").filter({ hasText: "Packing list" }).waitFor({ timeout: 15_000 });
    await page.getByRole("link", { name: "Chat" }).click();
    // The last known state is kept for this user (throttled, and flushed when the page hides).
    await expect.poll(() => page.evaluate(() => localStorage.getItem("micro-cos.state.olive") !== null), { timeout: 10_000 }).toBe(true);
    expect(await banner(page).innerText()).toBe("");

    await page.context().setOffline(true);
    await page.getByTestId("status").filter({ hasText: "offline" }).waitFor({ state: "attached", timeout: 20_000 });
    // A task added offline lives only in the document and its IndexedDB copy (no server, no state).
    await page.getByRole("link", { name: "Tasks" }).click();
    await page.getByLabel("New task").fill("Buy stamps offline");
    await page.keyboard.press("Enter");
    await page.getByTestId("tasks").filter({ hasText: "Buy stamps offline" }).waitFor();
    await page.getByRole("link", { name: "Chat" }).click();
    await page.getByLabel("Message").fill(text);
    await page.keyboard.press("Enter");
    await expect.poll(queued).toBe(1);
    await banner(page).getByText("1 message waiting to send").waitFor();

    // Reloaded with no network: the service worker serves the app, not the browser's offline page.
    await page.reload();
    await banner(page).getByText("You're offline").waitFor({ timeout: 20_000 });
    await banner(page).getByText("1 message waiting to send").waitFor();
    await page.getByText(text).first().waitFor({ timeout: 15_000 });
    expect(await queued()).toBe(1);
    await screenshot(page, "offline-01-chat-desktop");
    // Every view opens offline (their code is precached): the document from IndexedDB.
    await page.getByRole("link", { name: "Tasks" }).click();
    await page.getByTestId("tasks").filter({ hasText: "Water the ferns" }).waitFor({ timeout: 15_000 });
    await page.getByTestId("tasks").filter({ hasText: "Buy stamps offline" }).waitFor();
    await banner(page).getByText("You're offline").waitFor();
    await screenshot(page, "offline-02-tasks-desktop");
    await page.getByRole("link", { name: "Notes" }).click();
    await page.getByTestId("notes").filter({ hasText: "Packing list" }).waitFor({ timeout: 15_000 });
    // The offline state is accessible: no serious or critical axe violation in the banner, in light and dark.
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      const { violations } = await new AxeBuilder({ page }).include('[data-testid="connection-banner"]').analyze();
      const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), colorScheme).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: "light" });
    // The other views open offline too, each with its heading (W40).
    for (const view of ["Memory", "Devices", "Activity", "Settings"]) {
      await page.getByRole("link", { name: view }).click();
      await page.getByRole("heading", { level: 1, name: view }).waitFor({ timeout: 15_000 });
    }
    await page.getByRole("link", { name: "Chat" }).click();
    await page.getByText(text).first().waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await banner(page).getByText("You're offline").waitFor();
    expect(await banner(page).isVisible()).toBe(true);
    await screenshot(page, "offline-03-chat-phone");
    await page.emulateMedia({ colorScheme: "dark" });
    await screenshot(page, "offline-04-chat-phone-dark");
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 1200, height: 800 });
    expect(await sentTimes()).toBe(0);

    // Back online: the queued message is sent exactly once and the banner goes away.
    await page.context().setOffline(false);
    // A browser fires `online` when its network returns; Chromium's emulated offline does not for a
    // document loaded while offline (it reports onLine true there), so the test fires it as the
    // browser would. The app reconnects on it (brain-provider).
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    await whenLive(page);
    await page.getByTestId("reply").filter({ hasText: "your cat is Miso" }).waitFor({ timeout: 20_000 });
    await expect.poll(queued, { timeout: 10_000 }).toBe(0);
    expect(await sentTimes()).toBe(1);
    // The task made offline reached the room.
    await expect.poll(async () => JSON.stringify(await call("/api/v1/state")), { timeout: 10_000 }).toContain("Buy stamps offline");
    await expect.poll(() => banner(page).getAttribute("data-connection")).toBe("live");
    expect(await banner(page).innerText()).toBe("");
    await page.reload();
    await whenLive(page);
    expect(await sentTimes()).toBe(1);
  });

  it("[W41] offline, the kept state is used only when it parses and is the signed-in user's own", async () => {
    const page = await app.signIn("pia");
    await whenControlled(page);
    const stateKey = "micro-cos.state.pia";
    await expect.poll(() => page.evaluate((key) => localStorage.getItem(key) !== null, stateKey), { timeout: 10_000 }).toBe(true);
    const piaCopy = await page.evaluate((key) => localStorage.getItem(key)!, stateKey);
    const piaToken = await page.evaluate(() => localStorage.getItem("micro-cos.token")!);
    const login = await fetch(`${app.server.url}/api/v1/dev/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: "zed" }) });
    const zedToken = ((await login.json()) as { token: string }).token;
    await page.context().setOffline(true);
    await page.getByTestId("status").filter({ hasText: "offline" }).waitFor({ state: "attached", timeout: 20_000 });
    const composer = page.getByLabel("Message");
    /** Reloads offline with this token and kept copies; true when the chat view opened. */
    const opensOffline = async (token: string, copies: Record<string, string>) => {
      await page.evaluate(
        ([t, c]) => {
          localStorage.setItem("micro-cos.token", t);
          for (const [key, value] of Object.entries(c)) localStorage.setItem(key, value);
        },
        [token, copies] as const,
      );
      await page.reload();
      // The shell (precached) always opens: either the view, or the error view saying there is no copy.
      const noCopy = page.getByRole("alert").filter({ hasText: "no saved copy" });
      await composer.or(noCopy).first().waitFor({ timeout: 15_000 });
      return composer.isVisible();
    };
    // Pia's copy, stored under Zed's key: Zed, signed in on this browser, is never shown it.
    expect(await opensOffline(zedToken, { "micro-cos.state.zed": piaCopy })).toBe(false);
    await screenshot(page, "offline-05-no-copy");
    // A copy that does not parse (tampered, another version) is ignored, not trusted.
    expect(await opensOffline(piaToken, { [stateKey]: JSON.stringify({ v: 1, savedAt: "x", state: { userId: "pia", tasks: "not a list" } }) })).toBe(false);
    // Pia's own, intact copy opens the app offline.
    expect(await opensOffline(piaToken, { [stateKey]: piaCopy })).toBe(true);
    await page.context().setOffline(false);
    await page.reload();
    await whenLive(page);
  });

  it("[W43] the web app manifest is served, parses, and each of its icons is a PNG of its stated size", async () => {
    const html = await (await fetch(`${app.server.url}/chat`)).text();
    expect(html).toMatch(/<link rel="manifest" href="\/manifest.webmanifest"/);
    expect(html).toMatch(/<link rel="apple-touch-icon" href="\/icons\/apple-touch-icon.png"/);
    expect(html).toMatch(/<meta name="theme-color"[^>]*prefers-color-scheme: dark/);
    const res = await fetch(`${app.server.url}/manifest.webmanifest`);
    expect(res.status).toBe(200);
    const manifest = (await res.json()) as { name: string; short_name: string; start_url: string; display: string; theme_color: string; background_color: string; icons: { src: string; sizes: string; type: string; purpose?: string }[] };
    expect(manifest).toMatchObject({ name: "Micro CoS", short_name: "Micro CoS", start_url: "/chat", display: "standalone" });
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
    const pngs = manifest.icons.filter((i) => i.type === "image/png");
    expect(pngs.map((i) => `${i.sizes} ${i.purpose ?? "any"}`).sort()).toEqual(["192x192 any", "512x512 any", "512x512 maskable"]);
    for (const icon of [...pngs, { src: "/icons/apple-touch-icon.png", sizes: "180x180" }]) {
      const image = await fetch(`${app.server.url}${icon.src}`);
      expect(image.headers.get("content-type"), icon.src).toBe("image/png");
      const size = pngSize(new Uint8Array(await image.arrayBuffer()));
      expect(size && `${size.width}x${size.height}`, icon.src).toBe(icon.sizes);
    }
    // The service worker itself is served, and precaches the app and no API response: the list
    // the build injected at `precacheAndRoute(self.__WB_MANIFEST)` (web/sw.ts, minified: read
    // the entries, not the function's name).
    const sw = await (await fetch(`${app.server.url}/sw.js`)).text();
    const precached = [...sw.matchAll(/\{"revision":(?:"[0-9a-f]+"|null),"url":"([^"]+)"\}/g)].map((m) => m[1] ?? "");
    expect(precached).toContain("index.html");
    expect(precached.some((url) => url.endsWith(".js"))).toBe(true);
    expect(precached.filter((url) => /^\/?api\//.test(url))).toEqual([]);
  });

  it("[W40] under `npm run dev` no service worker is registered", async () => {
    const dev = await startViteDevServer();
    try {
      const context = await app.browser.newContext({ viewport: { width: 1200, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${dev.url}/login`);
      await page.getByLabel("User id").fill("quill");
      await page.getByRole("button", { name: /log in/i }).click();
      await whenLive(page);
      expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
      expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
      await context.close();
    } finally {
      await dev.stop();
    }
  });
});
