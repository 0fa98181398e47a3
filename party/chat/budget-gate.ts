/**
 * The daily budget's gate on every model call of a turn (docs/PROTOCOL.md C13,
 * G6), as an AI SDK language-model middleware: before the provider is called,
 * the call's upper bound — the prompt and tool schemas as sent, plus its
 * `maxOutputTokens` — is reserved (reservations.ts); after it, the reservation
 * is settled with the provider's count, or the estimate when it gives none.
 * A call that does not fit is never made: the gate answers it with an empty
 * step that ends the tool loop, and the turn ends with the refusal.
 *
 * Why a middleware and not `prepareStep`: `prepareStep` runs once per step,
 * before the SDK turns the tools into JSON schemas, and can only throw to stop
 * a step. The middleware runs for every call the provider gets — each step of
 * the loop and each retry — sees it exactly as serialized, and can decline it
 * cleanly.
 */
import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart, LanguageModelV4StreamResult } from "@ai-sdk/provider";
import { type LanguageModel, wrapLanguageModel } from "ai";
import { callCost, tokensToCharge } from "./budget.ts";
import type { Holder, Reservation, TokenReservations } from "./reservations.ts";
import type { TurnFailure } from "./turn.ts";

export type GateOptions = {
  dailyTokens: number;
  /** The cap a call without its own `maxOutputTokens` is reserved with. */
  maxOutputTokens: number;
  /** A provider counted more than the call's bound: the bound's assumption failed for this provider (logged). */
  onOverBound?: (detail: string) => void;
};

/** One call in flight: what it holds and what it has shown so far. */
type Call = { reservation: Reservation; estimate: number; text: string; reported: number; completed: boolean };

export class BudgetGate {
  /** Why a call of this turn was declined; the turn ends with it (C13). */
  refusal: TurnFailure | null = null;
  #reservations: TokenReservations;
  #holder: Holder;
  #options: GateOptions;
  #open = new Set<Call>();

  constructor(reservations: TokenReservations, holder: Holder, options: GateOptions) {
    this.#reservations = reservations;
    this.#holder = holder;
    this.#options = options;
  }

  /** `model`, with every call it makes gated. */
  wrap(model: LanguageModel): LanguageModel {
    // A bare model id would be resolved by the SDK's global provider, which this room never configures.
    if (typeof model === "string") throw new Error(`the model "${model}" is an id, not a model: the room's providers return model objects (providers.ts)`);
    return wrapLanguageModel({ model, middleware: { wrapStream: ({ doStream, params }) => this.#call(doStream, params) } });
  }

  /** Settles every call still open with its estimate: a stream the SDK dropped, aborted or errored without finishing. */
  settleAll(): void {
    for (const call of this.#open) this.#settle(call);
  }

  async #call(doStream: () => PromiseLike<LanguageModelV4StreamResult>, params: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const cost = callCost({ prompt: params.prompt, tools: params.tools, maxOutputTokens: params.maxOutputTokens ?? this.#options.maxOutputTokens });
    const held = this.#reservations.reserve(this.#holder, cost.bound, this.#options.dailyTokens);
    if (!held.ok) {
      this.refusal = held.failure;
      return { stream: declined() };
    }
    const call: Call = { reservation: held.reservation, estimate: cost.estimate, text: "", reported: 0, completed: false };
    this.#open.add(call);
    let result: LanguageModelV4StreamResult;
    try {
      result = await doStream();
    } catch (error) {
      // Refused before it streamed (an HTTP error, say): charged its estimate, as its cost is unknown.
      this.#settle(call);
      throw error;
    }
    return { ...result, stream: result.stream.pipeThrough(this.#meter(call)) };
  }

  /** Passes the call's parts through; settles it when its `finish` part arrives, before the SDK runs any tool or next step. */
  #meter(call: Call): TransformStream<LanguageModelV4StreamPart, LanguageModelV4StreamPart> {
    return new TransformStream({
      transform: (part, controller) => {
        if (part.type === "text-delta") call.text += part.delta;
        if (part.type === "finish") {
          call.completed = true;
          call.reported = (part.usage.inputTokens.total ?? 0) + (part.usage.outputTokens.total ?? 0);
          this.#settle(call);
        }
        controller.enqueue(part);
      },
      flush: () => this.#settle(call),
    });
  }

  #settle(call: Call): void {
    if (!this.#open.delete(call)) return;
    const { tokens: bound } = call.reservation;
    const charged = tokensToCharge(call);
    if (call.completed && call.reported > bound) this.#options.onOverBound?.(`provider counted ${call.reported} tokens, the call's bound was ${bound}`);
    // The provider's own count is charged as it is; an estimate never above the bound, which is by construction the most a call costs.
    this.#reservations.settle(call.reservation, call.completed && call.reported > 0 ? charged : Math.min(charged, bound));
  }
}

/** The stream of a call the budget declined: no content, a finish that is not `tool-calls`, so the loop ends here. */
function declined(): ReadableStream<LanguageModelV4StreamPart> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue({ type: "stream-start", warnings: [] });
      controller.enqueue({
        type: "finish",
        usage: { inputTokens: { total: 0, noCache: 0, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 0, text: 0, reasoning: undefined } },
        finishReason: { unified: "other", raw: "daily token budget" },
      });
      controller.close();
    },
  });
}
