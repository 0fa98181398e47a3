/**
 * The standing attack suite, limits under bursts (docs/PROTOCOL.md X6, G6,
 * C13, H10, P12): bursts at a frozen clock, so every limit must hold exactly —
 * the 60 messages a minute over HTTP and the socket mixed, the write limit
 * over every write route of the route table, the JSON and Yjs frame limits per
 * socket — each refusal `rate_limited` with `retryAfter`, and the next
 * request admitted once that wait is over. The room core in Node: the real
 * dispatcher, input table and limiters, with a clock the test holds.
 */
import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import { ROUTES } from "../../party/api/routes.ts";
import { ErrorBodySchema } from "../../shared/errors.ts";
import type { ServerFrame } from "../../shared/protocol.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";
import { seededRng } from "../support/random.ts";

const LIMITS = { MESSAGES_PER_MINUTE: 60, RATE_LIMIT_WRITES_PER_MINUTE: 120, RATE_LIMIT_FRAMES_PER_MINUTE: 600, RATE_LIMIT_YJS_FRAMES_PER_MINUTE: 3_000 };
const ENV = Object.fromEntries(Object.entries(LIMITS).map(([k, v]) => [k, String(v)]));

let requests = 0;

function post(room: FakeRoom, path: string, body: unknown, method = "POST"): Promise<Response> {
  return room.room.request(
    new Request(`https://room.test${path}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    `limits-${++requests}`,
  );
}

type Refusal = { retryAfter: number | undefined; header?: string | null };

/** An HTTP answer: admitted, or refused by a limit (with its wait). */
async function httpOutcome(res: Response): Promise<"admitted" | Refusal> {
  if (res.status !== 429) return "admitted";
  const body = ErrorBodySchema.parse(await res.json());
  expect(body.error.code).toBe("rate_limited");
  return { retryAfter: body.error.retryAfter, header: res.headers.get("retry-after") };
}

/** A socket frame's answer, by its rid. */
function frameOutcome(socket: FakeSocket, rid: string): "admitted" | Refusal {
  const answer = socket.received.find((f): f is Extract<ServerFrame, { type: "ack" | "error" | "pong" }> => (f.type === "ack" || f.type === "error" || f.type === "pong") && f.rid === rid);
  if (!answer) throw new Error(`no answer to ${rid}`);
  if (answer.type === "error" && answer.code === "rate_limited") return { retryAfter: answer.retryAfter };
  if (answer.type === "error") throw new Error(`${rid}: ${answer.code} ${answer.message}`);
  return "admitted";
}

const refused = (o: "admitted" | Refusal): o is Refusal => o !== "admitted";

describe("Security — limits under bursts, exact (room core, frozen clock)", () => {
  it(`[X6][C13][G6] ${LIMITS.MESSAGES_PER_MINUTE} messages a minute, exactly, over HTTP and the socket mixed in a seeded order; then each path is told when to retry`, async () => {
    const rng = seededRng("security message limit");
    const room = new FakeRoom({ env: ENV });
    const socket = room.connect();
    socket.hello("phone");
    let n = 0;
    const sendMessage = async (path: "http" | "socket") => {
      const text = `message ${++n}`;
      if (path === "http") return httpOutcome(await post(room, "/api/v1/message", { text }));
      socket.sendFrame({ type: "message.send", rid: `m${n}`, command: { text } });
      room.flush();
      return frameOutcome(socket, `m${n}`);
    };
    const outcomes: { path: string; outcome: "admitted" | Refusal }[] = [];
    for (let i = 0; i < LIMITS.MESSAGES_PER_MINUTE + 20; i++) {
      const path = rng.pick(["http", "socket"] as const);
      outcomes.push({ path, outcome: await sendMessage(path) });
    }
    const admitted = outcomes.filter((o) => !refused(o.outcome)).length;
    const refusals = outcomes.flatMap((o) => (refused(o.outcome) ? [{ path: o.path, ...o.outcome }] : []));
    // Each path refused too, each with a wait; HTTP also with its header.
    const http = await sendMessage("http");
    const sock = await sendMessage("socket");
    const wait = refused(http) ? http.retryAfter ?? 0 : 0;
    room.clock += wait * 1_000;
    const afterWait = await sendMessage(rng.pick(["http", "socket"] as const));
    await room.room.chat.idle();
    room.flush();
    console.log(
      `[X6] messages: ${outcomes.length} in a burst over HTTP and the socket, ${admitted} admitted (limit ${LIMITS.MESSAGES_PER_MINUTE}), ` +
        `${refusals.length} refused with retryAfter ${JSON.stringify([...new Set(refusals.map((r) => r.retryAfter))])}; after waiting ${wait} s: ${refused(afterWait) ? "refused" : "admitted"}`,
    );
    expect(admitted).toBe(LIMITS.MESSAGES_PER_MINUTE);
    expect(outcomes.slice(0, LIMITS.MESSAGES_PER_MINUTE).every((o) => !refused(o.outcome))).toBe(true);
    expect(refusals.every((r) => (r.retryAfter ?? 0) > 0)).toBe(true);
    expect(new Set(refusals.map((r) => r.path))).toEqual(new Set(["http", "socket"]));
    expect(http).toMatchObject({ retryAfter: expect.any(Number), header: String(refused(http) ? http.retryAfter : "") });
    expect(sock).toMatchObject({ retryAfter: expect.any(Number) });
    expect(afterWait).toBe("admitted");
  }, 60_000);

  it(`[X6][H10][H14] the write limit, exactly ${LIMITS.RATE_LIMIT_WRITES_PER_MINUTE} a minute per user, over every write route at once; 429 with retryAfter and Retry-After`, async () => {
    const rng = seededRng("security write limit");
    const room = new FakeRoom({ env: ENV });
    const writes = ROUTES.filter((r) => r.write);
    const burst = async () => {
      const route = rng.pick(writes);
      // Any body: the limit is taken before the body is read (H14), so a bad body still spends a write.
      const res = await post(room, route.path.replace(/:[A-Za-z]+/g, "some-id"), { fuzz: rng.int(1000) }, route.method);
      return { route: `${route.method} ${route.path}`, outcome: await httpOutcome(res) };
    };
    const outcomes = [];
    for (let i = 0; i < LIMITS.RATE_LIMIT_WRITES_PER_MINUTE + 30; i++) outcomes.push(await burst());
    const admitted = outcomes.filter((o) => !refused(o.outcome)).length;
    const first = outcomes.find((o) => refused(o.outcome))?.outcome;
    const wait = first && refused(first) ? first.retryAfter ?? 0 : 0;
    // A read is not limited (H10).
    const read = await room.room.request(new Request("https://room.test/api/v1/state"), "read");
    room.clock += wait * 1_000;
    const afterWait = [];
    for (let i = 0; i < 5; i++) afterWait.push(await burst());
    // The bucket refills at the limit's rate: the wait buys exactly what that rate gives in it.
    const bought = Math.floor((wait * LIMITS.RATE_LIMIT_WRITES_PER_MINUTE) / 60);
    console.log(
      `[X6] writes: ${outcomes.length} in a burst over ${new Set(outcomes.map((o) => o.route)).size} write routes, ${admitted} admitted (limit ${LIMITS.RATE_LIMIT_WRITES_PER_MINUTE}); ` +
        `retryAfter ${wait} s; after it ${afterWait.filter((o) => !refused(o.outcome)).length} of ${afterWait.length} admitted (${bought} refilled)`,
    );
    expect(admitted).toBe(LIMITS.RATE_LIMIT_WRITES_PER_MINUTE);
    expect(outcomes.slice(0, LIMITS.RATE_LIMIT_WRITES_PER_MINUTE).every((o) => !refused(o.outcome))).toBe(true);
    for (const o of outcomes.filter((x) => refused(x.outcome))) expect(o.outcome).toMatchObject({ retryAfter: wait, header: String(wait) });
    expect(wait).toBeGreaterThan(0);
    expect(read.status).toBe(200);
    expect(bought).toBeGreaterThanOrEqual(1);
    expect(afterWait.map((o) => refused(o.outcome))).toEqual(afterWait.map((_, i) => i >= bought));
  }, 60_000);

  it(`[X6][P12] the JSON frame limit (${LIMITS.RATE_LIMIT_FRAMES_PER_MINUTE}) and the Yjs frame limit (${LIMITS.RATE_LIMIT_YJS_FRAMES_PER_MINUTE}), exactly, per socket`, () => {
    const room = new FakeRoom({ env: ENV });
    const [a, b] = [room.connect(), room.connect()];
    a.hello("laptop");
    b.hello("phone");
    // hello was the first frame of each socket's minute.
    for (let i = 1; i < LIMITS.RATE_LIMIT_FRAMES_PER_MINUTE + 10; i++) a.sendFrame({ type: "ping", rid: `p${i}` });
    room.flush();
    const pongs = a.of("pong").length;
    const limited = a.of("error").filter((e) => e.code === "rate_limited");
    b.sendFrame({ type: "ping", rid: "other-socket" });
    room.flush();
    const otherSocket = b.of("pong").some((f) => f.rid === "other-socket");
    const wait = limited[0]?.retryAfter ?? 0;
    room.clock += wait * 1_000;
    a.sendFrame({ type: "ping", rid: "after-wait" });
    room.flush();

    // An awareness message with no states: the cheapest valid Yjs frame, so only the frame limit is measured.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarUint8Array(encoder, Uint8Array.of(0));
    const awareness = encoding.toUint8Array(encoder);
    const yjs = room.connect();
    for (let i = 0; i < LIMITS.RATE_LIMIT_YJS_FRAMES_PER_MINUTE + 10; i++) yjs.sendBinary(awareness);
    room.flush();
    const yjsLimited = yjs.of("error").filter((e) => e.code === "rate_limited");
    console.log(
      `[X6] frames: JSON ${pongs + 1} admitted of ${LIMITS.RATE_LIMIT_FRAMES_PER_MINUTE + 10} (limit ${LIMITS.RATE_LIMIT_FRAMES_PER_MINUTE}, hello included), ${limited.length} rate_limited, retryAfter ${wait} s; ` +
        `Yjs ${LIMITS.RATE_LIMIT_YJS_FRAMES_PER_MINUTE + 10 - yjsLimited.length} admitted (limit ${LIMITS.RATE_LIMIT_YJS_FRAMES_PER_MINUTE}), ${yjsLimited.length} rate_limited`,
    );
    expect(pongs + 1).toBe(LIMITS.RATE_LIMIT_FRAMES_PER_MINUTE);
    expect(limited).toHaveLength(10);
    expect(limited.every((e) => (e.retryAfter ?? 0) > 0)).toBe(true);
    expect(otherSocket).toBe(true);
    expect(a.of("pong").some((f) => f.rid === "after-wait")).toBe(true);
    expect(yjsLimited).toHaveLength(10);
    expect(yjsLimited.every((e) => (e.retryAfter ?? 0) > 0)).toBe(true);
    expect(yjs.of("error").filter((e) => e.code !== "rate_limited")).toEqual([]);
  });
});
