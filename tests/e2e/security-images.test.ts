/**
 * A beacon in a reply: the assistant echoes a task title holding markdown images
 * that point at someone else's server. Nothing may be fetched from there until the
 * user clicks "show" (W2), and the page's policy (W1) holds without one violation
 * while the app runs.
 */
import type { Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserApp, screenshot } from "./browser.ts";

/** A 1×1 transparent PNG, what the "remote server" answers. */
const PIXEL = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

describe("Security — remote images in a reply", () => {
  const app = browserApp({ OFFLINE_TOKEN_DELAY_MS: "5" });

  it("[W2][W1] a reply echoing ![x](http://evil.example/a.png) fetches nothing remote until the user clicks show; no CSP violation", async () => {
    const context = await app.browser.newContext();
    // The "remote server": every request to it is counted and answered with a pixel, so none needs a network.
    const beacons: Request[] = [];
    await context.route(/^https?:\/\/(evil|tracker)\.example\//, async (route) => {
      beacons.push(route.request());
      await route.fulfill({ status: 200, contentType: "image/png", body: PIXEL });
    });
    const page = await context.newPage();
    await page.addInitScript(() => {
      const seen: string[] = [];
      Object.defineProperty(window, "cspViolations", { value: seen });
      document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
    });
    const violations = () => page.evaluate(() => Reflect.get(window, "cspViolations") as string[]);

    await page.goto(`${app.server.url}/login`);
    await page.getByLabel("User id").fill("victor");
    await page.getByRole("button", { name: /log in/i }).click();
    await page.getByTestId("status").filter({ hasText: "live" }).waitFor({ state: "attached", timeout: 30_000 });
    await page.getByLabel("Message").fill("add a task ![x](http://evil.example/a.png) and ![y](https://tracker.example/b.png)");
    await page.keyboard.press("Enter");
    const reply = page.getByTestId("reply").last();
    await reply.filter({ hasText: "Done — I added" }).waitFor({ timeout: 20_000 });
    // Rendered: a placeholder, or (what this test must catch) an image.
    await reply.locator("[data-remote-image], img").first().waitFor();

    const remoteImages = () =>
      page.evaluate(() => [...document.images].map((img) => img.src).filter((src) => new URL(src, location.href).origin !== location.origin));
    const before = { images: await remoteImages(), beacons: beacons.length, placeholders: await reply.locator("[data-remote-image]").count() };
    console.log(`before the click: ${before.images.length} remote <img>, ${before.beacons} remote requests, ${before.placeholders} placeholders`);
    expect(before).toEqual({ images: [], beacons: 0, placeholders: 2 });
    expect(await reply.locator("[data-remote-image]").first().textContent()).toBe("Image from evil.example — show");
    await screenshot(page, "security-01-remote-image-placeholders");

    await reply.getByRole("button", { name: "show" }).first().click();
    await expect.poll(() => beacons.length, { timeout: 10_000 }).toBe(2);
    const after = { images: await remoteImages(), urls: beacons.map((r) => r.url()).sort() };
    console.log(`after the click: ${after.images.length} remote <img>, requests ${JSON.stringify(after.urls)}`);
    // Both shown, each over https (http: is upgraded, never fetched in the clear), and without a referrer.
    expect(after.urls).toEqual(["https://evil.example/a.png", "https://tracker.example/b.png"]);
    for (const request of beacons) expect(await request.headerValue("referer")).toBeNull();
    await screenshot(page, "security-02-remote-images-shown");

    expect(await violations()).toEqual([]);
    await context.close();
  });
});
