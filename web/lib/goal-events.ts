/**
 * The Activity view by goal reads the room, not the newest page the socket
 * keeps (W78, B21): `GET /api/v1/events?goalId=` paged forward with `since`
 * until a page is empty, so a goal's older changes show too. At most `cap`
 * events are kept — the newest — so a goal with a very long history stays a
 * bounded read for the browser.
 */
import type { EventsPage } from "../../shared/api.ts";

/** One page of a goal's events after `since` (the api, or a fake in tests). */
export type GoalPage = (goalId: string, since: number, limit: number) => Promise<EventsPage>;

export const GOAL_EVENTS_CAP = 2_000;
/** The room's largest page (H8). */
export const GOAL_PAGE_LIMIT = 1_000;

/** A goal's events, oldest first (the view words them in order and shows them newest first); `clipped` when older ones were left out. */
export async function readGoalEvents(page: GoalPage, goalId: string, cap = GOAL_EVENTS_CAP): Promise<EventsPage & { clipped: boolean }> {
  let events: EventsPage["events"] = [];
  let since = 0;
  let lastEventSeq = 0;
  let clipped = false;
  for (;;) {
    const next = await page(goalId, since, GOAL_PAGE_LIMIT);
    lastEventSeq = next.lastEventSeq;
    const last = next.events.at(-1);
    // Empty: the end. A page that does not move forward would loop: the end too.
    if (!last || last.seq <= since) break;
    events = events.concat(next.events);
    if (events.length > cap) {
      events = events.slice(-cap);
      clipped = true;
    }
    since = last.seq;
  }
  return { events, lastEventSeq, clipped };
}
