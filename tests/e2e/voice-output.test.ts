/**
 * Spoken replies in Chromium (docs/PROTOCOL.md V21–V24, W120–W124): two devices
 * of one user; device A turned "Speak replies" on in Settings → Voice, B did not.
 * With a speech provider (the local OpenAI-compatible server speaking espeak-ng
 * WAV), A asks for the first sentence before the turn's `llm.completed` and plays
 * it; B requests nothing and speaks nothing; Stop silences A. With none, A's
 * `speechSynthesis.speak` reads the first sentence and B's is never called.
 * The offline assistant streams slowly (OFFLINE_TOKEN_DELAY_MS) so a sentence can
 * be asked for while the reply still streams.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import AxeBuilder from "@axe-core/playwright";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../integration/dev-server.ts";
import { type OpenAiAudioServer, startOpenAiAudioServer } from "../support/openai-audio-server.ts";
import { chromiumPath, pageCall, screenshot, whenLive } from "./browser.ts";

/** The default switches of tests/e2e/browser.ts, and audio that may play without a click (the reply starts on its own). */
const launch = (extra: readonly string[] = []): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--autoplay-policy=no-user-gesture-required", ...extra],
  });

/** espeak-ng's WAV of `text`, for Chromium's fake microphone; a missing espeak-ng fails with the fix. */
async function espeakWav(text: string): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), "voice-output-")), "said.wav");
  try {
    await promisify(execFile)("espeak-ng", ["-w", file, "--", text]);
  } catch (error) {
    throw new Error(`espeak-ng could not speak the test sentence (apt-get install espeak-ng): ${error instanceof Error ? error.message : String(error)}`);
  }
  return file;
}

const ASK = "tell me about ostriches";
/** The offline assistant's first sentence for ASK (party/chat/offline-model.ts), as spoken. */
const FIRST = "Sorry — I didn't understand “tell me about ostriches”.";

/** `playing`: reply clips that started; `primed`: silent muted unlocks (W121's `primeSpeech`) in the user's gesture. */
type Spy = { spoken: string[]; playing: number; primed: number };
declare global {
  interface Window {
    __voiceSpy?: Spy;
  }
}

/** What a device did: its speech requests and turn frames in arrival order. */
type Device = { page: Page; context: BrowserContext; log: string[]; speechBodies: string[] };

/** Runs in the page before the app: records the browser voice's sentences (instead of speaking) and audio that started playing. */
function installSpy() {
  const spy: Spy = { spoken: [], playing: 0, primed: 0 };
  window.__voiceSpy = spy;
  if (typeof speechSynthesis !== "undefined") {
    speechSynthesis.speak = (utterance: SpeechSynthesisUtterance) => {
      spy.spoken.push(utterance.text);
      // Ends at once, as a voice with nothing to say would: the queue moves on.
      queueMicrotask(() => utterance.onend?.call(utterance, new SpeechSynthesisEvent("end", { utterance })));
    };
  }
  // Media events do not bubble; a capturing listener on the document still sees them.
  // The unlock plays muted, and the sentence's own claim may pause it at once (the `play()` in the gesture is what counts):
  // its `play` event is counted; a reply's clip is never muted and counts once it is really `playing`.
  const muted = (e: Event) => e.target instanceof HTMLMediaElement && e.target.muted;
  document.addEventListener("play", (e) => void (muted(e) ? (spy.primed += 1) : undefined), true);
  document.addEventListener("playing", (e) => void (muted(e) ? undefined : (spy.playing += 1)), true);
}

/** Runs in the page before the app: a browser with no `speechSynthesis` at all. */
function removeBrowserVoice() {
  Object.defineProperty(window, "speechSynthesis", { value: undefined, configurable: true });
}

async function device(browser: Browser, server: DevServer, userId: string, speak: boolean, width = 1200, options: { noVoice?: boolean } = {}): Promise<Device> {
  const context = await browser.newContext({ viewport: { width, height: 800 }, permissions: ["microphone"] });
  if (options.noVoice) await context.addInitScript(removeBrowserVoice);
  await context.addInitScript(installSpy);
  const page = await context.newPage();
  const log: string[] = [];
  const speechBodies: string[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname !== "/api/v1/speech") return;
    const text = String((JSON.parse(r.postData() ?? "{}") as { text?: unknown }).text);
    speechBodies.push(text);
    log.push(`speech:${text}`);
  });
  page.on("response", (r) => {
    if (new URL(r.url()).pathname === "/api/v1/speech") log.push(`answer:${r.status()} ${r.headers()["content-type"] ?? ""}`);
    if (new URL(r.url()).pathname === "/api/v1/voice-upload") log.push(`upload:${r.status()}`);
  });
  page.on("websocket", (ws) =>
    ws.on("framereceived", ({ payload }) => {
      if (typeof payload !== "string" || !payload.startsWith("__YPS:")) return;
      const { type } = JSON.parse(payload.slice("__YPS:".length)) as { type: string };
      if (type === "llm.completed") log.push(type);
    }),
  );
  await page.goto(`${server.url}/login`);
  await page.getByLabel("User id").fill(userId);
  await page.getByRole("button", { name: /log in/i }).click();
  await whenLive(page);
  if (speak) {
    await page.goto(`${server.url}/settings`);
    await page.getByRole("checkbox", { name: "Speak replies on this device" }).check();
    await page.goto(`${server.url}/chat`);
    await whenLive(page);
  }
  await page.getByLabel("Message").waitFor();
  return { page, context, log, speechBodies };
}

