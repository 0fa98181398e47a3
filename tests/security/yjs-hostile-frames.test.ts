/**
 * The standing attack suite, hostile Yjs frames at the door (docs/PROTOCOL.md
 * X2, D10): of the seeded hostile binary frames of frame-fuzz.test.ts, none
 * may get as far as making Yjs throw — that is an exception the host catches
 * and logs with its stack, and a frame the sender never hears back about. The
 * room's guard must refuse each of them first, with a typed error. Kept apart
 * from frame-fuzz.test.ts because the guard that reads state vectors and
 * updates through is another change of issue 11 (item 2); this file passes
 * once that change is in.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { FakeRoom } from "../support/fake-room.ts";
import { seededRng } from "../support/random.ts";
import { binaryRecipe, FuzzDevice } from "../support/yjs-fuzz.ts";

const FRAMES = 3_000;

describe("Security — hostile Yjs frames never reach Yjs unchecked (Node)", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it(`[X2][D10] ${FRAMES} seeded hostile binary frames: 0 Yjs exceptions caught and logged by the host, each refused frame answered`, () => {
    const rng = seededRng("security hostile yjs frames");
    const recipes = fc.sample(binaryRecipe, { seed: rng.seed, numRuns: FRAMES });
    const room = new FakeRoom();
    room.collectYjsErrors = true;
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const socket = room.connect();
    socket.hello("hostile");
    const device = new FuzzDevice(() => Y.encodeStateAsUpdate(room.doc));
    room.doc.on("update", (update: Uint8Array) => device.receive(update));
    const reached: string[] = [];
    for (const [i, recipe] of recipes.entries()) {
      room.clock += 30;
      const errorsBefore = room.yjsErrors.length;
      socket.sendBinary(device.frame(recipe));
      room.flush();
      if (room.yjsErrors.length > errorsBefore) reached.push(`frame ${i} (${recipe.kind}): ${String(room.yjsErrors.at(-1)).slice(0, 120)}`);
    }
    console.log(`[X2] hostile Yjs frames: ${FRAMES} sent; exceptions Yjs threw inside the host ${room.yjsErrors.length}; console.error calls ${logged.mock.calls.length}`);
    expect(reached.slice(0, 5), `seed ${rng.seed}`).toEqual([]);
    expect(logged).not.toHaveBeenCalled();
  }, 120_000);
});
