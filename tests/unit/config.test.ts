import { describe, expect, it } from "vitest";
import { parseConfig } from "../../party/config.ts";

describe("Brain — configuration", () => {
  it("[O2] every setting has its default in one place", () => {
    const config = parseConfig({});
    expect(config.rates).toEqual({ writesPerMinute: 120, framesPerMinute: 600, yjsFramesPerMinute: 3_000 });
    expect(config.chat).toEqual({ messagesPerMinute: 60, dailyTokens: 100_000, toolDailyCap: 200, maxOutputTokens: 1_024 });
    expect(config.logLevel).toBe("info");
    expect(config.provider).toEqual({ ok: true, value: { provider: "offline", tokenDelayMs: 25 } });
    expect(config.problems).toEqual([]);
  });

  it("[O2] reads strings from the environment, treats empty as unset", () => {
    const config = parseConfig({ RATE_LIMIT_WRITES_PER_MINUTE: "40", TOOL_DAILY_CAP: "", LOG_LEVEL: "error", LLM_PROVIDER: "offline", OFFLINE_TOKEN_DELAY_MS: "1" });
    expect(config.rates.writesPerMinute).toBe(40);
    expect(config.chat.toolDailyCap).toBe(200);
    expect(parseConfig({ LLM_MAX_OUTPUT_TOKENS: "512" }).chat.maxOutputTokens).toBe(512);
    expect(config.logLevel).toBe("error");
    expect(config.provider).toEqual({ ok: true, value: { provider: "offline", tokenDelayMs: 1 } });
  });

  it("[O2] a bad value falls back to its default and is reported, never crashing the room", () => {
    const config = parseConfig({ MESSAGES_PER_MINUTE: "lots", RATE_LIMIT_FRAMES_PER_MINUTE: "-5", LOG_LEVEL: "loud" });
    expect(config.chat.messagesPerMinute).toBe(60);
    expect(config.rates.framesPerMinute).toBe(600);
    expect(config.logLevel).toBe("info");
    expect(config.problems).toHaveLength(3);
    expect(config.problems.find((p) => p.startsWith("MESSAGES_PER_MINUTE"))).toMatch(/^MESSAGES_PER_MINUTE="lots": .*using the default$/);
  });

  it("[C10] an oversized provider setting is an error, never a silent switch to the offline assistant", () => {
    const ai = { run: async () => ({}) };
    for (const env of [
      { LLM_PROVIDER: "workers-ai", AI: ai, WORKERS_AI_MODEL: "x".repeat(300) },
      { LLM_PROVIDER: "openai", OPENAI_BASE_URL: "http://localhost:11434/v1", OPENAI_MODEL: "m".repeat(300) },
    ]) {
      expect(parseConfig(env).provider).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^LLM provider settings are invalid/) } });
    }
    expect(parseConfig({ LLM_PROVIDER: "workers-ai", AI: ai }).provider).toMatchObject({ ok: true, value: { provider: "workers-ai" } });
  });

  it("[C10] a bad provider is kept as an error value a turn can report", () => {
    const config = parseConfig({ LLM_PROVIDER: "openai", OPENAI_MODEL: "x" });
    expect(config.provider.ok).toBe(false);
    const workers = parseConfig({ LLM_PROVIDER: "workers-ai" });
    expect(workers.provider).toMatchObject({ ok: false, error: { message: "LLM_PROVIDER=workers-ai needs the AI binding" } });
  });

  it("[D12][D14] the Yjs budget and the document cap have their defaults here, and can be set", () => {
    expect(parseConfig({}).yjs).toEqual({ opsPerMinute: 20_000, bytesPerMinute: 2 * 1024 * 1024, entryEditsPerMinute: 600, syncStructsPerMinute: 200_000, maxDocBytes: 5 * 1024 * 1024 });
    const set = parseConfig({
      RATE_LIMIT_YJS_OPS_PER_MINUTE: "5000",
      RATE_LIMIT_YJS_BYTES_PER_MINUTE: "1048576",
      RATE_LIMIT_DEVICE_EDITS_PER_MINUTE: "50",
      RATE_LIMIT_YJS_SYNC_STRUCTS_PER_MINUTE: "9000",
      DOC_MAX_BYTES: "1000000",
    });
    expect(set.yjs).toEqual({ opsPerMinute: 5_000, bytesPerMinute: 1_048_576, entryEditsPerMinute: 50, syncStructsPerMinute: 9_000, maxDocBytes: 1_000_000 });
    expect(parseConfig({ DOC_MAX_BYTES: "12" }).problems).toEqual([expect.stringMatching(/^DOC_MAX_BYTES="12": .*using the default$/)]);
  });
});
