/**
 * This browser as one of the user's devices: a stable id, and a name people
 * read on their other devices (P9, W30). The name is what the user gave it, or
 * else "<browser> on <OS>" read from the user agent (shared/platform.ts).
 */
import { describeUserAgent } from "../../shared/platform.ts";

/** This device's id in localStorage; api.ts sends it as X-Device-Id. */
export const DEVICE_KEY = "micro-cos.device";
const NAME_KEY = "micro-cos.device-name";
/** Set once the user answered the "Name this device" prompt (saved or dismissed): it is asked once (W31). */
const ASKED_KEY = "micro-cos.device-name-asked";
/** Same cap as the hello's `name` (shared/protocol.ts). */
export const DEVICE_NAME_MAX = 100;

/** Stable per browser profile; kept across sign-outs (it names the device, not the user). */
export function deviceId(): string {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

/** The name this device gives itself by default, before the user names it. */
export const defaultDeviceName = (): string => describeUserAgent(navigator.userAgent);

/** The name sent in the hello: the user's own, else browser and OS. */
export function deviceName(): string {
  return localStorage.getItem(NAME_KEY) ?? defaultDeviceName();
}

/** Whether the user gave this device a name (as opposed to the browser-and-OS default). */
export const hasChosenName = (): boolean => localStorage.getItem(NAME_KEY) !== null;

/** Trimmed, 1–100 characters; an empty name falls back to the default. Marks the prompt answered. */
export function setDeviceName(name: string): string {
  const clean = name.trim().slice(0, DEVICE_NAME_MAX);
  if (clean) localStorage.setItem(NAME_KEY, clean);
  else localStorage.removeItem(NAME_KEY);
  localStorage.setItem(ASKED_KEY, "1");
  return deviceName();
}

/** Whether to ask "Name this device" now: once per device, until answered or dismissed. */
export const shouldAskDeviceName = (): boolean => localStorage.getItem(ASKED_KEY) === null && !hasChosenName();

export const dismissDeviceNamePrompt = (): void => localStorage.setItem(ASKED_KEY, "1");
