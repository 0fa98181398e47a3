import { APICallError, RetryError } from "ai";
import { describe, expect, it } from "vitest";
import { classifyProviderError, ProviderConfigError, UNAVAILABLE } from "../../party/chat/provider-errors.ts";
import { parseConfig } from "../../party/config.ts";
import { modelFor } from "../../party/models.ts";
import { scriptedModel } from "../support/fake-models.ts";
import { nodeRoom } from "../support/node-room.ts";

const apiError = (isRetryable: boolean, statusCode: number) =>
  new APICallError({ message: `upstream said ${statusCode} with secret detail`, url: "https://llm.example/v1/chat", requestBodyValues: {}, statusCode, isRetryable });

async function failedFrame(model: Parameters<typeof nodeRoom>[0]) {
  const room = nodeRoom(model);
  const accepted = room.chat.submit({ text: "hello", channel: "chat" }, { kind: "user" }, "req");
  if (!accepted.ok) throw new Error(accepted.error.message);
  await room.chat.idle();
  return { frame: room.frames.filter((f) => f.turnId === accepted.value.turnId).at(-1), room };
}

describe("Assistant — provider errors by type (C7, C10)", () => {
  it("[C10] invalid provider settings are a ProviderConfigError: misconfigured, not retryable, the operator's message shown", () => {
    const error = new ProviderConfigError("LLM_PROVIDER=workers-ai needs the AI binding");
    expect(classifyProviderError(error)).toEqual({ code: "misconfigured", message: "LLM_PROVIDER=workers-ai needs the AI binding", retryable: false, detail: "ProviderConfigError: LLM_PROVIDER=workers-ai needs the AI binding" });
    expect(() => modelFor(parseConfig({ LLM_PROVIDER: "gpt-from-the-future" }), { timeZone: "UTC", now: () => new Date() })).toThrow(ProviderConfigError);
  });

  it("[C7] an API call error is a provider_error, retryable as the provider says; its detail stays in the logs", () => {
    expect(classifyProviderError(apiError(true, 503))).toMatchObject({ code: "provider_error", message: UNAVAILABLE, retryable: true });
    expect(classifyProviderError(apiError(false, 400))).toMatchObject({ code: "provider_error", message: UNAVAILABLE, retryable: false });
    expect(classifyProviderError(apiError(false, 400)).detail).toContain("secret detail");
  });

  it("[C7] when the SDK's retries give up, the last attempt decides", () => {
    const gaveUp = new RetryError({ message: "Failed after 2 attempts", reason: "maxRetriesExceeded", errors: [apiError(true, 503), apiError(false, 401)] });
    expect(classifyProviderError(gaveUp)).toMatchObject({ code: "provider_error", retryable: false });
  });

  it("[C7] an unknown error is a provider_error: the user is told their message is saved", () => {
    expect(classifyProviderError(new TypeError("fetch failed"))).toMatchObject({ code: "provider_error", message: UNAVAILABLE, retryable: true });
    expect(classifyProviderError("a string thrown")).toMatchObject({ code: "provider_error", detail: "a string thrown" });
  });

  it("[C7] classified by type, not by message text: an error that only mentions the settings is no misconfiguration", () => {
    expect(classifyProviderError(new Error("LLM provider settings are invalid: says the upstream"))).toMatchObject({ code: "provider_error", message: UNAVAILABLE });
  });

  it("[C7][C10] a turn whose provider is misconfigured fails misconfigured with the clear message; the user's message stays", async () => {
    const { frame, room } = await failedFrame(() => modelFor(parseConfig({ LLM_PROVIDER: "openai", OPENAI_MODEL: "x" }), { timeZone: "UTC", now: () => new Date() }));
    expect(frame).toMatchObject({ type: "llm.failed", code: "misconfigured", message: expect.stringMatching(/^LLM provider settings are invalid/) });
    expect(room.ledger.state.recentMessages.map((m) => m.text)).toEqual(["hello"]);
  });

  it("[C7] a turn whose stream fails with provider words fails provider_error, and shows none of them", async () => {
    const { frame } = await failedFrame(() => scriptedModel([{ fail: "LLM provider settings are invalid: upstream 503" }]));
    expect(frame).toEqual({ type: "llm.failed", turnId: frame?.turnId, code: "provider_error", message: UNAVAILABLE });
  });
});
