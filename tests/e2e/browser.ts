/**
 * Chromium for browser tests: Debian's package (installed by .ci/run), driven
 * by playwright-core. No download of a browser of its own. A missing browser
 * fails the test with a clear message — it never skips.
 */
import { existsSync } from "node:fs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { type DevServer, startDevServer } from "../integration/dev-server.ts";

const CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export function chromiumPath(): string {
  const found = CANDIDATES.find((p): p is string => Boolean(p) && existsSync(p!));
  if (!found) {
    throw new Error("No Chromium found for the browser tests. Install Debian's package (`apt-get install -y chromium`, as .ci/run does) or set CHROMIUM_PATH.");
  }
  return found;
}

/** `extraArgs` add Chromium switches for one test file (e.g. a fake microphone); the defaults stay. */
export function launch(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", ...extraArgs],
  });
}

/**
 * W115: Chromium's fake microphone playing `wav` (looped) with the permission
 * prompt answered yes — what the voice tests hold the button against.
 */
export const fakeMicrophoneArgs = (wav: string): string[] => ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-audio-capture=${wav}`];

export const SCREENSHOTS = join(process.cwd(), "tests/e2e/screenshots");

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Waits until the page's connection to the room is live (the status badge). */
/** A call of the room's API from the page, with the page's own session (its stored token). */
export async function pageCall(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const token = localStorage.getItem("micro-cos.token");
      const res = await fetch(path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: await res.json().catch(() => null) };
    },
    { method, path, body },
  );
}

export const whenLive = (page: Page) => page.getByTestId("status").filter({ hasText: "live" }).waitFor({ state: "attached", timeout: 30_000 });

/**
 * `npm start`'s server and a Chromium for one describe block, started before
 * its tests and stopped after, and a sign-in as a fresh browser context (a
 * device) that resolves once the page is live.
 */
export function browserApp(env: Record<string, string> = {}) {
  let server: DevServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startDevServer(undefined, env);
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const started = () => {
    if (!server || !browser) throw new Error("browserApp: use it inside a describe block; its beforeAll has not run");
    return { server, browser };
  };
  return {
    get server(): DevServer {
      return started().server;
    },
    /** For a test that sets its context up itself (routes, init scripts) before the page opens. */
    get browser(): Browser {
      return started().browser;
    },
    /** With `clock`, the page runs on Playwright's clock (real pace until the test moves it: `page.clock.fastForward`). */
    async signIn(userId: string, options: BrowserContextOptions = {}, clock = false): Promise<Page> {
      const context = await started().browser.newContext({ viewport: { width: 1200, height: 800 }, ...options });
      const page = await context.newPage();
      if (clock) await page.clock.install();
      await page.goto(`${started().server.url}/login`);
      await page.getByLabel("User id").fill(userId);
      await page.getByRole("button", { name: /log in/i }).click();
      await whenLive(page);
      return page;
    },
  };
}
