/**
 * The room's calendar part assembled in Node: ledger and calendar tables on
 * node:sqlite, the network port being Node's fetch (so it reaches a local
 * Radicale or ICS server), development mode (http on loopback allowed, K4).
 */
import { Calendar } from "../../party/calendar/calendar.ts";
import { CalendarStore } from "../../party/calendar/store.ts";
import { Ledger } from "../../party/core/ledger.ts";
import { nodeSql } from "./node-sql.ts";

export function calendarRoom(options: { now?: () => number; timeZone?: string; development?: boolean; fetch?: typeof fetch } = {}) {
  const sql = nodeSql();
  const now = options.now ?? Date.now;
  const ledger = new Ledger(sql, { now });
  const store = new CalendarStore(sql, now);
  const logs: string[] = [];
  let wakes = 0;
  const calendar = new Calendar({
    store,
    ledger,
    now,
    development: options.development ?? true,
    timeZone: () => options.timeZone ?? "Europe/Paris",
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    reschedule: () => {
      wakes += 1;
    },
    log: (event, detail) => logs.push(`${event} ${detail}`),
  });
  const user = { actor: { kind: "user" as const, deviceId: "dev-1" }, correlationId: "req-1" };
  return { sql, ledger, store, calendar, logs, user, wakes: () => wakes };
}