const send = async (page: Page, text: string) => {
  await page.getByLabel("Message").fill(text);
  await page.keyboard.press("Enter");
};
const spy = (page: Page) => page.evaluate(() => window.__voiceSpy ?? { spoken: [], playing: 0, primed: 0 });
/** A view by the nav (a client-side move: the page, its speaker and its caches stay). */
const view = (page: Page, name: string) => page.getByRole("navigation", { name: "Views" }).getByRole("link", { name }).click();
const replyDone = (page: Page) => page.getByTestId("reply").last().filter({ hasText: "plan my day" }).waitFor({ timeout: 60_000 });

describe("Web — spoken replies on the asking device, with a speech provider", () => {
  let tts: OpenAiAudioServer;
  let server: DevServer;
  let browser: Browser;
  beforeAll(async () => {
    tts = await startOpenAiAudioServer({ transcript: "unused" });
    server = await startDevServer(undefined, { OFFLINE_TOKEN_DELAY_MS: "60", TTS_PROVIDER: "openai", TTS_BASE_URL: tts.url });
    browser = await launch();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await tts?.close();
  });

  it("[W120][W121][W123] A asks for the first sentence before llm.completed and plays it; B requests and speaks nothing; Stop silences A", async () => {
    const a = await device(browser, server, "voice-out-ann", true);
    // B speaks replies too: it stays quiet because it did not ask, not because of its setting.
    const b = await device(browser, server, "voice-out-ann", true);

    await send(a.page, ASK);
    // Sentence by sentence: the first sentence's speech is asked for while the reply still streams.
    await expect.poll(() => a.log.find((l) => l.startsWith("speech:")), { timeout: 30_000 }).toBe(`speech:${FIRST}`);
    await expect.poll(() => a.log.includes("llm.completed"), { timeout: 60_000 }).toBe(true);
    expect(a.log.indexOf(`speech:${FIRST}`)).toBeLessThan(a.log.indexOf("llm.completed"));
    // Its audio really plays (the server's WAV in the page's audio element).
    // Polled with what A did, so a failure shows the requests and answers.
    await expect.poll(async () => JSON.stringify({ ...(await spy(a.page)), log: a.log }), { timeout: 30_000 }).toMatch(/"playing":[1-9]/);
    expect(tts.requests.filter((r) => r.path === "/v1/audio/speech").map((r) => r.text)).toContain(FIRST);
    // W121: the Enter that sent it unlocked the audio element (Safari's autoplay rule) before any reply clip.
    expect((await spy(a.page)).primed).toBe(1);

    const pill = a.page.getByTestId("speaking-indicator");
    await pill.waitFor();
    await screenshot(a.page, "voice-output-01-speaking");
    for (const scheme of ["light", "dark"] as const) {
      await a.page.emulateMedia({ colorScheme: scheme });
      const axe = await new AxeBuilder({ page: a.page }).include('[data-testid="speaking-indicator"]').analyze();
      expect(axe.violations.map((v) => `${scheme}: ${v.id}`)).toEqual([]);
    }
    await screenshot(a.page, "voice-output-01b-speaking-dark");
    await a.page.emulateMedia({ colorScheme: "light" });

    // W123: the reply goes on being read in another view, and so does its pill with Stop (it lives in the app's layout).
    await view(a.page, "Tasks");
    await a.page.getByRole("heading", { level: 1 }).filter({ hasText: "Tasks" }).waitFor();
    await pill.waitFor();
    await screenshot(a.page, "voice-output-01c-speaking-in-tasks");
    // Stop: the pill goes and the audio element is paused.
    await a.page.getByRole("button", { name: "Stop speaking" }).click();
    await pill.waitFor({ state: "detached" });
    expect(await a.page.getByTestId("reply-audio").evaluate((el) => (el instanceof HTMLAudioElement ? el.paused : null))).toBe(true);

    // B showed the same reply as text and never asked for speech nor spoke.
    await replyDone(b.page);
    expect(b.speechBodies).toEqual([]);
    expect(await spy(b.page)).toEqual({ spoken: [], playing: 0, primed: 0 });
    await expect(b.page.getByTestId("speaking-indicator").count()).resolves.toBe(0);

    // W122: signing out while a reply is read stops it at once: the clip is dropped (src cleared), not left to play out.
    await view(a.page, "Chat");
    await replyDone(a.page);
    const before = (await spy(a.page)).playing;
    await send(a.page, ASK);
    await expect.poll(async () => (await spy(a.page)).playing, { timeout: 30_000 }).toBeGreaterThan(before);
    const asked = a.speechBodies.length;
    await a.page.getByRole("button", { name: "Account: voice-out-ann" }).click();
    await a.page.locator("#account-menu").getByRole("button", { name: "Sign out" }).click();
    await a.page.waitForURL(/\/login$/);
    await expect.poll(() => a.page.getByTestId("reply-audio").evaluate((el) => el.getAttribute("src")), { timeout: 10_000 }).toBeNull();
    expect((await spy(a.page)).spoken).toEqual([]);
    expect(a.speechBodies.length).toBeLessThanOrEqual(asked + 1);
  });

  it("[W124] Settings → Voice shows this device's choices, the server's speech provider and the minutes used; axe passes in light and dark", async () => {
    const a = await device(browser, server, "voice-out-settings", true, 390);
    await a.page.goto(`${server.url}/settings`);
    const section = a.page.getByTestId("voice-settings");
    await section.getByTestId("voice-tts").filter({ hasText: "OpenAI-compatible" }).waitFor();
    await expect(section.getByTestId("voice-stt").innerText()).resolves.toContain("STT_PROVIDER");
    await expect(section.getByTestId("voice-used").innerText()).resolves.toMatch(/of 30 voice minutes/);
    expect(await a.page.getByRole("checkbox", { name: "Speak replies on this device" }).isChecked()).toBe(true);
    await section.scrollIntoViewIfNeeded();
    await screenshot(a.page, "voice-output-02-settings-phone");
    for (const scheme of ["light", "dark"] as const) {
      await a.page.emulateMedia({ colorScheme: scheme });
      const axe = await new AxeBuilder({ page: a.page }).include('[data-testid="voice-settings"]').analyze();
      expect(axe.violations.map((v) => `${scheme}: ${v.id}`)).toEqual([]);
    }
  });
});

