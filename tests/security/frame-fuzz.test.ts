/**
 * The standing attack suite, socket half at volume (docs/PROTOCOL.md X2): the
 * real room core over fake sockets (tests/support/fake-room.ts), fed seeded
 * fuzzed JSON frames and hostile binary frames. Every frame the room sends is
 * parsed with ServerFrameSchema on arrival, so "typed" is checked frame by
 * frame. The same attack against the real Brain in workerd, at a smaller
 * sample, is tests/worker/security-frames.test.ts.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DocStore } from "../../party/core/doc-store.ts";
import { notesOf, readNotes, readTasks, tasksOf } from "../../shared/doc-schema.ts";
import type { ServerFrame } from "../../shared/protocol.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";
import { hasStack, IdPool, jsonFrame, payloadText } from "../support/fuzz.ts";
import { seededRng } from "../support/random.ts";
import { binaryRecipe, FuzzDevice } from "../support/yjs-fuzz.ts";
import * as decoding from "lib0/decoding";
import * as Y from "yjs";

const FRAMES = 5_000;
/** Frames between two checks that the room still answers ping. */
const PING_EVERY = 250;

type Tally = { sent: number; errors: Map<string, number>; acks: number; closes: number; pings: number; problems: string[] };

const tally = (): Tally => ({ sent: 0, errors: new Map(), acks: 0, closes: 0, pings: 0, problems: [] });

/** X2: what a socket got back for one frame: typed (parsed on arrival), never internal, never a stack. */
function check(t: Tally, frames: readonly ServerFrame[], what: string): void {
  for (const frame of frames) {
    if (frame.type === "ack") t.acks++;
    if (frame.type !== "error") continue;
    t.errors.set(frame.code, (t.errors.get(frame.code) ?? 0) + 1);
    if (frame.code === "internal") t.problems.push(`internal error for ${what}: ${frame.message}`);
    if (hasStack(frame.message)) t.problems.push(`stack in an error frame for ${what}: ${frame.message.slice(0, 200)}`);
    if (!frame.requestId) t.problems.push(`error without requestId for ${what}`);
    if (frame.code === "rate_limited" && frame.retryAfter === undefined) t.problems.push(`rate_limited without retryAfter for ${what}`);
  }
}

/** The room still answers: a ping now gets its pong. */
function ping(room: FakeRoom, socket: FakeSocket, t: Tally): void {
  const rid = `ping-${++t.pings}`;
  socket.sendFrame({ type: "ping", rid });
  room.flush();
  if (!socket.of("pong").some((f) => f.rid === rid)) t.problems.push(`no pong for ${rid}`);
}

/**
 * Whether a binary frame is malformed on its face — empty, an unknown message
 * type, an unknown sync step — which the room must answer with a typed error
 * (D10), whatever else it holds.
 */
function plainlyMalformed(bytes: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    if (type === 1) return false;
    return type !== 0 || decoding.readVarUint(decoder) > 2;
  } catch {
    return true;
  }
}

/** D6: whatever devices sent, every task and note in the document is valid. */
function docProblems(room: FakeRoom): string[] {
  const out: string[] = [];
  if (readTasks(room.doc).length !== tasksOf(room.doc).size) out.push(`${tasksOf(room.doc).size - readTasks(room.doc).length} invalid task entries`);
  if (readNotes(room.doc).length !== notesOf(room.doc).size) out.push(`${notesOf(room.doc).size - readNotes(room.doc).length} invalid note entries`);
  return out;
}

const summary = (t: Tally) => `errors ${JSON.stringify(Object.fromEntries(t.errors))}, acks ${t.acks}, closes ${t.closes}, pings ${t.pings}, problems ${t.problems.length}`;

