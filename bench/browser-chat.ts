/**
 * Browser chat benchmark (issue 13, "Measured"; docs/PROTOCOL.md W10, W14):
 * Chromium against `npm start` (offline assistant), N chat turns. Both clocks
 * are in the page (`performance.now()`): a listener added when the app's
 * WebSocket is constructed — so it runs before the app's own — stamps the
 * first `llm.token` frame of each turn as it is dispatched to the page; a
 * MutationObserver stamps the moment that turn's reply first holds text in the
 * DOM, and the next animation frame after it (the paint it can be on). Reported:
 * DOM − frame and paint − frame (p50/p99, ms) beside the reference, one
 * animation frame (16.7 ms), as a ratio; and `GET /api/v1/state` requests per
 * turn (reference: 0).
 */
import { existsSync } from "node:fs";
import { chromium, type Page } from "playwright-core";
import { startDevServer } from "../tests/integration/dev-server.ts";
import { percentile, round } from "./stats.ts";

const TURNS = Number(process.env.BENCH_CHAT_TURNS ?? 20);
const FRAME_MS = 1000 / 60;
const CHROMIUM = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((p): p is string => Boolean(p) && existsSync(p!));

/** Runs in the page before the app: stamps first token frames and first reply text per turn. */
function instrument() {
  type Marks = { frame: Record<string, number>; dom: Record<string, number>; paint: Record<string, number>; completed: string[] };
  const marks: Marks = { frame: {}, dom: {}, paint: {}, completed: [] };
  Object.defineProperty(window, "__chatMarks", { value: marks });
  const Native = window.WebSocket;
  class Stamped extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener("message", (e: MessageEvent) => {
        if (typeof e.data !== "string" || !e.data.startsWith("__YPS:")) return;
        const at = performance.now();
        const frame = JSON.parse(e.data.slice(6)) as { type: string; turnId?: string };
        if (frame.type === "llm.token" && frame.turnId && marks.frame[frame.turnId] === undefined) marks.frame[frame.turnId] = at;
        if ((frame.type === "llm.completed" || frame.type === "llm.failed" || frame.type === "llm.interrupted") && frame.turnId) marks.completed.push(frame.turnId);
      });
    }
  }
  window.WebSocket = Stamped;
  new MutationObserver(() => {
    const at = performance.now();
    for (const reply of document.querySelectorAll<HTMLElement>('[data-testid="reply"][data-turn]')) {
      const turn = reply.dataset.turn!;
      if (marks.dom[turn] !== undefined || marks.frame[turn] === undefined) continue;
      if ((reply.querySelector(".prose-chat")?.textContent ?? "") === "") continue;
      marks.dom[turn] = at;
      requestAnimationFrame(() => (marks.paint[turn] = performance.now()));
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

type Marks = { frame: Record<string, number>; dom: Record<string, number>; paint: Record<string, number>; completed: string[] };
const marksOf = (page: Page) => page.evaluate(() => Reflect.get(window, "__chatMarks") as Marks);

export async function browserChatBench(): Promise<Record<string, unknown>> {
  if (!CHROMIUM) return { browser_chat: { skipped: "no Chromium (apt-get install -y chromium, or set CHROMIUM_PATH)" } };
  // Limits out of the way: the bench measures rendering, not the budget (C13) or the message rate (G6).
  const server = await startDevServer(undefined, { OFFLINE_TOKEN_DELAY_MS: "10", LLM_DAILY_TOKEN_BUDGET: "1000000000", MESSAGES_PER_MINUTE: "1000" });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.addInitScript(instrument);
    let stateFetches = 0;
    page.on("request", (r) => {
      if (new URL(r.url()).pathname === "/api/v1/state") stateFetches++;
    });
    await page.goto(`${server.url}/login`);
    await page.getByLabel("User id").fill(`bench-${Date.now()}`);
    await page.getByRole("button", { name: /log in/i }).click();
    await page.getByTestId("status").filter({ hasText: "live" }).waitFor({ state: "attached", timeout: 60_000 });
    const composer = page.getByRole("textbox", { name: "Message" });
    await composer.waitFor();
    const fetchesAtLive = stateFetches;
    for (let i = 0; i < TURNS; i++) {
      const done = (await marksOf(page)).completed.length;
      await composer.fill("what's on my list?");
      await composer.press("Enter");
      await page.waitForFunction((n) => (Reflect.get(window, "__chatMarks") as Marks).completed.length > n, done, { timeout: 60_000 });
      await page.locator('[data-testid="reply"]:not([data-status="streaming"])').nth(i).waitFor({ timeout: 30_000 });
    }
    const marks = await marksOf(page);
    const turns = Object.keys(marks.frame).filter((t) => marks.dom[t] !== undefined);
    const dom = turns.map((t) => marks.dom[t]! - marks.frame[t]!);
    const paint = turns.filter((t) => marks.paint[t] !== undefined).map((t) => marks.paint[t]! - marks.frame[t]!);
    const stat = (xs: number[]) => ({ p50: round(percentile(xs, 50), 2), p99: round(percentile(xs, 99), 2), ratio_p50_to_frame: round(percentile(xs, 50) / FRAME_MS, 3) });
    return {
      browser_chat: {
        turns: turns.length,
        reference: `the first llm.token frame's dispatch on the page = 0 ms; budget one animation frame = ${round(FRAME_MS, 1)} ms (target DOM − frame p50 ≤ 16 ms)`,
        first_token_dom_minus_frame_ms: stat(dom),
        first_token_paint_minus_frame_ms: stat(paint),
        state_fetches_per_turn: round((stateFetches - fetchesAtLive) / TURNS, 3),
        state_fetches_per_turn_reference: 0,
        state_fetches_before_live: fetchesAtLive,
      },
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}
