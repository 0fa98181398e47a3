import { useSuspenseQuery } from "@tanstack/react-query";
import { formatDay, formatDue, formatMoment, formatTime } from "../../shared/format.ts";
import { stateQuery } from "../lib/queries.ts";

/** This device's IANA zone, as the browser reports it. */
export const deviceZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

export type Zone = {
  /** The preference zone: every date shown or typed is in it (W5). */
  zone: string;
  /** This device's zone. */
  device: string;
  /** The device is elsewhere (or the zone is not set yet): times carry their zone's name, so no one reads them as local. */
  traveller: boolean;
  due: (due: string) => string;
  moment: (iso: string) => string;
  time: (iso: string) => string;
  day: (date: string) => string;
};

/** The user's time zone and the one formatter (shared/format.ts, W5): every date a view shows goes through here. */
export function useZone(): Zone {
  const { data } = useSuspenseQuery(stateQuery());
  const device = deviceZone();
  // While no zone was ever set, this device's hello is setting it (S12): read and show times in it meanwhile.
  const zone = data.preferences.timezoneSource === "default" ? device : data.preferences.timezone;
  const options = { zone: device !== zone };
  return {
    zone,
    device,
    traveller: device !== zone,
    due: (due) => formatDue(due, zone, options),
    moment: (iso) => formatMoment(iso, zone, options),
    time: (iso) => formatTime(iso, zone, options),
    day: formatDay,
  };
}
