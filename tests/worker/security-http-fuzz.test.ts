/**
 * The standing attack suite, HTTP half (docs/PROTOCOL.md X1): seeded fuzzed
 * requests on every route of the route table, through the real worker and
 * Brain. In workerd rather than against `npm start`: the same code, and 5,000
 * requests take seconds here instead of minutes over a dev server's HTTP.
 */
import fc from "fast-check";
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ROUTES } from "../../party/api/routes.ts";
import { INPUTS, type InputName, isInputName } from "../../party/core/inputs.ts";
import { ERROR_STATUS, ErrorBodySchema, ok } from "../../shared/errors.ts";
import type { VoiceProviders } from "../../party/voice/types.ts";
import { hasStack, httpShot, type HttpShot, ID, IdPool, INPUT_SEEDS, type JsonValue, KEY, payloadText, resolve, type RouteShape } from "../support/fuzz.ts";
import { seededRng } from "../support/random.ts";
import { BASE, freshUser, inRoom, login, stubOf } from "./helpers.ts";

const SHOTS = 5_000;
const ROOMS = 5;
/** Writes between two moves of the room's clock: under the worker tests' 40 writes a minute, so fuzz reaches the handlers, not only the limiter. */
const WRITES_PER_MINUTE_STEP = 35;
/** The fuzzed room must answer a plain request within this many times its idle time, measured in the same run. */
const MAX_SLOWDOWN = 10;

/** Which input a write route takes, for its seeds; a route missing here is fuzzed with every input's seeds. */
const ROUTE_INPUT: Readonly<Record<string, InputName>> = {
  "POST /api/v1/tasks": "task",
  "POST /api/v1/notes": "note",
  "POST /api/v1/undo": "undo",
  "POST /api/v1/memory/pin": "memory.pin",
  "POST /api/v1/memory/unpin": "memory.unpin",
  "PUT /api/v1/preferences": "preferences.update",
  "POST /api/v1/message": "message.send",
  "POST /api/v1/reminders": "reminder.set",
  "POST /api/v1/reminders/:reminderId/snooze": "reminder.snooze",
  "POST /api/v1/plan/items": "plan.item",
  "POST /api/v1/conversations": "conversation.create",
  "PATCH /api/v1/conversations/:conversationId": "conversation.update",
};
const ALL_SEEDS: readonly JsonValue[] = Object.values(INPUT_SEEDS).flat();
const seedsOf = (route: RouteShape): readonly JsonValue[] => {
  const name = ROUTE_INPUT[`${route.method} ${route.path}`];
  return name ? INPUT_SEEDS[name] : ALL_SEEDS;
};

/** Voice providers that always answer, so the fuzz reaches the voice routes' own checks (V10–V17). */
const FUZZ_VOICE: VoiceProviders = {
  transcriber: ok({ provider: "openai", model: "fuzz", transcribe: async () => ({ text: "fuzzed words" }) }),
  speaker: ok({ provider: "openai", model: "fuzz", speak: async () => ({ audio: new TextEncoder().encode("RIFF\0\0\0\0WAVE"), mediaType: "audio/wav" }) }),
};

type Problem = { shot: number; status: number; why: string; body: string };

/** X1: a response is a success, or a typed error whose code matches its status and whose id is the request's; never a stack. */
function problemOf(res: Response, text: string): string | null {
  const requestId = res.headers.get("x-request-id");
  if (!requestId) return "no x-request-id";
  if (hasStack(text)) return "stack trace or source path in the body";
  if (res.status >= 500) return "5xx";
  if (res.status >= 400) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return "error body is not JSON";
    }
    const body = ErrorBodySchema.safeParse(json);
    if (!body.success) return "error body outside ErrorBodySchema";
    if (ERROR_STATUS[body.data.error.code] !== res.status) return `code ${body.data.error.code} with status ${res.status}`;
    if (body.data.error.requestId !== requestId) return "error requestId differs from x-request-id";
    if (body.data.error.code === "rate_limited" && body.data.error.retryAfter === undefined) return "rate_limited without retryAfter";
    return null;
  }
  const type = res.headers.get("content-type") ?? "";
  if (type.startsWith("text/event-stream")) return null;
  // U1: the export is the one success that is a zip, not JSON; V17: speech answers audio.
  if (type === "application/zip" || type === "audio/wav" || type === "audio/mpeg") return null;
  if (!type.startsWith("application/json")) return `success with content-type ${type}`;
  try {
    JSON.parse(text);
  } catch {
    return "success body is not JSON";
  }
  return null;
}