describe("Web — spoken replies with no speech provider: the browser's voice", () => {
  let server: DevServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startDevServer(undefined, { OFFLINE_TOKEN_DELAY_MS: "20" });
    browser = await launch();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("[V22][W120] A's speechSynthesis.speak reads the first sentence; B's is never called; Settings says the browser reads replies", async () => {
    const a = await device(browser, server, "voice-out-bob", true);
    const b = await device(browser, server, "voice-out-bob", true);
    await send(a.page, ASK);
    await expect.poll(async () => (await spy(a.page)).spoken[0], { timeout: 60_000 }).toBe(FIRST);
    await replyDone(a.page);
    await replyDone(b.page);
    // One request learned there is no server speech (501); every later sentence went to the browser directly.
    expect(a.speechBodies).toEqual([FIRST]);
    await expect.poll(async () => (await spy(a.page)).spoken.length, { timeout: 30_000 }).toBeGreaterThan(1);
    expect(await spy(b.page)).toEqual({ spoken: [], playing: 0, primed: 0 });
    expect(b.speechBodies).toEqual([]);

    await a.page.goto(`${server.url}/settings`);
    await a.page.getByTestId("voice-tts").filter({ hasText: "Replies are read by your browser's voice" }).waitFor();
    await a.page.getByTestId("voice-settings").scrollIntoViewIfNeeded();
    await screenshot(a.page, "voice-output-03-settings-no-provider");
  });

  it("[W123][W124] a browser with no voice of its own: the pill and Settings say replies are shown, not read", async () => {
    const c = await device(browser, server, "voice-out-dee", true, 390, { noVoice: true });
    await send(c.page, ASK);
    const pill = c.page.getByTestId("speaking-indicator").filter({ hasText: "this browser cannot read replies aloud" });
    await pill.waitFor({ timeout: 60_000 });
    await screenshot(c.page, "voice-output-04-no-voice-pill");
    await c.page.getByRole("button", { name: "Stop speaking" }).click();
    await pill.waitFor({ state: "detached" });
    await c.page.goto(`${server.url}/settings`);
    await c.page.getByTestId("voice-tts").filter({ hasText: "This browser has no voice of its own either" }).waitFor();
    await c.page.getByTestId("voice-settings").scrollIntoViewIfNeeded();
    await screenshot(c.page, "voice-output-05-settings-no-voice");
    for (const scheme of ["light", "dark"] as const) {
      await c.page.emulateMedia({ colorScheme: scheme });
      const axe = await new AxeBuilder({ page: c.page }).include('[data-testid="voice-settings"]').analyze();
      expect(axe.violations.map((v) => `${scheme}: ${v.id}`)).toEqual([]);
    }
  });
});

