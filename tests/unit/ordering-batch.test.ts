import { describe, expect, it } from "vitest";
import { FakeRoom } from "../support/fake-room.ts";

const pin = (i: number) => ({ type: "memory.pin" as const, rid: `r${i}`, command: { type: "fact" as const, key: `k${i}`, value: `v${i}`, clientActionId: `rate-item-${String(i).padStart(4, "0")}` } });

describe("Brain — batched command frames, in the room core", () => {
  it("[R13][P12] a batch of n commands costs n frames of the socket's rate: over it, the whole batch is refused and nothing is applied", () => {
    const room = new FakeRoom({ env: { RATE_LIMIT_FRAMES_PER_MINUTE: "10" } });
    const socket = room.connect();
    socket.hello("phone");
    const seqBefore = room.room.ledger.lastSeq;
    // The hello took one frame of ten: a batch of ten items needs ten more.
    socket.sendFrame({ type: "batch", rid: "big", frames: Array.from({ length: 10 }, (_, i) => pin(i)) });
    room.flush();
    expect(socket.of("error").at(-1)).toMatchObject({ rid: "big", code: "rate_limited" });
    expect(socket.of("batch.result")).toEqual([]);
    expect(room.room.ledger.lastSeq).toBe(seqBefore);
    // Within the budget, a batch applies.
    const fresh = new FakeRoom({ env: { RATE_LIMIT_FRAMES_PER_MINUTE: "10" } });
    const other = fresh.connect();
    other.hello("phone");
    other.sendFrame({ type: "batch", rid: "fits", frames: Array.from({ length: 9 }, (_, i) => pin(i)) });
    fresh.flush();
    expect(other.of("batch.result").at(-1)?.results.map((r) => r.type)).toEqual(Array(9).fill("ack"));
  });

  it("[R11][R19][R7] the items' events reach every device as one events frame before the batch's one answer, and no per-item ack is sent", () => {
    const room = new FakeRoom();
    const [phone, laptop] = [room.connect(), room.connect()];
    phone.hello("phone");
    laptop.hello("laptop");
    phone.sendFrame({ type: "batch", rid: "b", frames: [pin(1), pin(2), pin(3)] });
    room.flush();
    const order = phone.received.filter((f) => f.type === "event" || f.type === "events" || f.type === "batch.result" || f.type === "ack").map((f) => f.type);
    expect(order.slice(-2)).toEqual(["events", "batch.result"]);
    for (const device of [phone, laptop]) {
      const page = device.of("events").at(-1)!;
      expect(page.events.map((e) => e.type)).toEqual(["memory.pinned", "memory.pinned", "memory.pinned"]);
      const seqs = page.events.map((e) => e.seq);
      expect(seqs).toEqual([seqs[0], seqs[0]! + 1, seqs[0]! + 2]);
      expect(page).toMatchObject({ lastEventSeq: room.room.ledger.lastSeq, hasMore: false });
      expect(device.of("event").filter((f) => f.event.type === "memory.pinned")).toEqual([]);
    }
    expect(phone.of("ack")).toEqual([]);
  });
});
