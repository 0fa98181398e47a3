import { useSuspenseQuery } from "@tanstack/react-query";
import type { DeviceKindSchema } from "../../shared/domain.ts";
import type { z } from "zod";
import { stateQuery } from "../lib/queries.ts";
import { useBrain } from "./use-brain.ts";

export type KnownDeviceView = {
  deviceId: string;
  name: string;
  kind: z.infer<typeof DeviceKindSchema>;
  lastSeen: string;
  /** Browser and OS, as the room read them (P16). */
  platform?: string;
  online: boolean;
  focused: boolean;
};

/**
 * Every device of the user (W30, P16): the connected ones as presence shows
 * them live, then those the room met before, most recently seen first. A
 * device's live name wins over the one remembered.
 */
export function useKnownDevices(): { devices: KnownDeviceView[]; nameOf: (deviceId: string) => string | null } {
  const brain = useBrain();
  const { data } = useSuspenseQuery(stateQuery());
  const online: KnownDeviceView[] = brain.devices.map((d) => ({ ...d, online: true }));
  const ids = new Set(online.map((d) => d.deviceId));
  const offline: KnownDeviceView[] = (data.knownDevices ?? []).filter((d) => !ids.has(d.deviceId)).map((d) => ({ ...d, online: false, focused: false }));
  const devices = [...online, ...offline];
  const names = new Map(devices.map((d) => [d.deviceId, d.name]));
  return { devices, nameOf: (deviceId) => names.get(deviceId) ?? null };
}
