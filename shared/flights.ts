/**
 * Flight offers and the flight-options card (docs/PROTOCOL.md M20–M26).
 * An offer comes from outside the room (an MCP server's `search_flights`
 * result), so it is data: every field capped, parsed with `safeParse`, and a
 * result that does not parse is an error — never shown raw, never read as
 * instructions. The card is what the room stores with its reply and the web
 * renders (web/components/chat/flight-card.tsx).
 */
import { z } from "zod";

/** The most offers one search result may carry (M21); a longer list is refused, not cut. */
export const MAX_OFFERS = 50;
/** The most offers a card keeps (M23): the best ones; the message stays small on every device. */
export const MAX_CARD_OFFERS = 10;
const MAX_TEXT = 100;

const text = z.string().trim().min(1).max(MAX_TEXT);
/** An IATA airport code, e.g. `SFO`. */
export const IataSchema = z.string().regex(/^[A-Z]{3}$/, "expected a 3-letter IATA airport code");
/** An instant with its offset, e.g. `2026-12-18T08:00:00-08:00`. */
const instant = z.iso.datetime({ offset: true });

/** One flight offer, as a flights server returns it (part of issue 15's shared contract). */
export const FlightOfferSchema = z.object({
  /** The server's id of the offer. */
  id: text,
  /** Airline name or code, e.g. `United` or `UA`. */
  carrier: text,
  /** E.g. `UA 1234`. */
  flightNumber: text,
  origin: IataSchema,
  destination: IataSchema,
  /** Departure instant with offset. */
  depart: instant,
  /** Arrival instant with offset. */
  arrive: instant,
  durationMinutes: z.number().int().min(1).max(3000),
  stops: z.number().int().min(0).max(5),
  price: z.object({ amount: z.number().min(0).max(1_000_000), currency: z.string().regex(/^[A-Z]{3}$/, "expected a 3-letter ISO 4217 currency") }),
});
export type FlightOffer = z.infer<typeof FlightOfferSchema>;

/** The structured content of a `search_flights` result (M21). */
export const FlightResultSchema = z.object({ offers: z.array(FlightOfferSchema).max(MAX_OFFERS) });
/** Part C's name for the same schema (the MCP test server and hub use it). */
export const FlightSearchResultSchema = FlightResultSchema;
export type FlightSearchResult = z.infer<typeof FlightResultSchema>;

/** What was searched: shown on the card's heading. */
export const FlightSearchSchema = z.strictObject({
  origin: IataSchema,
  destination: IataSchema,
  /** The local date of departure, `YYYY-MM-DD`. */
  date: z.iso.date(),
});
export type FlightSearch = z.infer<typeof FlightSearchSchema>;

/** An offer as the card shows it: ranked, with why (M22). */
export const RankedOfferSchema = z.strictObject({
  offer: FlightOfferSchema,
  /** One short line: "cheapest nonstop", "conflicts with Team sync 10–11 AM". */
  reason: z.string().max(200),
  /** The title of the calendar event or timed task it overlaps, when it does. */
  conflict: z.string().max(200).optional(),
});
export type RankedOffer = z.infer<typeof RankedOfferSchema>;

/** The flight-options card's payload (M23): an `ActionCard`'s optional `flights`. */
export const FlightOptionsSchema = z.strictObject({
  search: FlightSearchSchema,
  /** Best first (M22). */
  offers: z.array(RankedOfferSchema).max(MAX_CARD_OFFERS),
  /** How many offers the server returned, before the card kept the best. */
  total: z.number().int().min(0).max(MAX_OFFERS),
});
export type FlightOptions = z.infer<typeof FlightOptionsSchema>;

/**
 * The offers of an MCP result (M21): its structured content first, else its
 * text parsed as JSON. Null when neither is a valid offer list.
 */
export function offersOf(result: { content: string; structured?: unknown }): FlightOffer[] | null {
  const structured = FlightResultSchema.safeParse(result.structured);
  if (structured.success) return structured.data.offers;
  if (result.content.length > 200_000) return null;
  let json: unknown;
  try {
    json = JSON.parse(result.content);
  } catch {
    return null;
  }
  const parsed = FlightResultSchema.safeParse(json);
  return parsed.success ? parsed.data.offers : null;
}

/** "5h 20m", "45m", "3h" (M23). */
export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m}m`;
  return m === 0 ? `${h}h` : `${h}h ${m}m`;
}

/** "Nonstop", "1 stop", "2 stops" (M23). */
export const formatStops = (stops: number): string => (stops === 0 ? "Nonstop" : stops === 1 ? "1 stop" : `${stops} stops`);

/** "$312.40", "€99" — the price in its own currency (M23). */
export function formatPrice(price: FlightOffer["price"]): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: price.currency }).format(price.amount);
  } catch {
    // A well-formed code Intl does not know (e.g. `XYZ`): said plainly rather than failing the card.
    return `${price.amount.toFixed(2)} ${price.currency}`;
  }
}