describe("Security — fuzzed socket frames on the room core (Node)", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it(`[X2][P11][G5] ${FRAMES} seeded fuzzed JSON frames: typed answers, 0 internal errors, 0 stacks, the socket stays up, ping answered`, async () => {
    const rng = seededRng("security json frames");
    const recipes = fc.sample(jsonFrame, { seed: rng.seed, numRuns: FRAMES });
    const room = new FakeRoom();
    const pool = new IdPool(rng.next);
    const t = tally();
    let socket = room.connect();
    socket.hello("fuzz");
    for (const [i, recipe] of recipes.entries()) {
      // Below the frame limit (600 a minute by default): the fuzz should reach the handlers, not only the limiter.
      room.clock += 150;
      const text = payloadText(recipe, (p) => pool.pick(p));
      if (typeof text !== "string") throw new Error("JSON frame recipes are text");
      const before = socket.received.length;
      socket.sendRaw(text);
      room.flush();
      const answered = socket.received.slice(before);
      check(t, answered, `frame ${i} ${text.slice(0, 120)}`);
      for (const frame of answered) if (frame.type === "ack") pool.harvest(frame.result);
      t.sent++;
      if (socket.closed) {
        // P2: the one way a frame may close a socket — a hello of another protocol version.
        if (socket.closed.code !== 4400) t.problems.push(`socket closed ${socket.closed.code} by frame ${i}: ${text.slice(0, 120)}`);
        t.closes++;
        socket = room.connect();
        socket.hello("fuzz");
      }
      if ((i + 1) % PING_EVERY === 0) {
        await room.room.chat.idle();
        room.flush();
        ping(room, socket, t);
      }
    }
    await room.room.chat.idle();
    room.flush();
    ping(room, socket, t);
    const loggedErrors = room.logs.filter((l) => l.level === "error");
    console.log(`[X2] json frames: ${t.sent} sent; ${summary(t)}; error log lines ${loggedErrors.length}`);
    expect(t.problems.slice(0, 5), `seed ${rng.seed}`).toEqual([]);
    expect(loggedErrors).toEqual([]);
    expect(t.sent).toBe(FRAMES);
    expect(t.acks).toBeGreaterThan(FRAMES / 20);
  }, 120_000);

  it(`[X2][P4][D6][G5] ${FRAMES} seeded hostile binary frames: typed answers, nothing thrown, the document stays valid and reloads, ping answered`, async () => {
    const rng = seededRng("security binary frames");
    const recipes = fc.sample(binaryRecipe, { seed: rng.seed, numRuns: FRAMES });
    // As the host runs it: what Yjs throws is caught and logged by y-partyserver, not thrown to the room.
    const room = new FakeRoom();
    room.collectYjsErrors = true;
    const t = tally();
    const socket = room.connect();
    socket.hello("fuzz-binary");
    const device = new FuzzDevice(() => Y.encodeStateAsUpdate(room.doc));
    room.doc.on("update", (update: Uint8Array) => device.receive(update));
    // y-protocols logs what Yjs throws with console.error, as the host would; counted in room.yjsErrors instead.
    vi.spyOn(console, "error").mockImplementation(() => {});
    let thrown = 0;
    for (const [i, recipe] of recipes.entries()) {
      // Below the Yjs frame limit (3,000 a minute by default).
      room.clock += 30;
      let bytes: Uint8Array;
      try {
        bytes = device.frame(recipe);
      } catch (error) {
        // A synced device loads the room's whole state first: a document the room cannot hand out whole is broken.
        t.problems.push(`before frame ${i}: the room's state no longer loads into a fresh document: ${String(error).slice(0, 200)}`);
        continue;
      }
      const before = socket.received.length;
      socket.sendBinary(bytes);
      try {
        room.flush();
      } catch (error) {
        thrown++;
        t.problems.push(`frame ${i} (${recipe.kind}) threw out of the room: ${String(error).slice(0, 200)}`);
      }
      const answered = socket.received.slice(before);
      check(t, answered, `binary frame ${i} (${recipe.kind})`);
      if (plainlyMalformed(bytes) && !answered.some((f) => f.type === "error")) t.problems.push(`malformed binary frame ${i} (${recipe.kind}) got no error`);
      t.sent++;
      if (socket.closed) t.problems.push(`socket closed by binary frame ${i}`);
      if ((i + 1) % PING_EVERY === 0) {
        ping(room, socket, t);
        t.problems.push(...docProblems(room).map((p) => `after frame ${i}: ${p}`));
      }
    }
    ping(room, socket, t);
    t.problems.push(...docProblems(room));
    // The room's document reloads from storage as it is now, as after a restart (D5).
    const reloaded = new Y.Doc();
    new DocStore(room.sql).load(reloaded);
    if (JSON.stringify([readTasks(reloaded), readNotes(reloaded)]) !== JSON.stringify([readTasks(room.doc), readNotes(room.doc)])) {
      t.problems.push("the document reloaded from storage differs from the live one");
    }
    const loggedErrors = room.logs.filter((l) => l.level === "error");
    console.log(
      `[X2] binary frames: ${t.sent} sent; ${summary(t)}; thrown ${thrown}; ` +
        `Yjs exceptions caught by the host (logged with a stack; D10 wants 0) ${room.yjsErrors.length}; ` +
        `updates left waiting for missing dependencies ${room.doc.store.pendingStructs ? 1 : 0}; ` +
        `document: ${tasksOf(room.doc).size} tasks, ${notesOf(room.doc).size} notes`,
    );
    expect(t.problems.slice(0, 5), `seed ${rng.seed}`).toEqual([]);
    expect(loggedErrors).toEqual([]);
    expect(t.errors.get("invalid_request") ?? 0).toBeGreaterThan(FRAMES / 10);
  }, 120_000);
});
