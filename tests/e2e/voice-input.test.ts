/**
 * Push-to-talk end to end (docs/PROTOCOL.md W115–W119, issue 18's "Done when"):
 * Chromium with a fake microphone playing espeak-ng's "remind me to call John
 * tomorrow at 3pm"; `npm start` with an OpenAI-compatible speech-to-text server
 * (tests/support/openai-audio-server.ts, which checks the audio it receives is
 * real). Holding the button records a WebM clip, the server transcribes it, and
 * the offline assistant creates the task on both devices. With no provider the
 * app says so and uses the browser's recognition (stubbed: headless Chromium
 * has no recognition service).
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../integration/dev-server.ts";
import { type OpenAiAudioServer, startOpenAiAudioServer } from "../support/openai-audio-server.ts";
import { axeFindings, smallTargets, WIDTHS } from "./a11y.ts";
import { fakeMicrophoneArgs, launch, pageCall, screenshot, whenLive } from "./browser.ts";
import { micSpy, micState, noRecognition, stubRecognition } from "./voice-input-support.ts";

const SENTENCE = "remind me to call John tomorrow at 3pm";

/** espeak-ng's WAV of the sentence (the fake microphone's input); a missing espeak-ng fails the test with the fix. */
async function espeakWav(text: string): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), "voice-e2e-")), "sentence.wav");
  try {
    await promisify(execFile)("espeak-ng", ["-w", file, "--", text]);
  } catch (error) {
    throw new Error(`espeak-ng could not speak the test sentence (apt-get install espeak-ng): ${error instanceof Error ? error.message : String(error)}`);
  }
  return file;
}

async function signIn(browser: Browser, server: DevServer, userId: string, width: keyof typeof WIDTHS = "desktop", init?: () => void, clock = false): Promise<Page> {
  const context = await browser.newContext({ viewport: WIDTHS[width], permissions: ["microphone"], reducedMotion: "reduce" });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  // With `clock`, the page runs on Playwright's clock: real pace until the test moves it.
  if (clock) await page.clock.install();
  await page.goto(`${server.url}/login`);
  await page.getByLabel("User id").fill(userId);
  await page.getByRole("button", { name: /log in/i }).click();
  await whenLive(page);
  return page;
}

const mic = (page: Page) => page.getByTestId("push-to-talk");

/** Waits until the recording's clock shows at least `seconds` (m:ss): the hold lasts as long as the page says, no fixed sleep. */
const recordedFor = (page: Page, seconds: number) =>
  expect
    .poll(async () => {
      const [m = 0, s = 0] = ((await page.getByTestId("voice-elapsed").allInnerTexts())[0] ?? "0:00").split(":").map(Number);
      return m * 60 + s;
    }, { timeout: 20_000 })
    .toBeGreaterThanOrEqual(seconds);

async function hasTask(page: Page, title: string) {
  await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "Tasks", exact: true }).click();
  await page.getByTestId("tasks").filter({ hasText: title }).waitFor({ timeout: 20_000 });
}

async function userMessages(page: Page): Promise<{ text: string; channel: string }[]> {
  const { json } = await pageCall(page, "GET", "/api/v1/state");
  const messages = typeof json === "object" && json !== null ? Reflect.get(json, "recentMessages") : [];
  return (Array.isArray(messages) ? messages : []).flatMap((m: unknown) =>
    typeof m === "object" && m !== null && Reflect.get(m, "role") === "user" ? [{ text: String(Reflect.get(m, "text")), channel: String(Reflect.get(m, "channel")) }] : [],
  );
}

/** How far the clip got (what the speech-to-text server answered, the jobs, any notice): a failure says where it stopped. */
async function transcribed(page: Page, audio: OpenAiAudioServer) {
  const { json } = await pageCall(page, "GET", "/api/v1/state");
  const jobs: unknown = typeof json === "object" && json !== null ? Reflect.get(json, "voiceJobs") : undefined;
  return {
    answered: audio.requests.filter((r) => r.path === "/v1/audio/transcriptions" && r.status === 200).length,
    requests: audio.requests.map((r) => `${r.path} ${r.status} ${r.mediaType ?? ""} ${r.bytes ?? ""} ${r.seconds ?? ""}`),
    jobs: Array.isArray(jobs) ? jobs.map((j: unknown) => JSON.stringify(j)) : [],
    notice: (await page.getByTestId("voice-notice").allInnerTexts()).join(" "),
  };
}

