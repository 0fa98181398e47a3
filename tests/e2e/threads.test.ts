/**
 * Threads in the web app (docs/PROTOCOL.md W90, W91, W94): two browser
 * contexts as two devices of one user. A thread created, renamed and archived
 * on one appears so on the other (conversation.* events); "work" and "trip"
 * keep their own messages; the list is a sheet at phone width; a small thread
 * deletes after a confirm; axe passes in light and dark.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeFindings } from "./a11y.ts";
import { browserApp, screenshot } from "./browser.ts";

/** Waits on what the page shows (replies stream for seconds under load), never a fixed sleep. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe("Web app — threads", () => {
  const app = browserApp();

  const send = async (page: Page, text: string) => {
    await page.getByLabel("Message").fill(text);
    await page.keyboard.press("Enter");
    // .last(): for a moment the stored message (its event) and the outbox entry (before its ack) are both drawn (W12).
    await page.getByTestId("user-message").filter({ hasText: text }).last().waitFor();
    // The offline assistant's reply is stored before the next step reads the thread.
    await poll(() => page.getByTestId("reply").last().getAttribute("data-status")).toBe("completed");
  };
  /** The list beside the chat (desktop) or in its sheet (phone). */
  const nav = (page: Page) => page.getByRole("navigation", { name: "Chats" });
  const threads = (page: Page) => nav(page).getByTestId("thread");
  const thread = (page: Page, title: string) => threads(page).filter({ has: page.getByRole("button", { name: title, exact: true }) });
  const openSheet = async (page: Page) => {
    await page.getByRole("button", { name: "Chats" }).click();
    await page.getByTestId("threads-sheet").getByRole("heading", { name: "Chats" }).waitFor();
  };
  const closeSheet = (page: Page) => page.keyboard.press("Escape");
  const rename = async (page: Page, from: string, to: string) => {
    await thread(page, from).getByRole("button", { name: `Rename ${from}` }).click();
    const input = page.getByRole("textbox", { name: `Rename ${from}` });
    await input.fill(to);
    await input.press("Enter");
    await thread(page, to).waitFor();
    // W94: focus comes back to the thread's Rename button, not <body>.
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.tagName)).toBe(`Rename ${to}`);
  };
  const newChat = async (page: Page) => {
    const before = page.url();
    await page.getByRole("button", { name: "New chat", exact: true }).first().click();
    await poll(() => page.url()).not.toBe(before);
    await poll(() => new URL(page.url()).searchParams.get("c")).toMatch(/^[A-Za-z0-9-]+$/);
    return new URL(page.url()).searchParams.get("c")!;
  };
  const messagesShown = (page: Page) => page.getByTestId("user-message").allInnerTexts();

  it("[W90][W91][W94] a thread created, renamed and archived on the laptop appears so on the phone; work and trip keep their messages", async () => {
    const laptop = await app.signIn("threads-ann");
    const phone = await app.signIn("threads-ann", PHONE);

    // Created on the laptop, renamed "work": the phone's sheet lists it, live.
    const work = await newChat(laptop);
    await thread(laptop, "New chat").waitFor();
    expect(await thread(laptop, "New chat").getAttribute("aria-current")).toBe("page");
    await rename(laptop, "New chat", "work");
    await poll(() => laptop.getByTestId("thread-title").innerText()).toBe("work");
    await openSheet(phone);
    await thread(phone, "work").waitFor();
    await screenshot(phone, "threads-phone-sheet");

    // The phone opens "work" from its sheet (the URL holds the thread) and writes there.
    await thread(phone, "work").getByRole("button", { name: "work", exact: true }).click();
    await poll(() => new URL(phone.url()).searchParams.get("c")).toBe(work);
    await send(phone, "hotel in Lisbon for the offsite");

    // A second thread, "trip", on the laptop, with its own message.
    await newChat(laptop);
    await rename(laptop, "New chat", "trip");
    await send(laptop, "book the train to Porto");
    expect(await messagesShown(laptop)).toEqual([expect.stringContaining("book the train to Porto")]);

    // Each thread shows its own messages only, on both devices.
    await thread(laptop, "work").getByRole("button", { name: "work", exact: true }).click();
    await poll(() => messagesShown(laptop)).toEqual([expect.stringContaining("hotel in Lisbon")]);
    await poll(() => messagesShown(phone)).toEqual([expect.stringContaining("hotel in Lisbon")]);
    await screenshot(laptop, "threads-laptop-work");

    // A reload keeps the thread (it is in the URL) and its messages (from the state and its history).
    await laptop.reload();
    await poll(() => messagesShown(laptop)).toEqual([expect.stringContaining("hotel in Lisbon")]);
    expect(await laptop.getByTestId("thread-title").innerText()).toBe("work");

    // Archived on the laptop: under "Archived" on the phone too; unarchived on the phone: back on the laptop.
    await thread(laptop, "trip").getByRole("button", { name: "Archive trip" }).click();
    await openSheet(phone);
    await nav(phone).getByTestId("archived-threads").getByText("trip", { exact: true }).waitFor({ state: "attached" });
    expect(await nav(phone).getByTestId("threads").getByRole("button", { name: "trip", exact: true }).count()).toBe(0);
    await nav(phone).getByText(/^Archived \(1\)$/).click();
    await screenshot(phone, "threads-phone-archived");
    await nav(phone).getByRole("button", { name: "Unarchive trip" }).click();
    await nav(laptop).getByTestId("threads").getByRole("button", { name: "trip", exact: true }).waitFor();
    await closeSheet(phone);
  });

  it("[W90][W94] a small thread is deleted after a confirm dialog, on every device; a device on it falls back to the main thread and says so", async () => {
    const laptop = await app.signIn("threads-del");
    const phone = await app.signIn("threads-del");
    const scratch = await newChat(laptop);
    await rename(laptop, "New chat", "scratch");
    await send(laptop, "just a note");
    await thread(phone, "scratch").waitFor();
    // The other device is on the thread (its history page loaded: the text is on screen from there too).
    await phone.goto(`${app.server.url}/chat?c=${scratch}`);
    await poll(() => messagesShown(phone)).toEqual([expect.stringContaining("just a note")]);
    await thread(laptop, "scratch").getByRole("button", { name: "Delete scratch" }).click();
    const dialog = laptop.getByTestId("thread-delete");
    await dialog.getByRole("heading", { name: "Delete “scratch”?" }).waitFor();
    await screenshot(laptop, "threads-delete-confirm");
    await dialog.getByRole("button", { name: "Delete" }).click();
    await poll(() => thread(laptop, "scratch").count()).toBe(0);
    await poll(() => thread(phone, "scratch").count()).toBe(0);
    await poll(() => new URL(laptop.url()).searchParams.get("c")).toBe(null);
    // W90: the other device leaves the deleted thread for main, its text gone, and is told why; the laptop is not.
    await poll(() => new URL(phone.url()).searchParams.get("c")).toBe(null);
    await phone.getByText("This chat was deleted").waitFor();
    expect(await phone.getByTestId("thread-title").innerText()).toBe("Chat");
    expect(await phone.getByText("just a note").count()).toBe(0);
    await screenshot(phone, "threads-deleted-elsewhere");
    expect(await laptop.getByText("This chat was deleted").count()).toBe(0);
    await laptop.getByText("Deleted “scratch”").waitFor();
  });

  it("[W90][W94] a bigger thread's delete is the room's proposal in the same dialog (never a second one); empty new chats are listed once", async () => {
    const page = await app.signIn("threads-big");
    // Two "New chat" without a message: one untitled empty thread in the list — the room answers the second
    // with the same empty thread (T18), so the URL stays on it.
    const first = await newChat(page);
    const [again] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === "/api/v1/conversations" && r.request().method() === "POST"),
      page.getByRole("button", { name: "New chat", exact: true }).first().click(),
    ]);
    expect(again.status()).toBe(201);
    expect(((await again.json()) as { id: string }).id).toBe(first);
    await poll(() => thread(page, "New chat").count()).toBe(1);
    expect(new URL(page.url()).searchParams.get("c")).toBe(first);
    await rename(page, "New chat", "long");
    for (const text of ["one", "two"]) await send(page, text);
    // Four messages (two questions, two replies): more than the room deletes without a confirm.
    const dialog = page.getByTestId("thread-delete");
    // Every close of the dialog is counted: one delete is one dialog, opened once.
    await dialog.evaluate((d) => d.addEventListener("close", () => (d.dataset.closes = String(Number(d.dataset.closes ?? 0) + 1))));
    const closes = () => dialog.evaluate((d) => Number(d.dataset.closes ?? 0));
    await thread(page, "long").getByRole("button", { name: "Delete long" }).click();
    await dialog.getByRole("heading", { name: "Delete “long”?" }).waitFor();
    await dialog.getByRole("button", { name: "Delete" }).click();
    // The room's answer (202) turns this dialog into its proposal: the summary shows, the dialog never closed.
    await dialog.getByText(/and its 4 messages\./).waitFor();
    await poll(() => dialog.getByTestId("thread-delete-stage").getAttribute("data-stage")).toBe("proposal");
    expect(await closes()).toBe(0);
    await screenshot(page, "threads-delete-proposal");
    await dialog.getByRole("button", { name: "Keep it" }).click();
    await poll(() => dialog.isVisible()).toBe(false);
    expect(await thread(page, "long").count()).toBe(1);
    await thread(page, "long").getByRole("button", { name: "Delete long" }).click();
    await dialog.getByRole("button", { name: "Delete" }).click();
    await poll(() => dialog.getByTestId("thread-delete-stage").getAttribute("data-stage")).toBe("proposal");
    await dialog.getByRole("button", { name: "Delete" }).click();
    await poll(() => thread(page, "long").count()).toBe(0);
    expect(await closes()).toBe(2);
  });

  it("[W90] axe finds nothing on a chat with threads, light and dark, desktop and phone sheet", async () => {
    const findings: string[] = [];
    for (const colorScheme of ["light", "dark"] as const) {
      const page = await app.signIn(`threads-axe-${colorScheme}`, { colorScheme });
      await newChat(page);
      await rename(page, "New chat", "work");
      await send(page, "hello there");
      await thread(page, "work").getByRole("button", { name: "Archive work" }).click();
      await nav(page).getByText(/^Archived \(1\)$/).click();
      findings.push(...(await axeFindings(page)).map((f) => `${colorScheme} desktop: ${f}`));
      await screenshot(page, `threads-${colorScheme}`);
      const phone = await app.signIn(`threads-axe-${colorScheme}`, { ...PHONE, colorScheme });
      await openSheet(phone);
      await thread(phone, "Chat").waitFor();
      findings.push(...(await axeFindings(phone)).map((f) => `${colorScheme} phone: ${f}`));
      await screenshot(phone, `threads-${colorScheme}-phone`);
    }
    expect(findings).toEqual([]);
  });
});
