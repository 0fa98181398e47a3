/**
 * The voice jobs of a room (docs/PROTOCOL.md V10–V20), wired to the room's
 * parts: the host's providers, the chat's one way in for a user message, and
 * the alarm that comes back while a job is unfinished (V15).
 */
import type { ChatEngine } from "./chat/engine.ts";
import type { Ledger } from "./core/ledger.ts";
import type { RoomPorts } from "./room-ports.ts";
import { VoiceJobs } from "./voice/jobs.ts";

const NO_VOICE = { transcriber: null, speaker: null };

export function roomVoice(ports: RoomPorts, ledger: Ledger, parts: { chat: () => ChatEngine; reschedule: () => void }): VoiceJobs {
  const { sql, now, newId, config, userId } = ports;
  return new VoiceJobs({
    sql,
    ledger,
    now,
    newId,
    providers: () => ports.voice?.() ?? NO_VOICE,
    config: config.voice,
    dailyTokens: config.chat.dailyTokens,
    submit: (input, actor, requestId) => parts.chat().submit(input, actor, requestId),
    reschedule: parts.reschedule,
    // V15: a job outlives the upload or alarm that started it (the platform would otherwise stop it with the request).
    ...(ports.waitUntil ? { keepAlive: ports.waitUntil } : {}),
    log: (level, fields) => ports.log(level, { ...fields, userId }),
  });
}