/** Serious axe findings in light and dark, on the page as it is now. */
async function axeBoth(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    found.push(...(await axeFindings(page)).map((f) => `${colorScheme}: ${f}`));
  }
  await page.emulateMedia({ colorScheme: "light" });
  return found;
}

describe("Voice — push-to-talk with a speech-to-text server", () => {
  let audio: OpenAiAudioServer;
  let server: DevServer;
  let browser: Browser;
  beforeAll(async () => {
    audio = await startOpenAiAudioServer({ transcript: SENTENCE });
    server = await startDevServer(undefined, { STT_PROVIDER: "openai", STT_BASE_URL: audio.url, STT_MODEL: "whisper-1" });
    browser = await launch(fakeMicrophoneArgs(await espeakWav(SENTENCE)));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await audio?.close();
  });

  it("[W115][W116][W119] holding the button ~3 s sends a WebM of that length; the task appears on this and a second device", async () => {
    const laptop = await signIn(browser, server, "vera");
    const phone = await signIn(browser, server, "vera", "phone");
    await mic(laptop).hover();
    await laptop.mouse.down();
    await recordedFor(laptop, 1);
    await expect.poll(() => laptop.getByTestId("voice-meter").count()).toBe(1);
    await screenshot(laptop, "voice-01-recording-1200");
    await recordedFor(laptop, 3);
    const shown = Number(await laptop.getByTestId("voice-elapsed").getAttribute("data-seconds"));
    await laptop.mouse.up();

    // The server received a real WebM clip of about the time held (its length read from the container).
    await expect.poll(async () => ((t) => (t.answered === 1 ? "answered" : JSON.stringify(t)))(await transcribed(laptop, audio)), { timeout: 30_000 }).toBe("answered");
    const [sent] = audio.requests;
    console.log(`[W116] held to the page's 0:03; the speech-to-text server received ${sent?.filename} (${sent?.mediaType}), ${sent?.bytes} bytes, ${sent?.seconds?.toFixed(2)} s`);
    expect(sent?.mediaType).toBe("audio/webm");
    expect(sent?.filename).toMatch(/\.webm$/);
    expect(sent?.model).toBe("whisper-1");
    // The clip is as long as the time the page showed when the button was let go (±0.5 s).
    expect(Math.abs((sent?.seconds ?? 0) - shown)).toBeLessThanOrEqual(0.5);

    // The transcript is the user's message, channel "voice"; the assistant acts on it as on typed text.
    await expect.poll(async () => (await userMessages(laptop)).filter((m) => m.channel === "voice").map((m) => m.text), { timeout: 30_000 }).toEqual([SENTENCE]);
    await laptop.getByTestId("reply").last().filter({ hasText: "I'll remind you then." }).waitFor({ timeout: 20_000 });
    await phone.getByTestId("reply").last().filter({ hasText: "I'll remind you then." }).waitFor({ timeout: 20_000 });
    await screenshot(phone, "voice-02-reply-390");
    expect(await smallTargets(phone)).toEqual([]);
    // A voice message carries the microphone mark (W119).
    await laptop.getByTestId("user-message").getByRole("img", { name: "Voice message" }).waitFor();
    await screenshot(laptop, "voice-09-voice-mark-1200");
    await hasTask(laptop, "Call John");
    await hasTask(phone, "Call John");
  });

  it("[W115][W119] review before sending: tap to start, tap to stop; the transcript is corrected, then sent — only the recording device reviews", async () => {
    const laptop = await signIn(browser, server, "wren");
    const phone = await signIn(browser, server, "wren", "phone");
    await laptop.evaluate(() => localStorage.setItem("mc.voice.settings", JSON.stringify({ speakReplies: false, reviewBeforeSending: true })));
    await laptop.reload();
    await whenLive(laptop);
    await mic(laptop).click();
    await expect.poll(() => mic(laptop).getAttribute("aria-label")).toBe("Stop and send voice message");
    // One way to say the state: the label changes, no aria-pressed beside it (read as "…, pressed").
    expect(await mic(laptop).getAttribute("aria-pressed")).toBeNull();
    await recordedFor(laptop, 2);
    // The recording panel (a tap: its length does not matter here) passes axe in light and dark.
    expect(await axeBoth(laptop)).toEqual([]);
    await mic(laptop).click();

    const card = laptop.getByTestId("voice-review");
    const transcript = card.getByLabel("Transcript");
    await expect.poll(() => transcript.inputValue().catch(() => ""), { timeout: 30_000 }).toBe(SENTENCE);
    await screenshot(laptop, "voice-03-review-1200");
    expect(await axeBoth(laptop)).toEqual([]);
    // Held for review: no message yet, and the other device has no card to answer.
    expect(await userMessages(laptop)).toEqual([]);
    expect(await phone.getByTestId("voice-review").count()).toBe(0);

    // The card takes focus on the device that recorded (its hint is read), and Ctrl+Enter sends.
    expect(await transcript.evaluate((el) => el === document.activeElement)).toBe(true);
    await transcript.fill("remind me to call Joan tomorrow at 4pm");
    await transcript.press("Control+Enter");
    await card.waitFor({ state: "detached", timeout: 20_000 });
    await expect.poll(async () => (await userMessages(phone)).map((m) => `${m.channel}: ${m.text}`), { timeout: 20_000 }).toEqual(["voice: remind me to call Joan tomorrow at 4pm"]);
    await hasTask(phone, "Call Joan");
  });

  it("[W115] a recording stops by itself at the longest clip (2:00) and is sent, saying why", async () => {
    const page = await signIn(browser, server, "yusuf", "desktop", undefined, true);
    const before = audio.requests.length;
    await mic(page).click();
    await recordedFor(page, 1);
    await page.clock.fastForward("02:00");
    await page.getByTestId("voice-notice").filter({ hasText: "Stopped at 2:00, the longest voice message." }).waitFor({ timeout: 20_000 });
    await expect.poll(() => audio.requests.slice(before).filter((r) => r.status === 200).length, { timeout: 30_000 }).toBe(1);
    await expect.poll(async () => (await userMessages(page)).map((m) => m.channel), { timeout: 30_000 }).toEqual(["voice"]);
  });

  it("[W117] a microphone the user blocked: the sentence says how to allow it; nothing is uploaded", async () => {
    const denied = () => {
      // What Chromium answers when the site's microphone permission is "Block".
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
    };
    const page = await signIn(browser, server, "zara", "phone", denied);
    const before = audio.requests.length;
    await mic(page).click();
    const notice = page.getByTestId("voice-notice");
    await notice.filter({ hasText: "Microphone access is blocked for this site. Allow it in the browser's site settings" }).waitFor();
    expect(await mic(page).getAttribute("data-phase")).toBe("idle");
    await screenshot(page, "voice-08-blocked-390");
    expect(await axeBoth(page)).toEqual([]);
    expect(audio.requests.length).toBe(before);
  });

  it("[W119] Discard asks the server (V28): the job ends cancelled and the card is gone — nothing is sent", async () => {
    const page = await signIn(browser, server, "dora", "desktop", micSpy);
    await page.evaluate(() => localStorage.setItem("mc.voice.settings", JSON.stringify({ speakReplies: false, reviewBeforeSending: true })));
    await page.reload();
    await whenLive(page);
    await mic(page).click();
    await recordedFor(page, 1);
    await mic(page).click();
    const card = page.getByTestId("voice-review");
    await card.waitFor({ timeout: 30_000 });
    await card.getByRole("button", { name: "Discard" }).click();
    await card.waitFor({ state: "detached" });
    await expect.poll(async () => (await micState(page)).voiceRequests.filter((r) => r.endsWith("/discard")).length).toBe(1);
    await expect.poll(async () => {
      const { json } = await pageCall(page, "GET", "/api/v1/state");
      const jobs: unknown = typeof json === "object" && json !== null ? Reflect.get(json, "voiceJobs") : [];
      return Array.isArray(jobs) ? jobs.map((j: unknown) => `${Reflect.get(Object(j), "status")} ${Reflect.get(Object(Reflect.get(Object(j), "error")), "code")}`) : [];
    }).toEqual(["failed cancelled"]);
    expect(await userMessages(page)).toEqual([]);
  });

  it("[W115] a short Space with focus on no control starts nothing (hold-only); the microphone is released, nothing uploaded", async () => {
    const page = await signIn(browser, server, "quinn", "desktop", micSpy);
    await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
    // A tap (what scrolling the page with Space is): down and up at once.
    await page.keyboard.press("Space");
    await expect.poll(() => mic(page).getAttribute("data-phase")).toBe("idle");
    // The microphone asked for by the press opens and is closed at once.
    await expect.poll(async () => (await micState(page)).tracks).toEqual(["ended"]);
    const state = await micState(page);
    expect(state.contexts.every((c) => c === "closed")).toBe(true);
    expect(state.voiceRequests.filter((r) => r.includes("voice-upload"))).toEqual([]);
  });

  it("[W115] Escape while recording cancels: the microphone is released and nothing is uploaded", async () => {
    const page = await signIn(browser, server, "xena", "desktop", micSpy);
    const before = audio.requests.length;
    await mic(page).click();
    await recordedFor(page, 1);
    await page.keyboard.press("Escape");
    await expect.poll(() => mic(page).getAttribute("data-phase")).toBe("idle");
    await expect.poll(() => page.getByTestId("voice-announcement").innerText()).toBe("Cancelled. Nothing was sent.");
    // The browser's recording indicator goes out: every track ended, the meter's AudioContext closed; no upload was started.
    await expect.poll(async () => (await micState(page)).tracks).toEqual(["ended"]);
    await expect.poll(async () => (await micState(page)).contexts).toEqual(["closed"]);
    expect((await micState(page)).voiceRequests.filter((r) => r.includes("voice-upload"))).toEqual([]);
    // Nothing was posted: the state has no voice job and the speech-to-text server no new request.
    const { json } = await pageCall(page, "GET", "/api/v1/state");
    expect(typeof json === "object" && json !== null ? (Reflect.get(json, "voiceJobs") ?? []) : null).toEqual([]);
    expect(audio.requests.length).toBe(before);
  });
});

