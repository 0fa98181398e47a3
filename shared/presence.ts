/** Presence rules both the room and the web app use (docs/PROTOCOL.md S8). */
import type { Device } from "./domain.ts";

/** The device in use: focused (latest seen among focused), else the latest seen online; null if none. */
export function deviceInUse(devices: Device[]): string | null {
  const latest = (list: Device[]) => list.reduce<Device | null>((best, d) => (!best || d.lastSeen > best.lastSeen ? d : best), null);
  return (latest(devices.filter((d) => d.focused)) ?? latest(devices))?.deviceId ?? null;
}
