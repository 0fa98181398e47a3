/**
 * Tokens held for model calls in flight (docs/PROTOCOL.md C13, G6). Before a
 * call starts, its upper bound is held here if today's charges, what is already
 * held and the bound together fit the daily budget; after it, the hold becomes
 * a `usage.charged` event in one transaction. The ledger's charges stay the one
 * record of spending; a hold is a row in the room's SQLite, so it survives the
 * process: a call that a restart cut off is charged all it held when the room
 * starts again (C6), since how much of it the provider used is unknown.
 *
 * Why rows and not ledger events: a hold is bookkeeping of one call, gone
 * within seconds; the ledger records what was spent. Turns run one at a time
 * (C3), but the check counts every row anyway, so no two calls can each see
 * the same headroom.
 */
import { dayOf } from "../../shared/dates.ts";
import type { Ledger } from "../core/ledger.ts";
import { SqlTables, type SqlStore } from "../core/sql.ts";
import { overBudget } from "./budget.ts";
import type { TurnFailure } from "./turn.ts";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS chat_reservations (
    id TEXT PRIMARY KEY,
    turn_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    tokens INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  )`,
];

/** The call of a turn that holds tokens. */
export type Holder = { turnId: string; requestId: string };

export type Reservation = Holder & { id: string; tokens: number };

type ReservationRow = { id: string; turn_id: string; request_id: string; tokens: number; created_at: number };

export class TokenReservations extends SqlTables {
  #ledger: Ledger;
  #newId: () => string;

  constructor(sql: SqlStore, ledger: Ledger, now: () => number, newId: () => string) {
    super(sql, SCHEMA, now);
    this.#ledger = ledger;
    this.#newId = newId;
  }

  /** Tokens held by calls not yet charged. */
  held(): number {
    return this.sql.exec<{ n: number | null }>("SELECT SUM(tokens) AS n FROM chat_reservations").toArray()[0]?.n ?? 0;
  }

  /** G6: null when a call of `tokens` would fit today's budget beside what is charged and held; else the failure. */
  check(tokens: number, dailyTokens: number): TurnFailure | null {
    return overBudget(this.#ledger.state.usage, this.now(), this.#ledger.state.preferences.timezone, dailyTokens, this.held() + tokens);
  }

  /** Holds `tokens` for one call of `holder`, or says why the call may not start. */
  reserve(holder: Holder, tokens: number, dailyTokens: number): { ok: true; reservation: Reservation } | { ok: false; failure: TurnFailure } {
    const refused = this.check(tokens, dailyTokens);
    if (refused) return { ok: false, failure: refused };
    const reservation = { ...holder, id: this.#newId(), tokens };
    this.sql.exec(
      "INSERT INTO chat_reservations (id, turn_id, request_id, tokens, created_at) VALUES (?, ?, ?, ?, ?)",
      reservation.id,
      holder.turnId,
      holder.requestId,
      tokens,
      this.now(),
    );
    return { ok: true, reservation };
  }

  /**
   * Turns a hold into a charge of `tokens` on today's local day, once: a hold
   * already charged (by a restart's recovery) charges nothing again.
   */
  settle(reservation: Reservation, tokens: number): void {
    this.#ledger.transaction(() => {
      const [gone] = this.sql.exec<{ id: string }>("DELETE FROM chat_reservations WHERE id = ? RETURNING id", reservation.id).toArray();
      if (gone) this.#charge(reservation, tokens);
    });
  }

  /** C6: charges every hold a restart left behind, in full. */
  recover(): void {
    const rows = this.sql.exec<ReservationRow>("SELECT * FROM chat_reservations ORDER BY created_at, id").toArray();
    for (const row of rows) {
      this.settle({ id: row.id, turnId: row.turn_id, requestId: row.request_id, tokens: row.tokens }, row.tokens);
    }
  }

  #charge(holder: Holder, tokens: number): void {
    // The day it is charged, not the day it was held: the projection counts one day at a time, forward (a call across midnight counts on the new day).
    this.#ledger.append({
      type: "usage.charged",
      actor: { kind: "assistant", turnId: holder.turnId },
      correlationId: holder.requestId,
      payload: { day: dayOf(this.now(), this.#ledger.state.preferences.timezone), tokens },
    });
  }
}
