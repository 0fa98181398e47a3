/**
 * Attack: flip the preference zone back and forth to open a fresh daily budget
 * again and again (docs/PROTOCOL.md C13, G6). The budget's day is the user's
 * local day; days only move forward, so moving the zone east can open the next
 * day early — once — and moving it back west never reopens a day.
 */
import { describe, expect, it } from "vitest";
import { TokenReservations } from "../../party/chat/reservations.ts";
import { Ledger } from "../../party/core/ledger.ts";
import { nodeSql } from "../support/node-sql.ts";

const BUDGET = 1_000;
const CHUNK = 100;
const STEP_MS = 30 * 60_000;
const HOURS = 72;
/** West to east at each step: the last zone to leave a date (UTC−12) to the first to reach the next (UTC+14). */
const ZONES = ["Etc/GMT+12", "Pacific/Pago_Pago", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati"];

/** Tokens a user obtains over HOURS, spending all they can every half hour; `zones` are tried in turn at each step. */
function obtained(zones: readonly string[]): { tokens: number; flips: number } {
  const sql = nodeSql();
  const ledger = new Ledger(sql);
  let now = Date.parse("2026-11-25T00:00:00Z");
  let ids = 0;
  const reservations = new TokenReservations(sql, ledger, () => now, () => `hold-${++ids}`);
  let tokens = 0;
  let flips = 0;
  for (let step = 0; step < (HOURS * 3_600_000) / STEP_MS; step++, now += STEP_MS) {
    for (const timezone of zones) {
      if (ledger.state.preferences.timezone !== timezone) {
        // The event PUT /api/v1/preferences records.
        ledger.append({ type: "preferences.updated", actor: { kind: "user" }, correlationId: `flip-${flips++}`, payload: { patch: { timezone } } });
      }
      for (;;) {
        const held = reservations.reserve({ turnId: "t", requestId: "r" }, CHUNK, BUDGET);
        if (!held.ok) break;
        reservations.settle(held.reservation, CHUNK);
        tokens += CHUNK;
      }
    }
  }
  return { tokens, flips };
}

describe("Security — the daily budget under time-zone flips (C13, G6)", () => {
  it("[C13][G6] flipping between UTC+14 and UTC−12 every half hour for three days gains at most one day's budget", () => {
    const honest = obtained(["America/New_York"]);
    const attacker = obtained(ZONES);
    console.log(
      `[budget zone flip] ${HOURS} h, budget ${BUDGET}/day: one zone ${honest.tokens} tokens (${honest.tokens / BUDGET} budgets); ` +
        `${attacker.flips} zone flips ${attacker.tokens} tokens (${attacker.tokens / BUDGET} budgets); ratio ${(attacker.tokens / honest.tokens).toFixed(2)}`,
    );
    expect(honest.tokens).toBe(4 * BUDGET);
    expect(attacker.flips).toBeGreaterThan(500);
    expect(attacker.tokens).toBeLessThanOrEqual(honest.tokens + BUDGET);
  });
});
