/**
 * The devices the room has met (P16, `knownDevices` in the state) kept current
 * from presence frames, so the Devices view needs no state refetch when a
 * device joins or leaves (W10, W30). Plain code, tested in Node
 * (tests/unit/web-known-devices.test.ts).
 */
import type { Device, KnownDevice } from "../../shared/domain.ts";

const remembered = (d: Device, lastSeen: string): KnownDevice => ({
  deviceId: d.deviceId,
  name: d.name,
  kind: d.kind,
  lastSeen,
  ...(d.platform ? { platform: d.platform } : {}),
});

/**
 * `known` after a presence frame that replaced the connected devices `before`
 * with `now`: a connected device is remembered under its live name, as seen
 * now; one that left is remembered as last seen `at`; the rest stay. Most
 * recently seen first, as the room lists them.
 */
export function knownAfterPresence(known: readonly KnownDevice[] | undefined, before: readonly Device[], now: readonly Device[], at: string): KnownDevice[] {
  const byId = new Map((known ?? []).map((d) => [d.deviceId, d]));
  const online = new Set(now.map((d) => d.deviceId));
  for (const d of before) if (!online.has(d.deviceId)) byId.set(d.deviceId, remembered(d, at));
  for (const d of now) byId.set(d.deviceId, remembered(d, d.lastSeen));
  return [...byId.values()].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen));
}
