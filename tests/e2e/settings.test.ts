/**
 * The Settings view (docs/PROTOCOL.md W35, S12, S5): the room's preferences
 * edited with inline validation and a visible "Saved", seen on the user's other
 * device; the time zone with "use this device's zone"; Memory keeps memories
 * only; axe clean in light and dark.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserApp, screenshot } from "./browser.ts";

const view = async (page: Page, name: string) => {
  await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name }).click();
  // Chat's heading is the chat's own work; its message box says it is open.
  if (name === "Chat") await page.getByLabel("Message").waitFor();
  else await page.getByRole("heading", { name, level: 1 }).waitFor();
};

const status = (page: Page) => page.getByTestId("settings-status");

async function seriousViolations(page: Page): Promise<string[]> {
  // The shell's connection badge belongs to the shell's own accessibility work (web/routes/_app.tsx), not to these views.
  const results = await new AxeBuilder({ page }).exclude('[data-testid="status"]').analyze();
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("Web app — Settings", () => {
  const app = browserApp();

  it("[W35] work hours, quiet hours and the daily plan save with “Saved” and show on the other device", async () => {
    const laptop = await app.signIn("set-ana");
    const phone = await app.signIn("set-ana", { viewport: { width: 390, height: 844 } });
    await view(laptop, "Settings");
    await view(phone, "Settings");
    await screenshot(laptop, "settings-01-desktop");
    await screenshot(phone, "settings-02-phone");

    await laptop.getByLabel("Work starts").fill("08:00");
    await laptop.getByLabel("Work ends").fill("16:30");
    await laptop.getByLabel("Propose a plan for my day").check();
    await laptop.getByLabel("Plan time").fill("08:30");
    await laptop.getByLabel("Quiet from").fill("23:00");
    // The day chips are labels around visually hidden checkboxes: click the chip, as a person does.
    await laptop.locator("label").filter({ hasText: /^Sat$/ }).click();
    expect(await laptop.getByRole("checkbox", { name: "Sat" }).isChecked()).toBe(true);
    await laptop.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => status(laptop).innerText(), { timeout: 10_000 }).toBe("Saved");

    // The other device's form follows the room.
    await expect.poll(() => phone.getByLabel("Work starts").inputValue(), { timeout: 15_000 }).toBe("08:00");
    expect(await phone.getByLabel("Work ends").inputValue()).toBe("16:30");
    expect(await phone.getByLabel("Propose a plan for my day").isChecked()).toBe(true);
    expect(await phone.getByLabel("Plan time").inputValue()).toBe("08:30");
    expect(await phone.getByLabel("Quiet from").inputValue()).toBe("23:00");
    expect(await phone.getByRole("checkbox", { name: "Sat" }).isChecked()).toBe(true);

    // Quiet hours off: the times go away, and the change is one line in Activity, by its device.
    await phone.getByLabel("Hold notifications during quiet hours").uncheck();
    expect(await phone.getByLabel("Quiet from").count()).toBe(0);
    await phone.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => status(phone).innerText(), { timeout: 10_000 }).toBe("Saved");
    await expect.poll(() => laptop.getByLabel("Hold notifications during quiet hours").isChecked(), { timeout: 15_000 }).toBe(false);
    await view(laptop, "Activity");
    await laptop.getByTestId("activity").getByText("Chrome on Linux turned quiet hours off").waitFor({ timeout: 15_000 });
    await laptop.getByTestId("activity").getByText("You (Chrome on Linux) set work hours to 08:00–16:30; set quiet hours to 23:00–07:00; turned the daily plan on at 08:30").waitFor();
  });

  it("[W35][S5] invalid values are refused beside their field and nothing is sent", async () => {
    const page = await app.signIn("set-bo");
    await view(page, "Settings");
    const puts: string[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/api/v1/preferences")) puts.push(r.method());
    });
    await page.getByLabel("Time zone").fill("Mars/Olympus_Mons");
    await page.getByLabel("Plan time").fill("20:00");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Unknown time zone").waitFor();
    await page.getByText("The daily plan comes during work hours").waitFor();
    expect(await page.getByLabel("Time zone").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Plan time").getAttribute("aria-invalid")).toBe("true");
    // The error is the field's description, so a screen reader reads it with the field.
    expect(await page.getByRole("combobox", { name: "Time zone" }).getAttribute("aria-describedby")).toBeTruthy();
    expect(await status(page).innerText()).toMatch(/Check the fields/);
    expect(puts).toEqual([]);
    await screenshot(page, "settings-03-errors");
    // Nothing changed: saying so, not "Saved".
    await page.reload();
    await view(page, "Settings");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => status(page).innerText()).toMatch(/Nothing to save/);
  });

  it("[W35][S12] the time zone: chosen in Settings, seen on the other device; “use this device's zone” brings it back", async () => {
    const ny = await app.signIn("set-cleo", { timezoneId: "America/New_York", locale: "en-US" });
    await view(ny, "Settings");
    // The first device's hello set the zone.
    await expect.poll(() => ny.getByLabel("Time zone").inputValue(), { timeout: 10_000 }).toBe("America/New_York");
    expect(await ny.getByRole("button", { name: /Use this device's zone/ }).count()).toBe(0);
    await ny.getByLabel("Time zone").fill("Europe/Paris");
    await ny.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => status(ny).innerText(), { timeout: 10_000 }).toBe("Saved");

    const other = await app.signIn("set-cleo", { timezoneId: "America/New_York", locale: "en-US" });
    await view(other, "Settings");
    await expect.poll(() => other.getByLabel("Time zone").inputValue(), { timeout: 10_000 }).toBe("Europe/Paris");
    const useDevice = other.getByRole("button", { name: "Use this device's zone (America/New_York)" });
    await useDevice.click();
    await expect.poll(() => ny.getByLabel("Time zone").inputValue(), { timeout: 15_000 }).toBe("America/New_York");
    await expect.poll(() => status(other).innerText(), { timeout: 10_000 }).toBe("Saved");
  });

  it("[W35] Memory keeps memories only; Settings and Memory have no serious or critical axe violation, light and dark", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const page = await app.signIn(`set-axe-${colorScheme}`, { colorScheme });
      await view(page, "Memory");
      expect(await page.getByLabel("Work starts").count()).toBe(0);
      expect(await page.getByText("Preferences", { exact: true }).count()).toBe(0);
      for (const name of ["Settings", "Memory"]) {
        await view(page, name);
        const found = await seriousViolations(page);
        console.log(`[settings] axe ${name} ${colorScheme}: ${found.length}${found.length ? ` ${found.join(" | ")}` : ""}`);
        expect(found).toEqual([]);
        await screenshot(page, `settings-axe-${name.toLowerCase()}-${colorScheme}`);
      }
      await page.context().close();
    }
  });
});
