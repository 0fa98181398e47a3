import { describe, expect, it } from "vitest";
import type { Device, KnownDevice } from "../../shared/domain.ts";
import { knownAfterPresence } from "../../web/lib/known-devices.ts";

const device = (deviceId: string, name: string, lastSeen: string): Device => ({ deviceId, name, kind: "web", connectedAt: lastSeen, lastSeen, focused: false });
const known = (deviceId: string, name: string, lastSeen: string): KnownDevice => ({ deviceId, name, kind: "web", lastSeen });

describe("Web — the devices met, kept from presence (W10, W30, P16)", () => {
  it("[W10][P16] a device that joins is listed under its live name; one that leaves is remembered as last seen then; others stay", () => {
    const laptop = device("laptop", "Hana's laptop", "2026-12-06T10:00:00.000Z");
    const phone = device("phone", "Hana's phone", "2026-12-06T10:05:00.000Z");
    const old = known("tablet", "Old tablet", "2026-11-01T08:00:00.000Z");
    const renamed = known("phone", "Chrome on Android", "2026-12-01T08:00:00.000Z");

    const joined = knownAfterPresence([old, renamed], [laptop], [laptop, phone], "2026-12-06T10:05:00.000Z");
    expect(joined.map((d) => [d.deviceId, d.name, d.lastSeen])).toEqual([
      ["phone", "Hana's phone", "2026-12-06T10:05:00.000Z"],
      ["laptop", "Hana's laptop", "2026-12-06T10:00:00.000Z"],
      ["tablet", "Old tablet", "2026-11-01T08:00:00.000Z"],
    ]);

    const left = knownAfterPresence(joined, [laptop, phone], [laptop], "2026-12-06T11:00:00.000Z");
    expect(left.find((d) => d.deviceId === "phone")).toEqual({ deviceId: "phone", name: "Hana's phone", kind: "web", lastSeen: "2026-12-06T11:00:00.000Z" });
    expect(left).toHaveLength(3);
  });

  it("[P16] an older room without knownDevices: the connected ones are listed", () => {
    const laptop = device("laptop", "Laptop", "2026-12-06T10:00:00.000Z");
    expect(knownAfterPresence(undefined, [], [laptop], "2026-12-06T10:00:00.000Z").map((d) => d.deviceId)).toEqual(["laptop"]);
  });
});