/**
 * What an element says now, or null when it is not on the page: never waits for it to appear (a
 * locator's innerText waits up to its timeout, which made one poll of `progress` take 30 s).
 */
async function textNow(locator: Locator): Promise<string | null> {
  return (await locator.count()) > 0 ? locator.first().innerText({ timeout: 2_000 }).catch(() => null) : null;
}

describe("Web — the issue's Done-when: a spoken request's reply is spoken on the device that recorded it", () => {
  const SAID = "remind me to call John tomorrow at 3pm";
  let audio: OpenAiAudioServer;
  let server: DevServer;
  let browser: Browser;
  beforeAll(async () => {
    audio = await startOpenAiAudioServer({ transcript: SAID });
    server = await startDevServer(undefined, { STT_PROVIDER: "openai", STT_BASE_URL: audio.url, TTS_PROVIDER: "openai", TTS_BASE_URL: audio.url });
    browser = await launch(["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-audio-capture=${await espeakWav(SAID)}`]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await audio?.close();
  });

  it("[W120][W121] push-to-talk on A (held until its clock shows 3 s): the reply to the transcript is spoken on A; B, with Speak replies on too, stays quiet", async () => {
    const a = await device(browser, server, "voice-out-cy", true);
    const b = await device(browser, server, "voice-out-cy", true);
    // W124: Settings read once (its capabilities cached), then the chat: the minutes used come back live, not from that read.
    await view(a.page, "Settings");
    await expect(a.page.getByTestId("voice-used").innerText()).resolves.toMatch(/^0 of 30/);
    await view(a.page, "Chat");
    await a.page.getByTestId("push-to-talk").hover();
    await a.page.mouse.down();
    // The hold lasts as long as the page's recording clock says (m:ss), no fixed sleep.
    await expect
      .poll(async () => {
        const [m = 0, sec = 0] = ((await textNow(a.page.getByTestId("voice-elapsed"))) ?? "0:00").split(":").map(Number);
        return m * 60 + sec;
      }, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(3);
    await a.page.mouse.up();

    // Where the clip got (the audio server's requests, the room's jobs, the last reply): a failure says where it stopped.
    const progress = async () => {
      const { json } = await pageCall(a.page, "GET", "/api/v1/state");
      const jobs: unknown = typeof json === "object" && json !== null ? Reflect.get(json, "voiceJobs") : undefined;
      const reply = (await textNow(a.page.getByTestId("reply").last())) ?? "";
      const notice = await textNow(a.page.getByTestId("voice-notice"));
      const problems = server.output().split("\n").filter((l) => /"level":"(warn|error)"/.test(l)).slice(-6);
      return JSON.stringify({ requests: audio.requests.map((r) => `${r.path} ${r.status ?? ""}`), jobs, notice, uploads: a.log.filter((l) => l.startsWith("upload")), reply: reply.slice(0, 200), problems });
    };
    // The offline assistant creates the task and says so ("Added “Call John”, due …").
    await expect.poll(progress, { timeout: 60_000 }).toMatch(/"reply":"[^"]*Call John/);
    await expect.poll(() => a.speechBodies.join(" "), { timeout: 30_000 }).toContain("Call John");
    await expect.poll(async () => JSON.stringify({ ...(await spy(a.page)), log: a.log }), { timeout: 30_000 }).toMatch(/"playing":[1-9]/);
    await b.page.getByTestId("reply").last().filter({ hasText: "Call John" }).waitFor({ timeout: 30_000 });
    expect(b.speechBodies).toEqual([]);
    expect(await spy(b.page)).toEqual({ spoken: [], playing: 0, primed: 0 });

    // The clip's seconds (and the speech's) are today's usage at once, in Settings opened again without a reload.
    await view(a.page, "Settings");
    await expect.poll(() => a.page.getByTestId("voice-used").innerText(), { timeout: 10_000 }).toMatch(/^0\.[1-9] of 30|^[1-9]/);
    // W124: while A's Settings stays open (its capabilities read once), B records 7 s: A's minutes follow the live state.
    const shown = await a.page.getByTestId("voice-used").innerText();
    await b.page.getByTestId("push-to-talk").hover();
    await b.page.mouse.down();
    await expect
      .poll(async () => {
        const [m = 0, sec = 0] = ((await textNow(b.page.getByTestId("voice-elapsed"))) ?? "0:00").split(":").map(Number);
        return m * 60 + sec;
      }, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(7);
    await b.page.mouse.up();
    await expect.poll(() => a.page.getByTestId("voice-used").innerText(), { timeout: 60_000 }).not.toBe(shown);
  }, 240_000);
});
