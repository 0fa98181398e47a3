/**
 * Ranking flight offers (docs/PROTOCOL.md M22), pure: offers that overlap
 * something the user has that day (a timed calendar event, a task due at a
 * time) go last; the rest by score, lower first:
 *
 *   score = amount / cheapest amount + minutes / shortest minutes + 0.25 × stops
 *
 * (a price equal to the cheapest and a duration equal to the shortest score 2;
 * amounts compare within the cheapest offer's currency — an offer in another
 * currency scores its price term as 1.5). Ties go by departure, then id. Each
 * offer gets one short reason: "cheapest nonstop", "conflicts with Team sync 10–11 AM",
 * "nonstop, $35.00 more than the cheapest".
 */
import { type FlightOffer, formatPrice, formatStops, type RankedOffer } from "../../shared/flights.ts";
import { formatTime } from "../../shared/format.ts";
import type { BusyEvent } from "./world-ports.ts";

/** A timed task holds this much of the day from its due time (M22). */
export const TASK_BUSY_MINUTES = 30;
/** The weight of one stop in the score. */
export const STOP_WEIGHT = 0.25;
const OTHER_CURRENCY_PRICE = 1.5;

/** The score of M22 (lower is better) against the cheapest and shortest of `offers`. */
export function scoreOf(offer: FlightOffer, cheapest: FlightOffer["price"], shortest: number): number {
  const price = offer.price.currency === cheapest.currency ? offer.price.amount / Math.max(cheapest.amount, 1) : OTHER_CURRENCY_PRICE;
  return price + offer.durationMinutes / shortest + STOP_WEIGHT * offer.stops;
}

/** "10–11 AM", "9:30–11 AM", "11 AM–1:30 PM" in the user's zone. */
export function timeRange(start: string, end: string, timeZone: string): string {
  const short = (iso: string) => formatTime(iso, timeZone).replace(":00", "");
  const [a, b] = [short(start), short(end)];
  const [aTime, aHalf] = a.split(" ");
  const [, bHalf] = b.split(" ");
  return aHalf === bHalf ? `${aTime}–${b}` : `${a}–${b}`;
}

/** Whether [depart, arrive] overlaps the event: touching ends do not overlap. All-day events never do (a birthday blocks no flight). */
function overlaps(offer: FlightOffer, event: BusyEvent): boolean {
  if (event.allDay) return false;
  return Date.parse(offer.depart) < Date.parse(event.end) && Date.parse(event.start) < Date.parse(offer.arrive);
}

/** The events of the day, and the timed tasks as `TASK_BUSY_MINUTES` blocks. */
export function busyOf(events: readonly BusyEvent[], timedTasks: readonly { title: string; due: string }[]): BusyEvent[] {
  const tasks = timedTasks.filter((t) => t.due.length > 10).map((t) => ({ title: t.title, start: t.due, end: new Date(Date.parse(t.due) + TASK_BUSY_MINUTES * 60_000).toISOString() }));
  return [...events, ...tasks];
}

function reasonFor(offer: FlightOffer, all: readonly FlightOffer[], best: boolean): string {
  const prices = all.filter((o) => o.price.currency === offer.price.currency).map((o) => o.price.amount);
  const durations = all.map((o) => o.durationMinutes);
  // A superlative only where it tells offers apart: when all cost the same, none is "the cheapest".
  const least = (values: number[], value: number) => value === Math.min(...values) && value !== Math.max(...values);
  const tags = [...(least(prices, offer.price.amount) ? ["cheapest"] : []), ...(least(durations, offer.durationMinutes) ? ["fastest"] : [])];
  const stops = formatStops(offer.stops).toLowerCase();
  if (tags.length > 0) return offer.stops === 0 ? `${tags.join(" and ")} nonstop` : `${tags.join(" and ")}, ${stops}`;
  if (best) return `best balance of price and time, ${stops}`;
  const more = offer.price.amount - Math.min(...prices);
  return more > 0 ? `${stops}, ${formatPrice({ amount: more, currency: offer.price.currency })} more than the cheapest` : stops;
}

/**
 * The offers ranked (M22): no conflict first, by score, ties by departure then
 * id; conflicting ones last, in the same order, each saying what it overlaps.
 */
export function rankOffers(offers: readonly FlightOffer[], busy: readonly BusyEvent[], timeZone: string): RankedOffer[] {
  if (offers.length === 0) return [];
  const cheapest = offers.reduce((a, b) => (b.price.amount < a.price.amount ? b : a)).price;
  const shortest = Math.min(...offers.map((o) => o.durationMinutes));
  const scored = offers.map((offer) => {
    const conflict = busy.find((event) => overlaps(offer, event));
    return { offer, conflict, score: scoreOf(offer, cheapest, shortest) };
  });
  scored.sort(
    (a, b) =>
      Number(a.conflict !== undefined) - Number(b.conflict !== undefined) ||
      a.score - b.score ||
      Date.parse(a.offer.depart) - Date.parse(b.offer.depart) ||
      a.offer.id.localeCompare(b.offer.id),
  );
  return scored.map(({ offer, conflict }, i) =>
    conflict
      ? { offer, reason: `conflicts with ${conflict.title.slice(0, 120)} ${timeRange(conflict.start, conflict.end, timeZone)}`, conflict: conflict.title.slice(0, 200) }
      : { offer, reason: reasonFor(offer, offers, i === 0) },
  );
}
