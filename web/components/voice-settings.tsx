/**
 * Settings → Voice (W124): this device's choices — whether its replies are
 * spoken, whether a voice message waits for review — kept on the device
 * (web/lib/voice/settings.ts), and what the server offers (`GET /api/v1/voice`):
 * its speech-to-text and speech providers, or, when it has none, what the
 * browser does instead; and the voice minutes used today.
 */
import { useQuery } from "@tanstack/react-query";
import type { VoiceCapabilities } from "../../shared/voice.ts";
import { stateQuery } from "../lib/queries.ts";
import { setVoiceSettings, useVoiceSettings } from "../lib/voice/settings.ts";
import { stopSpeaking } from "../lib/voice/speech-control.ts";
import { voiceCapabilitiesQuery } from "../lib/voice/voice-capabilities.ts";
import { Toggle } from "./toggle.tsx";

const PROVIDER_NAMES = { "workers-ai": "Workers AI", openai: "OpenAI-compatible server" } as const;

/** W124: whether this browser has a voice of its own (`speechSynthesis`) to read replies when the server has none. */
const browserVoice = () => typeof speechSynthesis !== "undefined";
const BROWSER_READS = "Replies are read by your browser's voice.";
const NO_VOICE = "This browser has no voice of its own either: replies are shown, not read aloud.";
const fallback = () => (browserVoice() ? BROWSER_READS : NO_VOICE);

/** Minutes with one decimal at most ("1.5", "30"). */
const minutes = (seconds: number) => (Math.round(seconds / 6) / 10).toLocaleString();

export function VoiceSettings() {
  const settings = useVoiceSettings();
  const capabilities = useQuery(voiceCapabilitiesQuery());
  return (
    <div data-testid="voice-settings">
      <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">These choices are kept on this device; your other devices keep their own.</p>
      <Toggle
        checked={settings.speakReplies}
        onChange={(speakReplies) => {
          setVoiceSettings({ speakReplies });
          if (!speakReplies) stopSpeaking();
        }}
        label="Speak replies on this device"
        help="The answer to what you ask from this device is read aloud, sentence by sentence as it arrives. Your other devices show the text."
      />
      <Toggle
        checked={settings.reviewBeforeSending}
        onChange={(reviewBeforeSending) => setVoiceSettings({ reviewBeforeSending })}
        label="Review voice messages before sending"
        help="The transcript waits for you to correct it; it is sent when you press Send."
      />
      <div className="mt-4 border-t border-stone-200 pt-4 dark:border-stone-800">
        <h3 className="text-sm font-semibold">On the server</h3>
        {capabilities.isPending && <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">Checking the server's voice…</p>}
        {capabilities.isError && (
          <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">
            The server's voice settings could not be read ({capabilities.error.message}). {fallback()}
          </p>
        )}
        {capabilities.data && <ServerVoice capabilities={capabilities.data} />}
      </div>
    </div>
  );
}

function ServerVoice({ capabilities: c }: { capabilities: VoiceCapabilities }) {
  // W124: today's minutes from the live state (each voice.used event folds into it), not the capabilities' snapshot.
  const usedSeconds = useQuery(stateQuery()).data?.usage.voiceSeconds ?? c.usedSeconds;
  return (
    <>
      <dl className="mt-2 grid grid-cols-1 gap-x-4 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
        <dt className="font-medium">Speech to text</dt>
        <dd data-testid="voice-stt" className="text-stone-600 dark:text-stone-400">
          {c.transcription
            ? `${PROVIDER_NAMES[c.transcription.provider]} (${c.transcription.model})`
            : "None on the server (STT_PROVIDER is not set). Your browser's speech recognition is used where it has one."}
        </dd>
        <dt className="font-medium">Spoken replies</dt>
        <dd data-testid="voice-tts" className="text-stone-600 dark:text-stone-400">
          {c.speech ? `${PROVIDER_NAMES[c.speech.provider]} (${c.speech.model})` : `None on the server (TTS_PROVIDER is not set). ${fallback()}`}
        </dd>
        <dt className="font-medium">Used today</dt>
        <dd data-testid="voice-used" className="text-stone-600 dark:text-stone-400">
          {minutes(usedSeconds)} of {c.minutesPerDay.toLocaleString()} voice minutes
        </dd>
      </dl>
      {c.problems.length > 0 && (
        <ul className="mt-2 list-disc pl-5 text-sm text-red-700 dark:text-red-400">
          {c.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </>
  );
}
