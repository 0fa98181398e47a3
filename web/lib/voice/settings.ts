/**
 * W115, W121: this device's voice choices, kept on the device (localStorage):
 * whether its replies are spoken, and whether a voice message waits for review
 * before it is sent. Another device of the same user keeps its own.
 */
import { useSyncExternalStore } from "react";

export type VoiceSettings = { speakReplies: boolean; reviewBeforeSending: boolean };

const KEY = "mc.voice.settings";
const DEFAULTS: VoiceSettings = { speakReplies: false, reviewBeforeSending: false };
const listeners = new Set<() => void>();
let cached: VoiceSettings | null = null;

function read(): VoiceSettings {
  if (cached) return cached;
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEY) ?? "null");
    const value = typeof raw === "object" && raw !== null ? raw : {};
    cached = {
      speakReplies: Reflect.get(value, "speakReplies") === true,
      reviewBeforeSending: Reflect.get(value, "reviewBeforeSending") === true,
    };
  } catch {
    cached = DEFAULTS;
  }
  return cached;
}

export const voiceSettings = (): VoiceSettings => read();

export function setVoiceSettings(patch: Partial<VoiceSettings>): void {
  cached = { ...read(), ...patch };
  try {
    localStorage.setItem(KEY, JSON.stringify(cached));
  } catch {
    // Private mode or a full quota: the choice holds for this tab.
  }
  for (const listener of listeners) listener();
}

export function useVoiceSettings(): VoiceSettings {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    read,
    () => DEFAULTS,
  );
}
