/**
 * The development login's rate limit (docs/PROTOCOL.md W4). `POST /api/v1/dev/login`
 * mints a token for any user id, so anyone who reaches a development server can
 * act as anyone; the limit bounds how fast tokens (and with them new rooms) can
 * be minted.
 *
 * One bucket for the whole isolate, kept in its memory. Workers share no memory
 * across isolates, so this is best effort on Cloudflare — but the route exists
 * only in development (A5), where one local workerd process serves everything
 * and the in-isolate bucket is in effect global. A Durable Object would make it
 * exact at the cost of a binding and a migration in production's config, for a
 * route production does not have. Global, not per client address: a local
 * server's callers all share one address, and the memory stays constant.
 */
import { Buckets } from "./core/rate-limit.ts";

const logins = new Buckets();

/** Takes one login from the bucket; null when allowed, else seconds until the next one. */
export const admitDevLogin = (perMinute: number, now = Date.now()): number | null => logins.admit("all", perMinute, now);
