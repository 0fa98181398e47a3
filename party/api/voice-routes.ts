/**
 * Voice over HTTP (docs/PROTOCOL.md V10–V18): upload a clip for
 * transcription, follow its job, send a reviewed transcript, synthesize
 * speech, and read what this server can do. A host without voice (no `voice`
 * in its deps) answers them 404.
 */
import { VOICE_MAX_BYTES, VOICE_MAX_SECONDS, SpeechRequestSchema, VoiceJobSendSchema, type VoiceCapabilities } from "../../shared/voice.ts";
import { errorResponse, json, secure } from "../http.ts";
import { readVoiceUpload } from "../voice/upload.ts";
import { read, type Route, upload, write } from "./route-table.ts";

const NO_VOICE = "voice is not available in this room";

const replayed = (duplicate: boolean): Record<string, string> => (duplicate ? { "idempotent-replayed": "true" } : {});

export const VOICE_ROUTES: readonly Route[] = [
  upload({
    method: "POST",
    path: "/api/v1/voice-upload",
    // V10: with no speech-to-text provider the upload is refused before a byte of it is read — never a fake transcript.
    refuse: (deps) => {
      if (!deps.voice) return errorResponse("not_found", NO_VOICE, deps.requestId);
      const transcriber = deps.voice.transcriber();
      if (!transcriber.ok) return errorResponse(transcriber.error.code, transcriber.error.message, deps.requestId);
      // V27: too many clips unfinished: refused before a byte of this one is read.
      const busy = deps.voice.busy();
      return busy ? errorResponse(busy.code, busy.message, deps.requestId, busy.retryAfter) : null;
    },
    handle: async ({ deps, request, action }) => {
      if (!deps.voice) return errorResponse("not_found", NO_VOICE, deps.requestId);
      const clip = await readVoiceUpload(request, { maxBytes: VOICE_MAX_BYTES, maxSeconds: VOICE_MAX_SECONDS });
      if (!clip.ok) return errorResponse(clip.error.code, clip.error.message, deps.requestId);
      const accepted = deps.voice.accept(clip.value, action);
      if (!accepted.ok) return errorResponse(accepted.error.code, accepted.error.message, deps.requestId, accepted.error.retryAfter);
      return json({ transcriptJobId: accepted.value.transcriptJobId }, 202, deps.requestId, replayed(accepted.value.duplicate));
    },
  }),
  read({
    method: "GET",
    path: "/api/v1/voice/jobs/:jobId",
    handle: ({ deps, params }) => {
      const job = deps.voice?.job(params.jobId) ?? null;
      return job ? json(job, 200, deps.requestId) : errorResponse("not_found", `voice job ${params.jobId} does not exist`, deps.requestId);
    },
  }),
  write({
    method: "POST",
    path: "/api/v1/voice/jobs/:jobId/send",
    body: VoiceJobSendSchema,
    handle: ({ deps, params, body, action }) => {
      if (!deps.voice) return errorResponse("not_found", NO_VOICE, deps.requestId);
      const sent = deps.voice.send(params.jobId, body.text, action);
      if (!sent.ok) return errorResponse(sent.error.code, sent.error.message, deps.requestId, sent.error.retryAfter);
      const { duplicate, ...value } = sent.value;
      return json(value, 202, deps.requestId, replayed(duplicate));
    },
  }),
  write({
    method: "POST",
    path: "/api/v1/voice/jobs/:jobId/discard",
    body: null,
    handle: ({ deps, params, action }) => {
      if (!deps.voice) return errorResponse("not_found", NO_VOICE, deps.requestId);
      const discarded = deps.voice.discard(params.jobId, action);
      return discarded.ok ? json(discarded.value, 200, deps.requestId) : errorResponse(discarded.error.code, discarded.error.message, deps.requestId);
    },
  }),
  write({
    method: "POST",
    path: "/api/v1/speech",
    body: SpeechRequestSchema,
    handle: async ({ deps, request, body, action }) => {
      if (!deps.voice) return errorResponse("not_found", NO_VOICE, deps.requestId);
      const spoken = await deps.voice.speak(body.text, action, request.signal);
      if (!spoken.ok) return errorResponse(spoken.error.code, spoken.error.message, deps.requestId, spoken.error.retryAfter);
      const { audio, mediaType } = spoken.value;
      const headers = { "content-type": mediaType, "content-length": String(audio.length), "x-request-id": deps.requestId, "cache-control": "no-store" };
      return secure(new Response(audio.slice().buffer, { status: 200, headers }));
    },
  }),
  read({
    method: "GET",
    path: "/api/v1/voice",
    handle: ({ deps }) => (deps.voice ? json(deps.voice.capabilities() satisfies VoiceCapabilities, 200, deps.requestId) : errorResponse("not_found", NO_VOICE, deps.requestId)),
  }),
];


