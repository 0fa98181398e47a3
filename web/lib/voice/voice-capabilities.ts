/**
 * V18, W118, W124: what the server can do with voice (`GET /api/v1/voice`) —
 * the one query definition, read by push-to-talk (which path it takes) and by
 * Settings → Voice.
 */
import { queryOptions } from "@tanstack/react-query";
import { VoiceCapabilitiesSchema } from "../../../shared/voice.ts";
import { call } from "../api.ts";
import { brainKeys } from "../queries.ts";

export const voiceCapabilitiesQuery = () =>
  queryOptions({
    queryKey: [...brainKeys.all, "voice"] as const,
    queryFn: () => call(VoiceCapabilitiesSchema, "GET", "/api/v1/voice"),
    // The providers are the server's settings (they change only with a restart); Settings reads the minutes used again when it opens.
    staleTime: 30_000,
    retry: 1,
  });
