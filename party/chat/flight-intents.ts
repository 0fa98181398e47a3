/**
 * The offline assistant's reading of flight requests (docs/PROTOCOL.md M20,
 * M24): "find flights to Boston next Friday", "flights from SFO to Boston on
 * Dec 18", "find me a flight to NYC tomorrow"; and the home airport: "my home
 * airport is SFO" pins the memory `place:home airport`.
 */
import { clean, dueDay, extractDue } from "../../shared/dates.ts";
import type { Memory } from "../../shared/domain.ts";
import type { Moment } from "./registry.ts";

/** Major cities → their main airport (M20). A 3-letter code the user says is taken as an airport code. */
export const CITY_AIRPORTS: Readonly<Record<string, string>> = {
  "new york": "JFK", "new york city": "JFK", nyc: "JFK", manhattan: "JFK",
  boston: "BOS", "san francisco": "SFO", sf: "SFO", "los angeles": "LAX", la: "LAX",
  chicago: "ORD", seattle: "SEA", washington: "IAD", "washington dc": "IAD", dc: "IAD",
  miami: "MIA", atlanta: "ATL", dallas: "DFW", houston: "IAH", denver: "DEN",
  "las vegas": "LAS", vegas: "LAS", phoenix: "PHX", philadelphia: "PHL", orlando: "MCO",
  "san diego": "SAN", portland: "PDX", austin: "AUS", "salt lake city": "SLC", minneapolis: "MSP",
  detroit: "DTW", honolulu: "HNL", "new orleans": "MSY", nashville: "BNA", toronto: "YYZ",
  vancouver: "YVR", montreal: "YUL", "mexico city": "MEX", london: "LHR", paris: "CDG",
  amsterdam: "AMS", frankfurt: "FRA", berlin: "BER", madrid: "MAD", barcelona: "BCN",
  rome: "FCO", dublin: "DUB", zurich: "ZRH", tokyo: "HND", seoul: "ICN", singapore: "SIN",
  "hong kong": "HKG", sydney: "SYD", dubai: "DXB",
};

/** The memory slot of the home airport: `{type: "place", key: "home airport"}` (M20). */
export const HOME_AIRPORT = { type: "place", key: "home airport" } as const;

/** An airport code for a place the user named, or null when it is neither a known city nor a 3-letter code. */
export function airportOf(place: string): string | null {
  const name = clean(place).toLowerCase().replace(/^the\s+/, "").replace(/\s+(airport|international)$/, "");
  const known = CITY_AIRPORTS[name];
  if (known) return known;
  return /^[a-z]{3}$/i.test(name) ? name.toUpperCase() : null;
}

/**
 * The pinned home or favourite airport (M20): `place:home airport` first, then
 * any memory whose key says home or favourite airport ("remember that my
 * favorite airport is JFK"), read as an airport.
 */
export function pinnedAirport(memories: readonly Memory[]): string | null {
  const ranked = [...memories].sort((a, b) => Number(b.type === HOME_AIRPORT.type && b.key.toLowerCase() === HOME_AIRPORT.key) - Number(a.type === HOME_AIRPORT.type && a.key.toLowerCase() === HOME_AIRPORT.key));
  for (const m of ranked) {
    if (/\b(home|favou?rite|usual|local)\s+airport\b/i.test(m.key)) {
      const code = airportOf(m.value);
      if (code) return code;
    }
  }
  return null;
}

/** What a flight request says; places as the user said them, the date as a local date. */
export type FlightAsk = { destination: string; origin?: string; date?: string };

const ASK = /^(?:please\s+)?(?:(?:can you\s+)?(?:find|search(?:\s+for)?|look(?:\s+for)?|show|get|check)\s+(?:me\s+)?)?(?:an?\s+|some\s+|the\s+)?(?:cheap(?:est)?\s+)?flights?\b(.*)$/i;

/** M20: the destination, the origin if said ("from X"), the date in the user's zone; null when it is not a flight request. */
export function parseFlightAsk(text: string, at: Moment): FlightAsk | null {
  const asked = ASK.exec(text.trim().replace(/[?.!]+$/, ""));
  if (!asked) return null;
  const { due, rest } = extractDue(asked[1]!, at.timeZone, at.now);
  const words = rest.replace(/\s+(?:on|for|this|next)\s*$/i, " ");
  const to = /\bto\s+(.+?)(?=\s+from\b|\s+on\b|\s+for\b|$)/i.exec(words);
  if (!to || !clean(to[1]!)) return null;
  const from = /\bfrom\s+(.+?)(?=\s+to\b|\s+on\b|\s+for\b|$)/i.exec(words);
  return {
    destination: clean(to[1]!),
    ...(from && clean(from[1]!) ? { origin: clean(from[1]!) } : {}),
    ...(due ? { date: dueDay(due, at.timeZone) } : {}),
  };
}

/** M20: "my home airport is SFO" (also "remember that my home airport is SFO", "set my home airport to Boston"). */
export function parseHomeAirport(text: string): { code: string } | null {
  const said =
    /^(?:please\s+)?(?:remember(?:\s+that)?\s+)?my\s+(?:home|usual|local)\s+airport\s+is\s+(.+)$/i.exec(text.trim().replace(/[.!]+$/, "")) ??
    /^(?:please\s+)?set\s+my\s+(?:home|usual|local)\s+airport\s+to\s+(.+)$/i.exec(text.trim().replace(/[.!]+$/, ""));
  if (!said) return null;
  const code = airportOf(said[1]!);
  return code ? { code } : null;
}
