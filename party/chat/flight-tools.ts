/**
 * Flight search from chat (docs/PROTOCOL.md M20–M26): `find_flights` reads the
 * places and the day, takes the origin from the pinned home airport, calls the
 * flights server's `…__search_flights` tool through the MCP hub (which counts
 * it against its daily cap), validates the offers, ranks them around the
 * user's calendar and timed tasks, and shows them as a card;
 * `set_home_airport` pins the airport it starts from.
 */
import { z } from "zod";
import { dueDay, localDate, zonedToUtc } from "../../shared/dates.ts";
import { LIMITS } from "../../shared/domain.ts";
import { formatDay } from "../../shared/format.ts";
import { formatDuration, formatPrice, formatStops, type FlightOptions, FlightOptionsSchema, MAX_CARD_OFFERS, offersOf } from "../../shared/flights.ts";
import { airportOf, HOME_AIRPORT, parseFlightAsk, parseHomeAirport, pinnedAirport } from "./flight-intents.ts";
import { busyOf, rankOffers } from "./flights.ts";
import { asData } from "../mcp/policy.ts";
import { defineTool, type ToolContext, type ToolOutput } from "./registry.ts";

/** The suffix that names a flight-search tool on any MCP server (M20). */
export const SEARCH_SUFFIX = "__search_flights";
export const FIND_FLIGHTS = "find_flights";

export const ASK_ORIGIN = "Which airport do you fly from? Say “my home airport is SFO” and I'll remember it.";
export const ADD_SERVER = "I have no flight-search tool yet. Add a flights server in Settings → Tools (MCP): paste the server's URL, then ask me again.";

const place = z.string().trim().min(1).max(LIMITS.title);
const FindInput = z.object({
  destination: place.describe("where to: a city or an IATA airport code"),
  origin: place.optional().describe("where from: a city or IATA code; the user's pinned home airport when absent"),
  date: z.iso.date().optional().describe("local departure date, YYYY-MM-DD"),
});
type FindInput = z.infer<typeof FindInput>;

/** The day's bounds in the user's zone, as instants. */
function dayBounds(date: string, timeZone: string): { from: number; to: number } {
  const [y, m, d] = date.split("-").map(Number);
  const from = zonedToUtc(timeZone, y!, m!, d!, 0, 0).getTime();
  const next = new Date(Date.UTC(y!, m! - 1, d! + 1));
  const to = zonedToUtc(timeZone, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0).getTime();
  return { from, to };
}

/** M21–M23: what `find_flights` tells the model (and the offline reply); the card goes to the devices. */
async function findFlights(input: FindInput, ctx: ToolContext): Promise<ToolOutput> {
  const timeZone = ctx.preferences().timezone;
  const destination = airportOf(input.destination);
  if (!destination) return { ok: true, needs: "place", place: input.destination.slice(0, 80) };
  const origin = input.origin ? airportOf(input.origin) : pinnedAirport(ctx.memories());
  if (!origin) return input.origin ? { ok: true, needs: "place", place: input.origin.slice(0, 80) } : { ok: true, needs: "origin" };
  if (!input.date) return { ok: true, needs: "date" };
  if (input.date < localDate(timeZone, ctx.now())) return { ok: true, needs: "future" };
  const tool = ctx.mcp?.tools().find((t) => t.name.endsWith(SEARCH_SUFFIX));
  if (!ctx.mcp || !tool) return { ok: true, needs: "server" };
  const search = { origin, destination, date: input.date };
  const called = await ctx.mcp.call(tool.name, search, ctx.turn);
  // M25: a refused call (the daily cap) is said plainly, with no card.
  if (!called.ok) return { ok: true, refused: called.error.message, code: called.error.code };
  const offers = offersOf(called.value);
  // M21: outside content that is not a valid offer list is an error, never shown raw.
  if (!offers) return { ok: false, error: "the flights server answered with something that is not a list of flight offers" };
  const { from, to } = dayBounds(input.date, timeZone);
  const events = ctx.calendar?.between(from, to) ?? [];
  const tasks = ctx.tasks().flatMap((t) => (t.status === "open" && t.due !== null && t.due.length > 10 && dueDay(t.due, timeZone) === input.date ? [{ title: t.title, due: t.due }] : []));
  const ranked = rankOffers(offers, busyOf(events, tasks), timeZone);
  const card: FlightOptions = FlightOptionsSchema.parse({ search, offers: ranked.slice(0, MAX_CARD_OFFERS), total: offers.length });
  if (ranked.length > 0) {
    ctx.show({ id: `${FIND_FLIGHTS}-${ctx.turn.correlationId}-${search.origin}-${search.destination}-${search.date}`, tool: FIND_FLIGHTS, status: "done", summary: `Flights ${origin} → ${destination}, ${formatDay(input.date)}`, flights: card });
  }
  // `best` is said outside the data block, so never a reason quoting a calendar title (outside words too).
  // The model hears the ranked options as short lines, not the server's raw text — still outside words (carrier names), so wrapped as data (M21, G9).
  const lines = card.offers.map(({ offer, reason }, i) => `${i + 1}. ${offer.carrier} ${offer.flightNumber} ${offer.depart}→${offer.arrive} ${formatDuration(offer.durationMinutes)} ${formatStops(offer.stops)} ${formatPrice(offer.price)} — ${reason}`);
  return { ok: true, search, count: offers.length, conflicts: ranked.filter((r) => r.conflict).length, options: asData(tool.name, lines.join("\n")), best: card.offers[0] && !card.offers[0].conflict ? card.offers[0].reason : null };
}