describe("Voice — a speech-to-text server that hangs, then goes away", () => {
  let audio: OpenAiAudioServer;
  let server: DevServer;
  let browser: Browser;
  beforeAll(async () => {
    audio = await startOpenAiAudioServer({ transcript: SENTENCE, hold: true });
    server = await startDevServer(undefined, { STT_PROVIDER: "openai", STT_BASE_URL: audio.url });
    browser = await launch(fakeMicrophoneArgs(await espeakWav(SENTENCE)));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await audio?.close();
  });

  it("[W119] “Transcribing…” shows on both devices while the server works; its failure and reason too — no message", async () => {
    const laptop = await signIn(browser, server, "bodil");
    const phone = await signIn(browser, server, "bodil", "phone");
    await mic(laptop).click();
    await recordedFor(laptop, 1);
    await mic(laptop).click();
    for (const page of [laptop, phone]) await page.getByTestId("voice-jobs").getByRole("status").filter({ hasText: "Transcribing…" }).waitFor({ timeout: 30_000 });
    await screenshot(phone, "voice-06-transcribing-390");
    expect(await axeBoth(phone)).toEqual([]);
    // The server drops the held request: the job fails, said on every device in words; nothing is sent.
    await audio.close();
    for (const page of [laptop, phone]) await page.getByTestId("voice-jobs").filter({ hasText: "Couldn't transcribe — the speech service didn't answer. Try again." }).waitFor({ timeout: 30_000 });
    await screenshot(laptop, "voice-07-failed-1200");
    expect(await userMessages(phone)).toEqual([]);
    await phone.getByTestId("voice-jobs").getByRole("button", { name: "Dismiss" }).click();
    await phone.getByTestId("voice-jobs").waitFor({ state: "detached" });
    expect(await laptop.getByTestId("voice-jobs").count()).toBe(1);
  });
});

