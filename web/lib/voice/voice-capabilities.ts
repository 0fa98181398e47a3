/**
 * V18, W124: what the server can do with voice (`GET /api/v1/voice`), for
 * Settings → Voice and for choosing the browser's own speech when it has none.
 */
import { queryOptions } from "@tanstack/react-query";
import { VoiceCapabilitiesSchema } from "../../../shared/voice.ts";
import { call } from "../api.ts";
import { brainKeys } from "../queries.ts";

export const voiceCapabilitiesQuery = () =>
  queryOptions({
    queryKey: [...brainKeys.all, "voice"] as const,
    queryFn: () => call(VoiceCapabilitiesSchema, "GET", "/api/v1/voice"),
    // The providers are the server's settings; the minutes used are read again when Settings opens.
    staleTime: 30_000,
  });
