/**
 * Presence: the user's connected devices, derived from the open sockets
 * (docs/PROTOCOL.md P9–P10). A device with several tabs open is one entry:
 * connected since its first tab, last seen at its latest, focused if any tab is.
 */
import type { Device } from "../../shared/domain.ts";

/** What the room keeps on each socket after its hello (survives hibernation as the socket attachment). */
export type SocketPresence = {
  deviceId: string;
  name: string;
  kind: Device["kind"];
  connectedAt: string;
  lastSeen: string;
  focused: boolean;
  /** Browser and OS read from the upgrade request's user agent (P16); absent when it sent none. */
  platform?: string;
};

/** lastSeen is written to the socket attachment at most this often (ms); every frame counts. */
export const LAST_SEEN_RESOLUTION_MS = 15_000;

export function devicesOf(sockets: Iterable<SocketPresence>): Device[] {
  const byId = new Map<string, Device>();
  for (const s of sockets) {
    const prev = byId.get(s.deviceId);
    if (!prev) {
      byId.set(s.deviceId, { ...s });
      continue;
    }
    byId.set(s.deviceId, {
      deviceId: s.deviceId,
      name: s.lastSeen > prev.lastSeen ? s.name : prev.name,
      kind: prev.kind,
      ...((prev.platform ?? s.platform) !== undefined ? { platform: prev.platform ?? s.platform } : {}),
      connectedAt: s.connectedAt < prev.connectedAt ? s.connectedAt : prev.connectedAt,
      lastSeen: s.lastSeen > prev.lastSeen ? s.lastSeen : prev.lastSeen,
      focused: prev.focused || s.focused,
    });
  }
  return [...byId.values()].sort((a, b) => a.connectedAt.localeCompare(b.connectedAt) || a.deviceId.localeCompare(b.deviceId));
}

/** Presence is re-broadcast only when what a device list shows changes, not on every lastSeen tick. */
export function samePresence(a: Device[], b: Device[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((d, i) => {
    const o = b[i]!;
    return d.deviceId === o.deviceId && d.name === o.name && d.kind === o.kind && d.focused === o.focused && d.connectedAt === o.connectedAt;
  });
}
