/**
 * How this device shows in a shared note: its cursor's colour, from its device
 * id (stable across reloads and renames), and its name as the cursor's label.
 * The name is the one the room knows this device by (its presence entry);
 * swap the lookup here when the device has a name of its own (issue 13).
 */
import { cursorColor } from "../lib/cursor-color.ts";
import { useBrain } from "./use-brain.ts";

export type CursorUser = { name: string; color: string };

export function useNoteCursor(): CursorUser {
  const brain = useBrain();
  const name = brain.devices.find((d) => d.deviceId === brain.deviceId)?.name ?? "This device";
  return { name, color: cursorColor(brain.deviceId) };
}
