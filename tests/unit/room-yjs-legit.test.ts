/**
 * The other side of the Yjs door (docs/PROTOCOL.md D11, D13): whatever real
 * devices send — concurrent edits, edits to a note another device deleted,
 * offline work merged on reconnect — is never refused. A refused update would
 * leave that device's copy behind, so this is a seeded fuzz over the room core
 * in Node: devices edit, go offline and come back, the room relays, and at
 * the end every copy equals the room's and no device got an error.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { NOTES, TASKS } from "../../shared/doc-schema.ts";
import { FakeRoom, type FakeSocket } from "../support/fake-room.ts";
import { seededRng } from "../support/random.ts";
import { addNote, addTask, bodyOf, copyOf } from "../support/yjs-frames.ts";

const FROM_ROOM = Symbol("from-room");
const UNLIMITED = {
  RATE_LIMIT_YJS_FRAMES_PER_MINUTE: "1000000",
  RATE_LIMIT_YJS_OPS_PER_MINUTE: "100000000",
  RATE_LIMIT_YJS_BYTES_PER_MINUTE: "1000000000",
  RATE_LIMIT_DEVICE_EDITS_PER_MINUTE: "1000000",
};

type Device = { name: string; doc: Y.Doc; socket: FakeSocket | null };

const plain = (doc: Y.Doc) => ({ tasks: doc.getMap(TASKS).toJSON(), notes: doc.getMap(NOTES).toJSON() });

describe("Room core — legitimate Yjs traffic passes the door (Node)", () => {
  it("[D11][D13][G3] seeded: concurrent and offline edits from four devices are never refused, and every copy converges", () => {
    const rng = seededRng("yjs legit traffic");
    const room = new FakeRoom({ env: UNLIMITED });
    const errors: string[] = [];
    const devices: Device[] = [];
    // The room relays what it applies to every online device, as y-partyserver does.
    room.doc.on("update", (update: Uint8Array) => {
      for (const d of devices) if (d.socket) Y.applyUpdate(d.doc, update, FROM_ROOM);
    });
    const goOnline = (d: Device) => {
      d.socket = room.connect();
      d.socket.hello(d.name);
      // Sync step 2 both ways: what the device lacks, and everything the room lacks (its whole delete set included).
      Y.applyUpdate(d.doc, Y.encodeStateAsUpdate(room.doc, Y.encodeStateVector(d.doc)), FROM_ROOM);
      d.socket.sendUpdate(Y.encodeStateAsUpdate(d.doc, Y.encodeStateVector(room.doc)));
    };
    for (let i = 0; i < 4; i++) {
      const d: Device = { name: `device-${i}`, doc: copyOf(room.doc), socket: null };
      d.doc.on("update", (update: Uint8Array, origin: unknown) => {
        if (origin !== FROM_ROOM && d.socket) d.socket.sendUpdate(update);
      });
      devices.push(d);
      goOnline(d);
    }
    let ids = 0;
    const some = <T>(xs: T[]) => (xs.length > 0 ? rng.pick(xs) : undefined);
    const word = () => "abcdefghij".slice(0, 1 + rng.int(5));
    const steps = 1_500;
    for (let step = 0; step < steps; step++) {
      const d = rng.pick(devices);
      const tasks = d.doc.getMap<Y.Map<unknown>>(TASKS);
      const notes = d.doc.getMap<Y.Map<unknown>>(NOTES);
      const roll = rng.int(100);
      if (roll < 12) d.doc.transact(() => addTask(d.doc, `t${++ids}`, word()));
      else if (roll < 24) some([...tasks.values()])?.set("title", `${word()} ${step}`);
      else if (roll < 30) some([...tasks.values()])?.set("status", rng.int(2) ? "done" : "open");
      else if (roll < 36) {
        const id = some([...tasks.keys()]);
        if (id) tasks.delete(id);
      } else if (roll < 44) d.doc.transact(() => addNote(d.doc, `n${++ids}`, word()));
      else if (roll < 66) {
        const body = some([...notes.values()])?.get("body");
        if (body instanceof Y.Text) body.insert(rng.int(body.length + 1), word());
      } else if (roll < 76) {
        const body = some([...notes.values()])?.get("body");
        if (body instanceof Y.Text && body.length > 0) {
          const at = rng.int(body.length);
          body.delete(at, 1 + rng.int(Math.min(4, body.length - at)));
        }
      } else if (roll < 80) {
        const id = some([...notes.keys()]);
        if (id) notes.delete(id);
      } else if (roll < 86) {
        if (d.socket) {
          room.disconnect(d.socket);
          d.socket = null;
        } else goOnline(d);
      } else room.flush();
      for (const x of devices) for (const e of x.socket?.of("error") ?? []) errors.push(`${x.name}: ${e.code} ${e.message}`);
      for (const x of devices) if (x.socket) x.socket.received.length = 0;
    }
    for (const d of devices) if (!d.socket) goOnline(d);
    room.flush();
    for (const x of devices) for (const e of x.socket?.of("error") ?? []) errors.push(`${x.name}: ${e.code} ${e.message}`);
    const refused = room.logs.filter((l) => l.event === "yjs.refused").length;
    console.log(
      `[D11] ${steps} steps (seed ${rng.seed}): ${room.room.docs.rowCount} updates stored, ${refused} refused, ` +
        `${room.doc.getMap(TASKS).size} task keys and ${room.doc.getMap(NOTES).size} note keys in the room`,
    );
    expect(errors).toEqual([]);
    expect(refused).toBe(0);
    expect(room.doc.store.pendingStructs).toBeNull();
    const expected = plain(room.doc);
    // Deep equality: two copies may list map keys in different orders.
    for (const d of devices) expect(plain(d.doc), d.name).toEqual(expected);
  });

  it("[D11][D13] late edits to a note another device deleted meanwhile pass, and Yjs drops them", () => {
    const room = new FakeRoom();
    const [a, b] = [room.connect(), room.connect()];
    a.hello("laptop");
    b.hello("phone");
    const seed = copyOf(room.doc);
    const created: Uint8Array[] = [];
    seed.on("update", (u: Uint8Array) => created.push(u));
    seed.transact(() => {
      addNote(seed, "full", "some text here");
      addNote(seed, "empty", "");
      addNote(seed, "swapped", "");
    });
    a.sendUpdate(created[0]!);
    room.flush();
    // The laptop goes offline and types into three notes; the phone deletes two and gives the third a new body;
    // the room collects the old content.
    const laptop = copyOf(room.doc);
    const before = Y.encodeStateVector(laptop);
    laptop.transact(() => {
      bodyOf(laptop, "full").insert(5, "more ");
      bodyOf(laptop, "empty").insert(0, "first words");
      bodyOf(laptop, "swapped").insert(0, "into the old body");
    });
    const phone = copyOf(room.doc);
    const deleted: Uint8Array[] = [];
    phone.on("update", (u: Uint8Array) => deleted.push(u));
    phone.transact(() => {
      phone.getMap(NOTES).delete("full");
      phone.getMap(NOTES).delete("empty");
      phone.getMap<Y.Map<unknown>>(NOTES).get("swapped")!.set("body", new Y.Text("a new body"));
    });
    b.sendUpdate(deleted[0]!);
    room.flush();
    // Back online: its sync step 2 carries edits whose neighbours and parents the room has collected.
    a.sendUpdate(Y.encodeStateAsUpdate(laptop, before));
    room.flush();
    expect(a.of("error")).toEqual([]);
    expect([...room.doc.getMap(NOTES).keys()]).toEqual(["swapped"]);
    expect(bodyOf(room.doc, "swapped").toString()).toBe("a new body");
    expect(room.doc.store.pendingStructs).toBeNull();
  });
});
