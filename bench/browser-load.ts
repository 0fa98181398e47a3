/**
 * Cold load of the web app (DESIGN.md §6, issue 13 "Measured"): `npm start` (the
 * production build served by `vite preview`) beside `npm run dev` (the Vite dev
 * server) in the same run, in Debian's Chromium. Each run is a fresh browser
 * context — empty HTTP cache, no service worker — of a user already signed in
 * (the token set before the page loads), from navigation to the status badge
 * reading "live" (the socket open and welcomed). Per run, over CDP: requests the
 * page made, JS bytes as transferred (`Network.loadingFinished` encodedDataLength;
 * local servers do not compress) and as gzip would send them (each script body
 * gzipped here, what a CDN sends in production). Then, for `npm start`, a warm
 * load: the same context reloaded once its service worker controls it (W40) —
 * requests that still reach the network, and time to live.
 *
 * One warm-up load per server is not counted: Vite's dev server transforms modules
 * on first request, and workerd compiles the worker once.
 */
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startDevServer } from "../tests/integration/dev-server.ts";
import { launch } from "../tests/e2e/browser.ts";
import { startViteDevServer } from "../tests/e2e/vite-dev.ts";
import { percentile, round } from "./stats.ts";

const RUNS = Number(process.env.LOAD_RUNS) || 5;
const USER = "bench-load";
const ENV = { DEV_LOGINS_PER_MINUTE: "1000", LOG_LEVEL: "error" };

type Load = { ms: number; domReadyMs: number; requests: number; networkRequests: number; jsRequests: number; jsTransferred: number; jsGzip: number };

/** Records `performance.now()` (ms since navigation start) when the status badge first reads "live". */
const LIVE_PROBE = () => {
  const seen = () => document.querySelector('[data-testid="status"]')?.textContent === "live";
  const observer = new MutationObserver(() => {
    if (!seen()) return;
    Reflect.set(window, "__liveAt", performance.now());
    observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, characterData: true });
};

async function signedInContext(browser: Browser, token: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  await context.addInitScript((t: string) => {
    if (!localStorage.getItem("micro-cos.token")) localStorage.setItem("micro-cos.token", t);
  }, token);
  await context.addInitScript(LIVE_PROBE);
  return context;
}

/** One navigation of `page` to `url` (or a reload), measured until the badge reads live. */
async function measureLoad(page: Page, url: string | null): Promise<Load> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const scripts = new Map<string, { bytes: number; done: boolean }>();
  let requests = 0;
  let fromWorker = 0;
  cdp.on("Network.requestWillBeSent", (e) => {
    requests++;
    if (e.type === "Script") scripts.set(e.requestId, { bytes: 0, done: false });
  });
  cdp.on("Network.responseReceived", (e) => {
    if (e.response.fromServiceWorker) fromWorker++;
  });
  cdp.on("Network.loadingFinished", (e) => {
    const script = scripts.get(e.requestId);
    if (script) Object.assign(script, { bytes: e.encodedDataLength, done: true });
  });
  if (url === null) await page.reload({ waitUntil: "commit" });
  else await page.goto(url, { waitUntil: "commit" });
  const ms = Number(await (await page.waitForFunction(() => Reflect.get(window, "__liveAt"), undefined, { timeout: 60_000, polling: 50 })).jsonValue());
  // How much of the time is the page itself (parsed, scripts run) and how much the socket after it.
  const domReadyMs = await page.evaluate(() => {
    const [navigation] = performance.getEntriesByType("navigation");
    return navigation instanceof PerformanceNavigationTiming ? navigation.domContentLoadedEventEnd : NaN;
  });
  let jsGzip = 0;
  for (const [requestId, script] of scripts) {
    if (!script.done) continue;
    try {
      const { body, base64Encoded } = await cdp.send("Network.getResponseBody", { requestId });
      jsGzip += gzipSync(Buffer.from(body, base64Encoded ? "base64" : "utf8")).length;
    } catch {
      // evicted from the inspector's buffer: counted in transferred bytes only
    }
  }
  const done = [...scripts.values()].filter((s) => s.done);
  await cdp.detach();
  return { ms, domReadyMs, requests, networkRequests: requests - fromWorker, jsRequests: done.length, jsTransferred: done.reduce((n, s) => n + s.bytes, 0), jsGzip };
}

const summary = (loads: Load[]) => ({
  runs: loads.length,
  p50Ms: round(percentile(loads.map((l) => l.ms), 50), 1),
  p99Ms: round(percentile(loads.map((l) => l.ms), 99), 1),
  domReadyP50Ms: round(percentile(loads.map((l) => l.domReadyMs), 50), 1),
  requests: percentile(loads.map((l) => l.requests), 50),
  networkRequests: percentile(loads.map((l) => l.networkRequests), 50),
  jsRequests: percentile(loads.map((l) => l.jsRequests), 50),
  jsKbTransferred: round(percentile(loads.map((l) => l.jsTransferred), 50) / 1024, 1),
  jsKbGzip: round(percentile(loads.map((l) => l.jsGzip), 50) / 1024, 1),
});

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/dev/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: USER }) });
  const body = (await res.json()) as { token?: string };
  if (!body.token) throw new Error(`dev login failed at ${url}: ${res.status}`);
  return body.token;
}

export async function loadBench() {
  const [production, dev] = await Promise.all([startDevServer(undefined, ENV), startViteDevServer(ENV)]);
  const browser = await launch();
  try {
    const servers = [
      { name: "npmStart", url: production.url, token: await login(production.url), cold: [] as Load[], warm: [] as Load[] },
      { name: "viteDev", url: dev.url, token: await login(dev.url), cold: [] as Load[], warm: [] as Load[] },
    ];
    for (let run = -1; run < RUNS; run++) {
      // Alternate the servers run by run, so that the machine's noise falls on both alike.
      for (const server of servers) {
        const context = await signedInContext(browser, server.token);
        const page = await context.newPage();
        const cold = await measureLoad(page, `${server.url}/chat`);
        if (run >= 0) server.cold.push(cold);
        if (run >= 0 && server.name === "npmStart") {
          // Warm: the service worker installed by that load answers the reload.
          await page.waitForFunction(async () => (await navigator.serviceWorker.ready) && navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
          server.warm.push(await measureLoad(page, null));
        }
        await context.close();
      }
    }
    const [start, vite] = servers.map((s) => summary(s.cold)) as [ReturnType<typeof summary>, ReturnType<typeof summary>];
    return {
      load: {
        what: "cold load to 'live' (fresh context, signed in), p50 of runs; npm start = production build, viteDev = npm run dev",
        npmStart: start,
        viteDev: vite,
        ratio: {
          timeStartOverDev: round(start.p50Ms / vite.p50Ms, 2),
          requestsStartOverDev: round(start.requests / vite.requests, 2),
          jsGzipStartOverDev: round(start.jsKbGzip / vite.jsKbGzip, 2),
        },
        npmStartWarmWithServiceWorker: summary(servers[0]!.warm),
      },
    };
  } finally {
    await browser.close();
    await Promise.all([production.stop(), dev.stop()]);
  }
}
