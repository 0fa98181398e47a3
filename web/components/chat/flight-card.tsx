import { CalendarX2, Plane } from "lucide-react";
import { useId, useState } from "react";
import { localDate } from "../../../shared/dates.ts";
import { type FlightOptions, formatDuration, formatPrice, formatStops, type RankedOffer } from "../../../shared/flights.ts";
import { useZone, type Zone } from "../../hooks/use-zone.ts";

/** Options shown before "Show more": a phone screen holds them without scrolling past the reply. */
const FIRST = 4;

/**
 * "+1" when a time falls on a later day than the one searched, in the user's
 * zone ("−1" earlier): a 10:45 PM departure from San Francisco is 1:45 AM the
 * next day in New York.
 */
function dayMark(iso: string, date: string, zone: string): string {
  const local = localDate(zone, new Date(iso));
  const days = Math.round((Date.parse(`${local}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`)) / 86_400_000);
  return days > 0 ? `+${days}` : days < 0 ? `−${-days}` : "";
}

function Mark({ mark }: { mark: string }) {
  if (!mark) return null;
  return (
    <sup className="ml-0.5 text-xs">
      {mark}
      <span className="sr-only"> day</span>
    </sup>
  );
}

function Option({ ranked, rank, zone, date }: { ranked: RankedOffer; rank: number; zone: Zone; date: string }) {
  const { offer, reason, conflict } = ranked;
  const depart = zone.time(offer.depart);
  const arrive = zone.time(offer.arrive);
  const price = formatPrice(offer.price);
  // Read in order as one sentence by screen readers; the sr-only words say what the layout shows.
  return (
    <li
      data-testid="flight-option"
      data-conflict={conflict ? "true" : undefined}
      className={`min-h-11 rounded-md border px-3 py-2 ${conflict ? "border-amber-300 bg-amber-50 dark:border-amber-700 dark:bg-amber-950/40" : "border-stone-200 bg-white dark:border-stone-700 dark:bg-stone-900"}`}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <span className="font-medium text-stone-900 dark:text-stone-100">
          <span className="sr-only">Option {rank}: </span>
          {offer.carrier} <span className="text-stone-600 dark:text-stone-400">{offer.flightNumber}</span>
          <span className="sr-only">,</span>
        </span>
        <span className="font-semibold tabular-nums text-stone-900 dark:text-stone-100">
          {price}
          <span className="sr-only">,</span>
        </span>
      </div>
      <div className="mt-0.5 flex flex-wrap items-baseline justify-between gap-x-3 text-stone-700 tabular-nums dark:text-stone-300">
        <span>
          <span className="sr-only">departs </span>
          {depart}
          <Mark mark={dayMark(offer.depart, date, zone.zone)} /> <span aria-hidden>→</span>
          <span className="sr-only">, arrives</span> {arrive}
          <Mark mark={dayMark(offer.arrive, date, zone.zone)} />
          <span className="sr-only">,</span>
        </span>
        <span>
          {formatDuration(offer.durationMinutes)}
          <span aria-hidden> · </span>
          <span className="sr-only">, </span>
          {formatStops(offer.stops)}
          <span className="sr-only">.</span>
        </span>
      </div>
      <p className={`mt-0.5 flex items-center gap-1 text-xs ${conflict ? "font-medium text-amber-800 dark:text-amber-300" : "text-stone-600 dark:text-stone-400"}`}>
        {conflict && <CalendarX2 aria-hidden className="size-3.5 shrink-0" />}
        {conflict && <span className="sr-only">Calendar conflict: </span>}
        {reason}
      </p>
    </li>
  );
}

/**
 * The flight-options card (docs/PROTOCOL.md M23): the ranked offers of a
 * search, best first — carrier and flight, times in the user's zone, duration,
 * stops, price in its currency, why it ranks there, and conflicts with the
 * calendar marked. Read from the message, so a reload shows the same card.
 */
export function FlightCard({ flights }: { flights: FlightOptions }) {
  const zone = useZone();
  const [all, setAll] = useState(false);
  const headingId = useId();
  const { search, offers, total } = flights;
  const shown = all ? offers : offers.slice(0, FIRST);
  return (
    <section aria-labelledby={headingId} data-testid="flight-card" className="mt-2 rounded-lg border border-stone-200 bg-stone-50 p-3 text-sm dark:border-stone-700 dark:bg-stone-800/50">
      <h3 id={headingId} className="flex items-center gap-2 font-medium text-stone-900 dark:text-stone-100">
        <Plane aria-hidden className="size-4 text-indigo-600 dark:text-indigo-400" />
        <span>
          Flights {search.origin} <span aria-hidden>→</span>
          <span className="sr-only">to</span> {search.destination} · {zone.day(search.date)}
        </span>
      </h3>
      <p className="mt-0.5 text-xs text-stone-600 dark:text-stone-400">
        {total === offers.length ? `${total} ${total === 1 ? "option" : "options"}` : `Best ${offers.length} of ${total}`}, best first · times in {zone.zone.replace(/_/g, " ")}
      </p>
      <ol aria-label={`Flight options, ${search.origin} to ${search.destination}`} className="mt-2 space-y-2">
        {shown.map((ranked, i) => (
          <Option key={ranked.offer.id} ranked={ranked} rank={i + 1} zone={zone} date={search.date} />
        ))}
      </ol>
      {offers.length > FIRST && (
        <button
          type="button"
          aria-expanded={all}
          onClick={() => setAll((v) => !v)}
          className="mt-2 min-h-11 w-full rounded-md border border-stone-300 px-3 text-sm font-medium text-indigo-700 hover:bg-stone-100 dark:border-stone-600 dark:text-indigo-300 dark:hover:bg-stone-800"
        >
          {all ? "Show fewer" : `Show ${offers.length - FIRST} more`}
        </button>
      )}
    </section>
  );
}
