import { describe, expect, it } from "vitest";
import { browserApp, screenshot, whenLive } from "./browser.ts";

describe("Web app — the offline outbox across a reload", () => {
  const app = browserApp({ OFFLINE_TOKEN_DELAY_MS: "30" });
  const signIn = (userId: string) => app.signIn(userId);

  it("[C2][G2] a message typed offline, the page reloaded while still offline, is sent exactly once when back online", async () => {
    const page = await signIn("quinn");
    const text = "remember that my dog is Rex";
    const queued = () => page.evaluate((): number => JSON.parse(localStorage.getItem("micro-cos.outbox.quinn") ?? "[]").length);
    const token = await page.evaluate(() => localStorage.getItem("micro-cos.token"));
    const sentTimes = async () => {
      const state = (await (await fetch(`${app.server.url}/api/v1/state`, { headers: { authorization: `Bearer ${token}` } })).json()) as { recentMessages: { role: string; text: string }[] };
      return state.recentMessages.filter((m) => m.role === "user" && m.text === text).length;
    };

    await page.context().setOffline(true);
    await page.getByTestId("status").filter({ hasText: "offline" }).waitFor({ state: "attached", timeout: 20_000 });
    await page.getByLabel("Message").fill(text);
    await page.keyboard.press("Enter");
    await page.getByTestId("outbox").getByText("Waiting for connection").waitFor();
    expect(await queued()).toBe(1);

    // Reloaded while still offline. The app has no offline shell yet (no service worker): the
    // browser shows its own offline page, and the origin's storage — the outbox — is what survives.
    const reload = await page.reload().then(
      () => "loaded",
      (error: Error) => error.message.split("\n")[0]!,
    );
    console.log(`[outbox reload] reload while offline: ${reload}`);
    await screenshot(page, "11-outbox-reloaded-offline");
    // Once the app opens offline (DESIGN 6b), the reloaded page shows the message still waiting.
    if (reload === "loaded") await page.getByTestId("outbox").getByText("Waiting for connection").waitFor();
    expect(await sentTimes()).toBe(0);

    await page.context().setOffline(false);
    // Back online: the user opens the app again (a reload that now reaches the server).
    await page.goto(app.server.url);
    await whenLive(page);
    await page
      .getByTestId("reply")
      .filter({ hasText: "your dog is Rex" })
      .waitFor({ timeout: 20_000 });
    await expect.poll(queued, { timeout: 10_000 }).toBe(0);
    expect(await sentTimes()).toBe(1);
    await screenshot(page, "12-outbox-sent-after-reload");

    // And never again: one more reload, online, sends nothing.
    await page.reload();
    await whenLive(page);
    await page.getByText(text).first().waitFor({ timeout: 20_000 });
    expect(await queued()).toBe(0);
    expect(await sentTimes()).toBe(1);
  });
});
