/**
 * Seeds for the timeline's browser tests: goals and blocks written into the
 * user's document by a y-partyserver device of the same user (the public
 * schema any Yjs client may follow, docs/PROTOCOL.md D40–D49), and the drag
 * gestures — mouse, and touch through Chromium's DevTools protocol (a press
 * held until the block says it is being dragged, never a fixed wait).
 */
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { writeBlock, writeGoal, writeTask } from "../../shared/doc-schema.ts";
import type { Block, Goal } from "../../shared/goals.ts";
import type { Task } from "../../shared/domain.ts";
import { localDate } from "../../shared/dates.ts";
import { dayRange, isoInZone } from "../../shared/zoned.ts";
import { login, providerDevice } from "../integration/clients.ts";
import type { DevServer } from "../integration/dev-server.ts";

export const ZONE = "America/New_York";
const STAMP = "2026-01-01T00:00:00.000Z";

/** Today's local date in ZONE, and an instant at `hh:mm` of it (DST-correct). */
export function todayAt(hh: number, mm = 0): { date: string; iso: string } {
  const date = localDate(ZONE, new Date());
  const { from } = dayRange(date, ZONE);
  // Hours after local midnight; the test days are not DST days unless the run happens on one.
  return { date, iso: isoInZone(from + (hh * 60 + mm) * 60_000, ZONE) };
}

export const block = (id: string, title: string, start: string, end: string, extra: Partial<Block> = {}): Block => ({
  id,
  title,
  start,
  end,
  taskId: null,
  goalId: null,
  source: "user",
  createdAt: STAMP,
  updatedAt: STAMP,
  createdBy: "user:seed",
  ...extra,
});

/** Writes goals, tasks and blocks into `userId`'s document and waits until the room has them (a ping's pong after the update). */
export async function seed(server: DevServer, userId: string, what: { goals?: Goal[]; tasks?: Task[]; blocks?: Block[] }): Promise<void> {
  const device = providerDevice(server, await login(server, userId), "seed-device");
  try {
    await device.log.waitFor("welcome");
    for (const g of what.goals ?? []) writeGoal(device.doc, g);
    for (const t of what.tasks ?? []) writeTask(device.doc, t);
    for (const b of what.blocks ?? []) writeBlock(device.doc, b);
    await device.roundTrip();
  } finally {
    device.close();
  }
}

export const blockOn = (page: Page, id: string) => page.locator(`[data-testid="timeline-block"][data-block-id="${id}"]`);
/** The block's accessible name: "<title>, 10:00 AM – 11:00 AM" (its times in the preference zone). */
export const blockLabel = (page: Page, id: string) => blockOn(page, id).getByRole("button").getAttribute("aria-label");

/** A mouse drag of `target` by `dy` px (and `dx`), in small steps as a hand would. */
export async function mouseDrag(page: Page, target: Locator, dy: number, dx = 0): Promise<void> {
  // Centred, not just "in view": a drag that ends near the viewport's edge scrolls the timeline under the pointer
  // (the drag's edge scrolling), and where the block starts on screen follows the time of day (the view opens at now).
  await target.evaluate((el) => el.scrollIntoView({ block: "center", inline: "center" }));
  const box = await target.boundingBox();
  if (!box) throw new Error("the block to drag is not on screen");
  const x = box.x + box.width / 2;
  const y = box.y + Math.min(10, box.height / 2);
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(x + (dx * i) / 10, y + (dy * i) / 10);
  await page.mouse.up();
}

/** A touch drag: press, hold until the block is picked up (data-dragging), move, lift. */
export async function touchDrag(page: Page, id: string, dy: number): Promise<void> {
  const target = blockOn(page, id).getByRole("button");
  await target.evaluate((el) => el.scrollIntoView({ block: "center", inline: "center" })); // as mouseDrag
  const box = await target.boundingBox();
  if (!box) throw new Error("the block to drag is not on screen");
  const cdp = await page.context().newCDPSession(page);
  const x = Math.round(box.x + box.width / 2);
  const y = Math.round(box.y + Math.min(10, box.height / 2));
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
  await expect.poll(() => blockOn(page, id).getAttribute("data-dragging"), { timeout: 10_000 }).toBe("true");
  for (let i = 1; i <= 10; i++) await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x, y: Math.round(y + (dy * i) / 10) }] });
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cdp.detach();
}
