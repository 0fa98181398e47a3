/**
 * The voice jobs and voice usage in the projection (docs/PROTOCOL.md V12, V13,
 * V19): pure, like the rest of projections.ts, which delegates the `voice.*`
 * events here. Only the latest VOICE_JOBS_KEPT jobs are kept.
 */
import { DEFAULT_CONVERSATION_ID } from "../../shared/conversations.ts";
import type { EventOf } from "../../shared/events.ts";
import type { VoiceJobRecord } from "../../shared/voice.ts";

export const VOICE_JOBS_KEPT = 50;

type VoiceEvent = EventOf<"voice.job.queued" | "voice.job.transcribing" | "voice.job.done" | "voice.job.sent" | "voice.job.failed">;
type Jobs = Record<string, VoiceJobRecord>;

/** V13: the jobs after one `voice.job.*` event; an event about a job no longer kept changes nothing. */
export function reduceVoiceJobs(jobs: Jobs | undefined, event: VoiceEvent): Jobs {
  const all = jobs ?? {};
  const at = event.ts;
  if (event.type === "voice.job.queued") return latest({ ...all, [event.payload.job.id]: event.payload.job });
  const job = all[event.payload.jobId];
  if (!job) return all;
  const changed = ((): VoiceJobRecord => {
    switch (event.type) {
      case "voice.job.transcribing":
        return { ...job, status: "transcribing", updatedAt: at };
      case "voice.job.done": {
        const { transcript, seconds, messageId } = event.payload;
        return { ...job, status: "done", transcript, seconds, ...(messageId !== undefined ? { messageId } : {}), updatedAt: at };
      }
      case "voice.job.sent":
        return { ...job, messageId: event.payload.messageId, updatedAt: at };
      case "voice.job.failed":
        return { ...job, status: "failed", error: { code: event.payload.code, message: event.payload.message }, updatedAt: at };
    }
  })();
  return { ...all, [job.id]: changed };
}

/** The newest VOICE_JOBS_KEPT jobs by creation. */
function latest(jobs: Jobs): Jobs {
  const list = Object.values(jobs);
  if (list.length <= VOICE_JOBS_KEPT) return jobs;
  list.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  return Object.fromEntries(list.slice(0, VOICE_JOBS_KEPT).map((j) => [j.id, j]));
}

/** V16, T7: a deleted conversation's voice jobs go with its messages (their transcripts are its words). */
export function dropConversationJobs(jobs: Jobs, conversationId: string): Jobs {
  return Object.fromEntries(Object.entries(jobs).filter(([, job]) => (job.conversationId ?? DEFAULT_CONVERSATION_ID) !== conversationId));
}
