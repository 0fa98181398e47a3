/**
 * V6–V9: the voice providers from the configuration. STUB — part B replaces the body.
 */
import type { VoiceConfig } from "./config.ts";
import type { VoiceProviders } from "./types.ts";

/** The transcriber and speaker the configuration names (null: off; an error value: set wrong). */
export function voiceProviders(config: VoiceConfig, env: { AI?: Ai }): VoiceProviders {
  void config;
  void env;
  return { transcriber: null, speaker: null };
}
