/** Presence rules both the room and the web app use (docs/PROTOCOL.md S8). */
import type { Device } from "./domain.ts";

/** The device in use: focused (latest seen among focused), else the latest seen online; null if none. */
export function deviceInUse(devices: Device[]): string | null {
  const latest = (list: Device[]) => list.reduce<Device | null>((best, d) => (!best || d.lastSeen > best.lastSeen ? d : best), null);
  return (latest(devices.filter((d) => d.focused)) ?? latest(devices))?.deviceId ?? null;
}

/**
 * N5: a device stays *in use* this long after it last had focus (ms): a user who
 * glanced away for a minute is still at that screen, and an in-app notification
 * there beats a buzz in their pocket.
 */
export const IN_USE_WINDOW_MS = 120_000;

/** What routing (N5–N9) knows of one device: whether it is connected, focused now, when it last had focus, when it was last seen. */
export type DeviceActivity = {
  deviceId: string;
  connected: boolean;
  focused: boolean;
  /** Epoch ms of the last moment it was known focused; null if never. */
  lastFocusedAt: number | null;
  /** Epoch ms of its latest hello, frame or close. */
  lastSeenAt: number;
};

/** N5: connected, and focused now or within IN_USE_WINDOW_MS. */
export const isInUse = (d: DeviceActivity, now: number): boolean =>
  d.connected && (d.focused || (d.lastFocusedAt !== null && now - d.lastFocusedAt < IN_USE_WINDOW_MS));

/** The most recently active of `list` (latest focus, then latest seen, then id for a stable choice); null if empty. */
export function mostRecent(list: readonly DeviceActivity[]): DeviceActivity | null {
  const key = (d: DeviceActivity) => [d.focused ? 1 : 0, Math.max(d.lastFocusedAt ?? 0, d.lastSeenAt)] as const;
  return list.reduce<DeviceActivity | null>((best, d) => {
    if (!best) return d;
    const [af, at] = key(d);
    const [bf, bt] = key(best);
    return af !== bf ? (af > bf ? d : best) : at !== bt ? (at > bt ? d : best) : d.deviceId < best.deviceId ? d : best;
  }, null);
}