/** The one sentence under the card (M23), or what is missing (M20, M24, M25). */
function replyOf(out: ToolOutput, place: string): string {
  switch (out.needs) {
    case "origin":
      return ASK_ORIGIN;
    case "server":
      return ADD_SERVER;
    case "date":
      return `Which day? For example “flights to ${place} next Friday”.`;
    case "future":
      return "That day has already passed; which day do you want to fly?";
    case "place":
      return `I don't know an airport for “${String(out.place)}”. Say its 3-letter code, e.g. “flights to BOS”.`;
  }
  if (typeof out.refused === "string") {
    return out.code === "rate_limited" ? `I can't search flights right now: ${out.refused}` : `The flight search didn't go through: ${out.refused}`;
  }
  const search = z.object({ origin: z.string(), destination: z.string(), date: z.string() }).safeParse(out.search);
  if (!search.success) return "The flight search gave no answer I can use.";
  const { origin, destination, date } = search.data;
  const count = typeof out.count === "number" ? out.count : 0;
  if (count === 0) return `No flights found from ${origin} to ${destination} on ${formatDay(date)}.`;
  const conflicts = typeof out.conflicts === "number" ? out.conflicts : 0;
  const clash = conflicts === 0 ? "" : conflicts === count ? "; all of them overlap something on your calendar" : conflicts === 1 ? "; the 1 that overlaps your calendar is listed last" : `; the ${conflicts} that overlap your calendar are listed last`;
  return `Here are ${count === 1 ? "the 1 flight" : `${count} flights`} from ${origin} to ${destination} on ${formatDay(date)}, best first${typeof out.best === "string" ? ` — the top one is ${out.best}` : ""}${clash}.`;
}

export const findFlightsTool = defineTool({
  name: FIND_FLIGHTS,
  description:
    "Search flights with the user's flights server and show ranked options as a card (conflicts with the user's calendar last). " +
    "The origin defaults to the user's pinned home airport. Places are cities or IATA codes.",
  input: FindInput,
  effect: { kind: "read", read: (input, ctx) => findFlights(input, ctx) },
  offline: {
    rank: 15,
    parse: (text, at) => parseFlightAsk(text, at),
    input: (ask) => ask,
    reply: (ask, out) => replyOf(out, ask.destination),
  },
});

export const setHomeAirport = defineTool({
  name: "set_home_airport",
  description: "Pin the user's home airport (an IATA code), the origin of flight searches.",
  input: z.object({ code: z.string().regex(/^[A-Z]{3}$/) }),
  effect: {
    kind: "command",
    plan: ({ code }) => ({ summary: `Remembered: home airport — ${code}`, command: { kind: "memory.pin", pin: { ...HOME_AIRPORT, value: code } } }),
  },
  offline: {
    rank: 25,
    parse: (text) => parseHomeAirport(text),
    input: (said) => said,
    reply: ({ code }) => `Got it — your home airport is ${code}. I'll search flights from there.`,
  },
});
