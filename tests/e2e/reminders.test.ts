/**
 * Recurring reminders in the web app (docs/PROTOCOL.md S24, S15–S21), with a
 * laptop and a phone (390 px) of one user: the repeat in words and the next
 * time in the user's zone, the edit dialog (title, time, repeat presets, a
 * custom rule read-only), Cancel ending the series — seen on both devices.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { Reminder } from "../../shared/domain.ts";
import { formatDue } from "../../shared/format.ts";
import { browserApp, screenshot } from "./browser.ts";
import { expectAxeClean, NY, toast } from "./tasks-helpers.ts";

describe("Web app — recurring reminders", () => {
  const app = browserApp();

  async function device(userId: string, phone = false): Promise<Page> {
    const page = await app.signIn(userId, { timezoneId: NY, ...(phone ? { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } : {}) });
    await page.goto(`${app.server.url}/tasks`);
    await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
    return page;
  }

  const create = (page: Page, body: Record<string, string>) =>
    page.evaluate(async (body) => {
      const res = await fetch("/api/v1/reminders", {
        method: "POST",
        headers: { authorization: `Bearer ${localStorage.getItem("micro-cos.token")}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: res.status, reminder: (await res.json()) as Reminder };
    }, body);

  const item = (page: Page, title: string) => page.getByTestId("reminders").locator("li").filter({ hasText: title });

  /** Every control a finger uses is at least 44 × 44 CSS px at phone width (S24). */
  async function expectTargets(page: Page, names: string[]): Promise<void> {
    for (const name of names) {
      const box = await page.getByRole("button", { name, exact: true }).first().boundingBox();
      expect(box, name).not.toBeNull();
      expect(Math.round(box!.height), `${name} height`).toBeGreaterThanOrEqual(44);
      expect(Math.round(box!.width), `${name} width`).toBeGreaterThanOrEqual(44);
    }
  }

  it("[S24][S18][S21][S4] a recurring reminder shows its repeat in words and next time; the dialog edits it; Cancel series removes it — on both devices", async () => {
    const laptop = await device("recur-web");
    const phone = await device("recur-web", true);
    const made = await create(laptop, { title: "Check the budget", rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=30" });
    expect(made.status).toBe(201);
    for (const page of [laptop, phone]) {
      await expect.poll(() => item(page, "Check the budget").getByTestId("reminder-repeat").innerText(), { timeout: 15_000 }).toBe("Every weekday at 8:30 AM");
      expect(await item(page, "Check the budget").getByTestId("reminder-at").innerText()).toBe(`Next: ${formatDue(made.reminder.at, NY)}`);
    }
    await screenshot(laptop, "reminders-01-recurring-desktop");
    await screenshot(phone, "reminders-02-recurring-phone");
    await expectTargets(phone, ["Edit reminder “Check the budget”", "Cancel reminder “Check the budget”"]);

    // Edit on the phone: every Friday at 5:15 PM, renamed.
    await phone.getByRole("button", { name: "Edit reminder “Check the budget”" }).click();
    const dialog = phone.getByRole("dialog", { name: "Edit reminder" });
    await dialog.waitFor();
    expect(await dialog.getByTestId("reminder-dialog-words").innerText()).toBe(`Every weekday at 8:30 AM · next ${formatDue(made.reminder.at, NY)}`);
    expect(await dialog.getByLabel("Repeat").inputValue()).toBe("weekdays");
    expect(await dialog.getByLabel("Time").inputValue()).toBe("08:30");
    await expectTargets(phone, ["Save", "Close", "Cancel series"]);
    await screenshot(phone, "reminders-03-edit-dialog-phone");
    await expectAxeClean(phone, "reminder dialog (phone)");
    await dialog.getByLabel("Title").fill("Review the budget");
    await dialog.getByLabel("Repeat").selectOption("weekly");
    await dialog.getByLabel("Day").selectOption("FR");
    await dialog.getByLabel("Time").fill("17:15");
    const saved = phone.waitForResponse((r) => r.url().includes("/update") && r.request().method() === "POST");
    await dialog.getByRole("button", { name: "Save" }).click();
    const updated = (await (await saved).json()) as Reminder;
    expect(updated).toMatchObject({ id: made.reminder.id, title: "Review the budget", rrule: "FREQ=WEEKLY;BYDAY=FR;BYHOUR=17;BYMINUTE=15" });
    expect(formatDue(updated.at, NY)).toMatch(/^Fri, .* 5:15\sPM$/);
    await toast(phone, "Reminder saved").waitFor();
    await dialog.waitFor({ state: "hidden" });
    for (const page of [laptop, phone]) {
      await expect.poll(() => item(page, "Review the budget").getByTestId("reminder-repeat").innerText(), { timeout: 15_000 }).toBe("Every Friday at 5:15 PM");
      expect(await item(page, "Review the budget").getByTestId("reminder-at").innerText()).toBe(`Next: ${formatDue(updated.at, NY)}`);
    }

    // A rule made elsewhere is shown as it is, read-only, and kept by a rename.
    const custom = await create(laptop, { title: "Team lunch", rrule: "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1;BYHOUR=12;BYMINUTE=0" });
    expect(custom.status).toBe(201);
    await laptop.getByRole("button", { name: "Edit reminder “Team lunch”" }).click();
    const customDialog = laptop.getByRole("dialog", { name: "Edit reminder" });
    expect(await customDialog.getByLabel("Repeat").inputValue()).toBe("custom");
    expect(await customDialog.getByLabel(/^Rule/).inputValue()).toBe("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1;BYHOUR=12;BYMINUTE=0");
    expect(await item(laptop, "Team lunch").getByTestId("reminder-repeat").innerText()).toBe("Custom repeat");
    expect(await customDialog.getByLabel(/^Rule/).getAttribute("readonly")).not.toBeNull();
    await screenshot(laptop, "reminders-04-custom-desktop");
    await customDialog.getByRole("button", { name: "Close" }).click();
    await customDialog.waitFor({ state: "hidden" });

    // Cancel the series from the laptop's dialog: gone on both devices.
    await laptop.getByRole("button", { name: "Edit reminder “Review the budget”" }).click();
    await laptop.getByRole("dialog", { name: "Edit reminder" }).getByRole("button", { name: "Cancel series" }).click();
    for (const page of [laptop, phone]) await expect.poll(() => item(page, "Review the budget").count(), { timeout: 15_000 }).toBe(0);
    await item(phone, "Team lunch").waitFor();
  });
});
