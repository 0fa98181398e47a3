/**
 * Flight offers as a flights MCP tool returns them (`structuredContent.offers`),
 * the shared contract between the MCP test server (tests/support/mcp-server.ts),
 * the room's flight search (party D) and the flight card. Times are instants
 * with the airport's offset, so a card can show them in the user's zone.
 */
import { z } from "zod";

/** An IATA airport code: three capital letters. */
export const IataSchema = z.string().regex(/^[A-Z]{3}$/, "an IATA airport code (three capital letters)");

/** An ISO 8601 instant with an explicit offset (`2027-01-15T08:05:00-05:00` or `…Z`). */
const InstantSchema = z.iso.datetime({ offset: true });

export const FlightOfferSchema = z.object({
  id: z.string().min(1).max(128),
  /** The marketing carrier's name ("JetBlue"). */
  carrier: z.string().min(1).max(100),
  /** Carrier code and number ("B6 1234"). */
  flightNumber: z.string().min(1).max(20),
  origin: IataSchema,
  destination: IataSchema,
  depart: InstantSchema,
  arrive: InstantSchema,
  durationMinutes: z.number().int().min(1).max(4_000),
  stops: z.number().int().min(0).max(5),
  price: z.object({ amount: z.number().min(0).max(1_000_000), currency: z.string().regex(/^[A-Z]{3}$/) }),
});
export type FlightOffer = z.infer<typeof FlightOfferSchema>;

/** The structured result of a `search_flights` tool. */
export const FlightSearchResultSchema = z.object({ offers: z.array(FlightOfferSchema).max(100) });
export type FlightSearchResult = z.infer<typeof FlightSearchResultSchema>;
