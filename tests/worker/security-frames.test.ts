/**
 * The standing attack suite, socket half against the real Brain in workerd
 * (docs/PROTOCOL.md X2): a smaller seeded sample of the fuzzed JSON and binary
 * frames that tests/security/frame-fuzz.test.ts sends to the room core at
 * volume — here through partyserver, y-partyserver (which also applies
 * awareness) and hibernatable sockets.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ServerFrame } from "../../shared/protocol.ts";
import { hasStack, IdPool, jsonFrame, payloadText } from "../support/fuzz.ts";
import { seededRng } from "../support/random.ts";
import { binaryRecipe, FuzzDevice } from "../support/yjs-fuzz.ts";
import { api, connect, freshUser, login, type TestSocket } from "./helpers.ts";

const FRAMES = 600;
/** Frames per socket: under the worker tests' 200 JSON frames a minute per socket, so fuzz reaches the handlers. */
const PER_SOCKET = 150;

type Tally = { errors: Map<string, number>; acks: number; closes: number; problems: string[] };

function check(t: Tally, frames: readonly ServerFrame[]): void {
  for (const frame of frames) {
    if (frame.type === "ack") t.acks++;
    if (frame.type !== "error") continue;
    t.errors.set(frame.code, (t.errors.get(frame.code) ?? 0) + 1);
    if (frame.code === "internal") t.problems.push(`internal error: ${frame.message}`);
    if (hasStack(frame.message)) t.problems.push(`stack in an error frame: ${frame.message.slice(0, 200)}`);
  }
}

/**
 * Sends a ping and waits for its pong — every earlier frame on the socket has
 * been answered by then, frames being handled in order — or for the socket to
 * close (P2: a fuzzed hello of another version closes it).
 */
async function settle(s: TestSocket, rid: string): Promise<ServerFrame[]> {
  if (!s.closed) s.send({ type: "ping", rid });
  const pong = s.next("pong", (f) => f.rid === rid).then(
    () => true,
    (error: unknown) => {
      if (s.closed) return false;
      throw error;
    },
  );
  const closed = (async () => {
    while (!s.closed) await new Promise((r) => setTimeout(r, 10));
    return false;
  })();
  const answered = await Promise.race([pong, closed]);
  if (!answered && !s.closed) throw new Error(`no pong for ${rid}`);
  return s.frames.splice(0);
}

describe("Security — fuzzed socket frames against the real Brain (workerd)", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it(`[X2][P11][G5] ${FRAMES} seeded fuzzed JSON frames: typed answers, 0 internal errors, 0 stacks, the socket stays up, ping answered`, async () => {
    const rng = seededRng("security json frames (workerd)");
    const recipes = fc.sample(jsonFrame, { seed: rng.seed, numRuns: FRAMES });
    const token = await login(freshUser("fuzzsock"));
    const pool = new IdPool(rng.next);
    const t: Tally = { errors: new Map(), acks: 0, closes: 0, problems: [] };
    for (let start = 0; start < recipes.length; start += PER_SOCKET) {
      const s = await connect(token, `fuzz-${start}`);
      await s.hello();
      s.frames.splice(0);
      for (const recipe of recipes.slice(start, start + PER_SOCKET)) {
        const text = payloadText(recipe, (p) => pool.pick(p));
        if (typeof text !== "string") throw new Error("JSON frame recipes are text");
        s.sendRaw(`__YPS:${text}`);
      }
      const answered = await settle(s, `settle-${start}`);
      if (s.closed) {
        // P2: a hello of another protocol version closes the socket, the one frame that may; that batch ends there.
        t.closes++;
        if (s.closed.code !== 4400) t.problems.push(`socket closed with ${s.closed.code}`);
      }
      check(t, answered);
      for (const frame of answered) if (frame.type === "ack") pool.harvest(frame.result);
      s.close();
    }
    const state = await api(token).get("/api/v1/state");
    console.log(`[X2] json frames (workerd): ${recipes.length} sent; errors ${JSON.stringify(Object.fromEntries(t.errors))}, acks ${t.acks}, closes ${t.closes}, problems ${t.problems.length}; state ${state.status}`);
    expect(t.problems.slice(0, 5), `seed ${rng.seed}`).toEqual([]);
    expect(state.status).toBe(200);
    expect(t.acks).toBeGreaterThan(0);
  }, 120_000);

  it(`[X2][P4][G5] ${FRAMES} seeded hostile binary frames: typed answers, the socket stays up, ping answered`, async () => {
    const rng = seededRng("security binary frames (workerd)");
    const recipes = fc.sample(binaryRecipe, { seed: rng.seed, numRuns: FRAMES });
    const token = await login(freshUser("fuzzbin"));
    // y-partyserver logs what Yjs throws with console.error (D10 wants none); counted, not printed.
    const yjsLogged = vi.spyOn(console, "error").mockImplementation(() => {});
    const device = new FuzzDevice();
    const t: Tally = { errors: new Map(), acks: 0, closes: 0, problems: [] };
    const s = await connect(token, "fuzz-binary");
    await s.hello();
    for (const [i, recipe] of recipes.entries()) {
      const bytes = device.frame(recipe);
      s.sendRaw(bytes.slice().buffer);
      if ((i + 1) % 100 === 0) check(t, await settle(s, `settle-${i}`));
    }
    check(t, await settle(s, "settle-end"));
    if (s.closed) t.problems.push(`socket closed with ${s.closed.code}`);
    const state = await api(token).get("/api/v1/state");
    console.log(
      `[X2] binary frames (workerd): ${recipes.length} sent; errors ${JSON.stringify(Object.fromEntries(t.errors))}, problems ${t.problems.length}; ` +
        `Yjs exceptions logged by y-partyserver ${yjsLogged.mock.calls.length}; state ${state.status}`,
    );
    expect(t.problems.slice(0, 5), `seed ${rng.seed}`).toEqual([]);
    expect(state.status).toBe(200);
    expect(t.errors.get("invalid_request") ?? 0).toBeGreaterThan(FRAMES / 10);
    s.close();
  }, 120_000);
});
