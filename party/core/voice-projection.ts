/**
 * The voice jobs and voice usage in the projection (docs/PROTOCOL.md V12, V13,
 * V19): pure, like the rest of projections.ts, which delegates the `voice.*`
 * events here. Only the latest VOICE_JOBS_KEPT jobs are kept.
 */
import { DEFAULT_CONVERSATION_ID } from "../../shared/conversations.ts";
import type { EventOf } from "../../shared/events.ts";
import { VOICE_TRANSCRIPT_PRUNED, type VoiceJobRecord } from "../../shared/voice.ts";

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
  // V16, C12: a transcript pruned after 90 days takes its job out of the state (the same from any snapshot or from zero).
  if (event.type === "voice.job.done" && event.payload.transcript === VOICE_TRANSCRIPT_PRUNED) return Object.fromEntries(Object.entries(all).filter(([id]) => id !== job.id));
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
      case "voice.job.failed": {
        // V28: a discarded transcript leaves the state with the failure.
        const { transcript: _dropped, ...rest } = job;
        return { ...rest, status: "failed", error: { code: event.payload.code, message: event.payload.message }, updatedAt: at };
      }
    }
  })();
  return { ...all, [job.id]: changed };
}

/**
 * The newest VOICE_JOBS_KEPT jobs by creation, and every unfinished one whatever its age: a running job
 * dropped here would lose its message and leave its audio behind (V15 resumes only the jobs kept).
 */
function latest(jobs: Jobs): Jobs {
  const list = Object.values(jobs);
  if (list.length <= VOICE_JOBS_KEPT) return jobs;
  const unfinished = list.filter((j) => j.status === "queued" || j.status === "transcribing");
  const ended = list.filter((j) => j.status === "done" || j.status === "failed");
  ended.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  const kept = [...unfinished, ...ended.slice(0, Math.max(0, VOICE_JOBS_KEPT - unfinished.length))];
  return Object.fromEntries(kept.map((j) => [j.id, j]));
}

/** V16, T7: a deleted conversation's voice jobs go with its messages (their transcripts are its words). */
export function dropConversationJobs(jobs: Jobs, conversationId: string): Jobs {
  return Object.fromEntries(Object.entries(jobs).filter(([, job]) => (job.conversationId ?? DEFAULT_CONVERSATION_ID) !== conversationId));
}
