import { describe, expect, it } from "vitest";
import { browserApp, screenshot } from "./browser.ts";

/**
 * The web app never throws into the page: every view, a reload, and a socket
 * ticket that cannot be fetched (offline, a refused session) leave no uncaught
 * error — the app shows it is not live instead of breaking.
 */
describe("Web app — no uncaught page errors", () => {
  const app = browserApp();

  it("[W6] every view, a reload, and a failed ticket request raise no page error", async () => {
    const page = await app.signIn("calm-user");
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    for (const view of ["Tasks", "Notes", "Memory", "Devices", "Activity", "Chat"]) {
      await page.getByRole("link", { name: view }).click();
      await page.waitForURL(new RegExp(`/${view.toLowerCase()}`));
    }
    await page.reload();
    await page.getByTestId("status").filter({ hasText: "live" }).waitFor({ state: "attached", timeout: 30_000 });

    // The ticket request fails as it would offline: the provider's connect rejects.
    const refused = page.waitForEvent("console", { predicate: (m) => m.type() === "error" && m.text().includes("Failed to open") });
    await page.route("**/api/v1/socket/ticket", (route) => route.abort("internetdisconnected"));
    await page.reload();
    await refused;
    // One turn of the page's event loop after the rejection: an unhandled one is reported by then.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    await screenshot(page, "page-errors-01-ticket-failed");
    console.log(`[page errors] ${errors.length}${errors.length ? `: ${errors.join(" | ")}` : ""}`);
    expect(errors).toEqual([]);
  });

  it("[W44][W6] a connect whose ticket cannot be fetched is tried again by itself: live with no reload and no online event", async () => {
    const page = await app.signIn("patient-user");
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    // The server is unreachable for the next two ticket requests (the browser still thinks it is online).
    let refusedTickets = 0;
    await page.route("**/api/v1/socket/ticket", async (route) => {
      if (refusedTickets < 2) {
        refusedTickets += 1;
        return route.abort("connectionrefused");
      }
      return route.continue();
    });
    await page.reload();
    await page.getByTestId("status").filter({ hasText: "offline" }).waitFor({ state: "attached", timeout: 30_000 });
    await page.getByTestId("status").filter({ hasText: "live" }).waitFor({ state: "attached", timeout: 60_000 });
    console.log(`[W44] live after ${refusedTickets} refused ticket requests, page errors ${errors.length}`);
    expect(refusedTickets).toBe(2);
    expect(errors).toEqual([]);
  });
});
