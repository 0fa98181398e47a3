/**
 * Settings → Tools (MCP) in the browser (docs/PROTOCOL.md M1, M6, M13): add a
 * server by URL, see its tools and their policy, trust one, connect a server
 * that needs OAuth by following Connect through the authorization server and
 * back, remove one. Screenshots on desktop and phone.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type McpTestServer, startMcpServer } from "../support/mcp-server.ts";
import { browserApp, screenshot } from "./browser.ts";

const openSettings = async (page: Page) => {
  await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("heading", { name: "Tools (MCP)" }).waitFor();
};

const serverRow = (page: Page, name: string) => page.getByTestId("mcp-server").filter({ has: page.getByRole("heading", { name, exact: true }) });

const addServer = async (page: Page, url: string, name: string) => {
  const form = page.getByRole("form", { name: "Add a tool server" });
  await form.getByLabel("Server URL").fill(url);
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Add server" }).click();
};

describe("Web app — Settings → Tools (MCP)", () => {
  const app = browserApp();
  let flights: McpTestServer;
  let secure: McpTestServer;
  beforeAll(async () => {
    [flights, secure] = await Promise.all([startMcpServer(), startMcpServer({ auth: true })]);
  });
  afterAll(async () => Promise.all([flights?.close(), secure?.close()]));

  it("[M1] [M6] [M13] add, trust, connect with OAuth and remove tool servers", async () => {
    const laptop = await app.signIn("mcp-ui-ana");
    await openSettings(laptop);
    await addServer(laptop, flights.url, "Flights");
    const row = serverRow(laptop, "Flights");
    await row.getByText("Connected").waitFor();
    await row.getByText("Read-only · runs directly").waitFor();
    await row.getByText("0 of 10 uses today").waitFor();
    const trust = row.getByRole("checkbox", { name: "Run Cancel booking without asking" });
    expect(await trust.isChecked()).toBe(false);

    await addServer(laptop, secure.url, "Secure flights");
    const secureRow = serverRow(laptop, "Secure flights");
    await secureRow.getByText("Needs you to sign in").waitFor();
    await laptop.getByTestId("mcp-settings").scrollIntoViewIfNeeded();
    await screenshot(laptop, "mcp-01-settings-desktop");

    const phone = await app.signIn("mcp-ui-ana", { viewport: { width: 390, height: 844 } });
    await openSettings(phone);
    await phone.getByTestId("mcp-server").first().waitFor();
    await phone.getByTestId("mcp-settings").scrollIntoViewIfNeeded();
    await screenshot(phone, "mcp-02-settings-phone");

    await trust.check();
    await row.getByText("Runs without asking").waitFor();
    // Saved in the room: the other device shows it after a reload.
    await phone.reload();
    await openSettings(phone);
    await expect.poll(() => serverRow(phone, "Flights").getByRole("checkbox", { name: "Run Cancel booking without asking" }).isChecked(), { timeout: 10_000 }).toBe(true);

    // Connect: the authorization server approves and sends the browser back through the room's callback to Settings.
    await secureRow.getByRole("link", { name: "Connect" }).click();
    await laptop.waitForURL(/\/settings/);
    const connected = serverRow(laptop, "Secure flights");
    await connected.getByText("Connected").waitFor({ timeout: 20_000 });
    await connected.getByText("secure_flights__search_flights").waitFor();
    expect(secure.issuedTokens()).toBe(1);
    expect(await laptop.getByRole("form", { name: "Add a tool server" }).getByLabel("Server URL").inputValue()).toBe("");
    await screenshot(laptop, "mcp-03-connected-desktop");

    const axe = await new AxeBuilder({ page: laptop }).include('[data-testid="mcp-settings"]').analyze();
    expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);

    await row.getByRole("button", { name: "Remove Flights" }).click();
    await expect.poll(() => serverRow(laptop, "Flights").count(), { timeout: 10_000 }).toBe(0);
    expect(await serverRow(laptop, "Secure flights").count()).toBe(1);
  });
});
