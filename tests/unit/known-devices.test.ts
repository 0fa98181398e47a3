import { describe, expect, it } from "vitest";
import { KNOWN_DEVICES_MAX } from "../../party/core/known-devices.ts";
import { BrainStateSchema } from "../../shared/api.ts";
import { FakeRoom } from "../support/fake-room.ts";

async function stateOf(room: FakeRoom) {
  const res = await room.room.request(new Request("http://room/api/v1/state"), "req-state");
  return BrainStateSchema.parse(await res.json());
}

describe("Room core — the devices the room has met (P16)", () => {
  it("[P16] a device that disconnected is still named, with when it was last seen; online ones are listed too", async () => {
    const room = new FakeRoom();
    const phone = room.connect();
    phone.platform = "Safari on iPhone";
    phone.hello("phone-1", { name: "Hana's phone", kind: "mobile" });
    const laptop = room.connect();
    laptop.hello("laptop-1", { name: "Chrome on Linux" });
    room.flush();
    room.clock += 60_000;
    const leftAt = new Date(room.clock).toISOString();
    room.disconnect(phone);
    room.clock += 3_600_000;

    const state = await stateOf(room);
    expect(state.devices.map((d) => d.deviceId)).toEqual(["laptop-1"]);
    // The platform is the host's reading of the user agent, kept beside the name the user gave.
    // Most recently seen first: the phone left after the laptop's hello.
    expect(state.knownDevices).toEqual([
      { deviceId: "phone-1", name: "Hana's phone", kind: "mobile", lastSeen: leftAt, platform: "Safari on iPhone" },
      { deviceId: "laptop-1", name: "Chrome on Linux", kind: "web", lastSeen: "2026-11-25T10:00:00.000Z" },
    ]);
  });

  it("[P16] a device's latest hello renames it, and the names survive a restart of the room", async () => {
    const room = new FakeRoom();
    const a = room.connect();
    a.hello("tab-1", { name: "Chrome on Linux" });
    room.disconnect(a);
    room.clock += 1_000;
    const again = room.connect();
    again.hello("tab-1", { name: "Mia's laptop" });
    room.disconnect(again);

    const restarted = new FakeRoom({ sql: room.sql, now: room.clock });
    const known = (await stateOf(restarted)).knownDevices ?? [];
    expect(known.map((d) => [d.deviceId, d.name])).toEqual([["tab-1", "Mia's laptop"]]);
  });

  it(`[P16] at most ${KNOWN_DEVICES_MAX} devices are remembered: the least recently seen are forgotten`, async () => {
    const room = new FakeRoom();
    for (let i = 0; i < KNOWN_DEVICES_MAX + 5; i++) {
      room.clock += 1_000;
      const s = room.connect();
      s.hello(`cli-${i}`, { kind: "cli" });
      room.disconnect(s);
    }
    const known = (await stateOf(room)).knownDevices ?? [];
    expect(known).toHaveLength(KNOWN_DEVICES_MAX);
    expect(known[0]?.deviceId).toBe(`cli-${KNOWN_DEVICES_MAX + 4}`);
    expect(known.some((d) => d.deviceId === "cli-0")).toBe(false);
  });
});