function requestOf(shot: HttpShot, token: string, pool: IdPool): Request {
  const route = ROUTES[shot.route]!;
  let param = 0;
  const path = route.path
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment;
      const value = shot.params[param++] ?? ID;
      return value === ID ? pool.pick(ID) : encodeURIComponent(value);
    })
    .join("/");
  const url = new URL(`${BASE}${path}`);
  for (const [name, value] of shot.query) url.searchParams.append(name, value);
  const headers = new Headers({ authorization: `Bearer ${token}` });
  const body = payloadText(shot.body, (p) => pool.pick(p));
  if (body !== undefined) headers.set("content-type", "application/json");
  for (const [name, value] of shot.headers) headers.set(name, value === KEY ? pool.pick(KEY) : value);
  return new Request(url, { method: route.method, headers, body: route.method === "GET" ? undefined : body });
}

/** Time for `n` plain requests in a row (ms). workerd's clock moves on I/O, which is all this measures. */
async function roundTrips(token: string, n = 30): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const res = await SELF.fetch(`${BASE}/api/v1/state`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`a plain GET /api/v1/state answered ${res.status}`);
    await res.arrayBuffer();
  }
  return performance.now() - started;
}

describe("Security — fuzzed HTTP bodies on every route (workerd)", () => {
  it("[X1] every input's seeds are valid bodies, so that mutations start inside the valid region", () => {
    for (const [name, seeds] of Object.entries(INPUT_SEEDS)) {
      if (!isInputName(name)) throw new Error(`INPUT_SEEDS names ${name}, which is not an input`);
      const spec = INPUTS[name];
      for (const seed of seeds) {
        const body = resolve(seed, (p) => (p === KEY ? "fuzz-key-0" : "some-id"));
        expect(spec.body?.safeParse(body).success, `${name}: ${JSON.stringify(seed)}`).toBe(true);
      }
    }
  });

  it(`[X1][E1][E3][G5] ${SHOTS} seeded fuzzed requests over every route: typed errors or successes, 0 stacks, 0 5xx; the room still answers within ${MAX_SLOWDOWN}× its idle time`, async () => {
    const rng = seededRng("security http fuzz");
    const shots = fc.sample(httpShot(ROUTES, seedsOf), { seed: rng.seed, numRuns: SHOTS });
    const clock = Date.parse("2026-11-25T10:00:00.000Z");
    const rooms = await Promise.all(
      Array.from({ length: ROOMS }, async (_, i) => {
        const user = freshUser(`fuzz${i}`);
        const stub = await stubOf(user);
        const token = await login(user);
        await inRoom(stub, (brain) => {
          brain.debugSetClock(clock);
          // V10, V17: voice routes reach their handlers (with no provider they answer 501 before reading anything).
          brain.debugVoice(FUZZ_VOICE);
        });
        return { user, token, stub, pool: new IdPool(rng.next), writes: 0, minutes: 0, idle: 0, after: 0 };
      }),
    );
    for (const room of rooms) room.idle = await roundTrips(room.token);

    const statuses = new Map<number, number>();
    const problems: Problem[] = [];
    const perRoute = new Map<string, number>();
    for (const [i, shot] of shots.entries()) {
      const room = rooms[Math.floor((i * ROOMS) / shots.length)]!;
      const route = ROUTES[shot.route]!;
      perRoute.set(`${route.method} ${route.path}`, (perRoute.get(`${route.method} ${route.path}`) ?? 0) + 1);
      if (route.write && ++room.writes % WRITES_PER_MINUTE_STEP === 0) {
        const at = clock + ++room.minutes * 61_000;
        await inRoom(room.stub, (brain) => brain.debugSetClock(at));
      }
      const res = await SELF.fetch(requestOf(shot, room.token, room.pool));
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const why = problemOf(res, text);
      if (why) problems.push({ shot: i, status: res.status, why, body: text.slice(0, 300) });
      if (res.status < 300 && (res.headers.get("content-type") ?? "").startsWith("application/json")) room.pool.harvest(JSON.parse(text));
    }
    for (const room of rooms) room.after = await roundTrips(room.token);

    const slowdown = Math.max(...rooms.map((r) => r.after / Math.max(r.idle, 1)));
    const fiveXX = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    const stacks = problems.filter((p) => p.why.startsWith("stack")).length;
    console.log(
      `[X1] http fuzz: ${shots.length} requests over ${perRoute.size}/${ROUTES.length} routes in ${ROOMS} rooms; ` +
        `statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}; ` +
        `problems ${problems.length}, 5xx ${fiveXX}, stacks ${stacks}; ` +
        `room round trip after/idle ${slowdown.toFixed(2)}× (limit ${MAX_SLOWDOWN}×); ids harvested ${rooms.reduce((n, r) => n + r.pool.size, 0)}`,
    );
    expect(problems.slice(0, 5), `seed ${rng.seed}`).toEqual([]);
    expect(perRoute.size).toBe(ROUTES.length);
    expect(fiveXX).toBe(0);
    expect(slowdown).toBeLessThanOrEqual(MAX_SLOWDOWN);
    // Deep enough to mean something: a good share of the fuzz was applied, not only refused.
    expect([...statuses].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(shots.length / 10);
  }, 240_000);
});
