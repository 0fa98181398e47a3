/**
 * Shared steps of the Tasks and Notes browser tests (docs/PROTOCOL.md W20–W24):
 * a device signed in on a view, rows and toasts found by what the user reads,
 * and an axe check that fails on any serious or critical violation.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { expect } from "vitest";

export const NY = "America/New_York";

export const toast = (page: Page, label: string) => page.locator("[data-sonner-toast]").filter({ hasText: label });

/** A task's row, by its exact title. */
export const row = (page: Page, title: string) => page.getByTestId("tasks").locator("li[data-task-id]").filter({ has: page.getByRole("button", { name: title, exact: true }) });

/** The titles of the list, top to bottom. */
export const titles = (page: Page) => page.getByTestId("task-title").allInnerTexts();

export async function addTask(page: Page, typed: string, shown: string): Promise<void> {
  await page.getByLabel("New task").fill(typed);
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await row(page, shown).waitFor({ timeout: 15_000 });
}

/**
 * Runs axe on the view (the shell's navigation around it is checked by the
 * shell's own tests) and fails with the rule ids and the elements when anything serious or critical is found. */
export async function expectAxeClean(page: Page, label: string): Promise<void> {
  const result = await new AxeBuilder({ page }).include("main").analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 4).join(" | ")}`);
  console.log(`[axe] ${label}: ${result.violations.length} violations, ${bad.length} serious or critical${summary.length ? `\n  ${summary.join("\n  ")}` : ""}`);
  expect(summary, label).toEqual([]);
}