describe("Voice — no speech-to-text provider (plain npm start)", () => {
  let server: DevServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startDevServer();
    browser = await launch(fakeMicrophoneArgs(await espeakWav(SENTENCE)));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("[W118] without the browser's recognition either, the app says voice input is unavailable and why", async () => {
    const page = await signIn(browser, server, "yann", "phone", noRecognition);
    // It looks and is announced unavailable (aria-disabled), yet a press still says why.
    await expect.poll(() => mic(page).getAttribute("aria-disabled")).toBe("true");
    await mic(page).click({ force: true });
    const notice = page.getByTestId("voice-notice");
    await notice.waitFor();
    expect(await notice.innerText()).toContain("server voice needs a speech-to-text provider (STT_PROVIDER)");
    expect(await notice.innerText()).toContain("this browser has no speech recognition");
    expect(await mic(page).getAttribute("data-phase")).toBe("idle");
    await screenshot(page, "voice-04-unavailable-390");
    expect(await axeBoth(page)).toEqual([]);
    expect(await smallTargets(page)).toEqual([]);
  });

  it("[W118][W115] the browser's recognition: interim text shown, Space held sends the final text as a voice message", async () => {
    const page = await signIn(browser, server, "zoe", "desktop", stubRecognition);
    expect(await mic(page).getAttribute("title")).toContain("Server voice needs a speech-to-text provider (STT_PROVIDER); using your browser's speech recognition");
    // Space in the message field types a space; with focus on no control it is push-to-talk.
    await page.getByLabel("Message").focus();
    await page.keyboard.press("Space");
    expect(await page.evaluate(() => Reflect.get(Reflect.get(window, "recognitionLog"), "starts"))).toBe(0);
    await page.getByLabel("Message").fill("");
    await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
    await page.keyboard.down("Space");
    await page.getByTestId("voice-heard").filter({ hasText: "remind me to call" }).waitFor();
    await expect(page.getByTestId("voice-panel").innerText()).resolves.toContain("Server voice needs a speech-to-text provider (STT_PROVIDER)");
    await recordedFor(page, 1);
    await screenshot(page, "voice-05-browser-recognition-1200");
    expect(await axeBoth(page)).toEqual([]);
    await page.keyboard.up("Space");
    await expect.poll(async () => (await userMessages(page)).map((m) => `${m.channel}: ${m.text}`), { timeout: 20_000 }).toEqual([`voice: ${SENTENCE}`]);
    await page.getByTestId("reply").last().filter({ hasText: "I'll remind you then." }).waitFor({ timeout: 20_000 });
    await hasTask(page, "Call John");
  });

  it("[W118] with review before sending, what the browser heard goes into the message box to check — nothing is sent", async () => {
    const page = await signIn(browser, server, "rhea", "desktop", stubRecognition);
    await page.evaluate(() => localStorage.setItem("mc.voice.settings", JSON.stringify({ speakReplies: false, reviewBeforeSending: true })));
    await page.reload();
    await whenLive(page);
    await mic(page).click();
    await page.getByTestId("voice-heard").waitFor();
    await mic(page).click();
    await expect.poll(() => page.getByLabel("Message").inputValue()).toBe(SENTENCE);
    expect(await mic(page).getAttribute("data-phase")).toBe("idle");
    expect(await userMessages(page)).toEqual([]);
  });

  it("[W115][W118] sliding the pointer off the button cancels: the recognition is aborted and nothing is sent", async () => {
    const page = await signIn(browser, server, "abel", "desktop", stubRecognition);
    const box = await mic(page).boundingBox();
    if (!box) throw new Error("the microphone button is not on screen");
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.getByTestId("voice-heard").waitFor();
    await recordedFor(page, 1);
    await page.mouse.move(box.x + box.width / 2, box.y - 120, { steps: 5 });
    await expect.poll(() => mic(page).getAttribute("data-phase")).toBe("idle");
    await page.mouse.up();
    expect(await page.evaluate(() => Reflect.get(window, "recognitionLog"))).toEqual({ starts: 1, stops: 0, aborts: 1 });
    expect(await userMessages(page)).toEqual([]);
  });
});
