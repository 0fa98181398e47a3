/**
 * The assistant's memory tools (docs/PROTOCOL.md Y3, Y9, Y13): `pin_memory`
 * pins at once only when a sentence of the user's message begins with the
 * request ("Remember …", "Don't forget …", "Note that …", "Keep in mind …")
 * and names the value pinned; otherwise, and always for `remember`, the memory
 * is proposed for the user to accept (7 days) — unless the user dismissed it
 * lately or this message already offered it. The memory's source names the
 * message, its conversation and the turn.
 */
import { z } from "zod";
import { clean } from "../../shared/dates.ts";
import { LIMITS, type MemorySource, MemoryTypeSchema } from "../../shared/domain.ts";
import { conversationOf } from "../../shared/conversations.ts";
import { isExpired } from "../../shared/memory-expiry.ts";
import { asksToRemember, quote, saidIn } from "./memory-rules.ts";
import { MEMORY_PROPOSAL_TTL_MS, messageSource, REMEMBER_TOOL } from "./memory-proposals.ts";
import { defineTool, type ToolAction, type ToolContext } from "./registry.ts";
import { memorySlot } from "../core/projections.ts";

const MemoryInput = z.object({ type: MemoryTypeSchema.default("fact"), key: z.string().min(1).max(LIMITS.memoryKey), value: z.string().min(1).max(LIMITS.memoryValue) });
type MemoryInput = z.infer<typeof MemoryInput>;

const turnIdOf = (ctx: ToolContext): string | null => (ctx.turn.actor.kind === "assistant" ? ctx.turn.actor.turnId : null);

/** Y10: pinned already with this value, and not expired (Y5: an expired memory is no longer known) — nothing to do. */
function known(ctx: ToolContext, pin: MemoryInput): boolean {
  const slot = memorySlot(pin);
  const now = ctx.now().getTime();
  return ctx.memories().some((m) => !isExpired(m, now) && memorySlot(m) === slot && m.value.trim().toLowerCase() === pin.value.trim().toLowerCase());
}

/** Y3: a proposal to remember `pin`, its source the user's message of this turn. */
function proposal(ctx: ToolContext, pin: MemoryInput): ToolAction | { nothing: string } {
  if (known(ctx, pin)) return { nothing: `I already remember that your ${pin.key} is ${pin.value}.` };
  // Y13: not again what the user dismissed, nor twice from one message (a regenerated reply).
  const refused = ctx.memoryRefused(pin);
  if (refused) return { nothing: refused };
  const message = ctx.message();
  const turnId = turnIdOf(ctx);
  const source: MemorySource | undefined = message && turnId ? messageSource(message, turnId) : undefined;
  return {
    summary: `Remember that your ${quote(pin.key)} is ${quote(pin.value)}?`,
    command: { kind: "memory.pin", pin, ...(source ? { source } : {}) },
    confirm: { tool: REMEMBER_TOOL, ttlMs: MEMORY_PROPOSAL_TTL_MS },
  };
}

export const pinMemory = defineTool({
  name: "pin_memory",
  description:
    "Remember a fact about the user for later conversations. Pins at once only when the user's message asked you to remember it; " +
    "otherwise the user is asked to accept it first.",
  input: MemoryInput,
  effect: {
    kind: "command",
    plan: (input, ctx) => {
      const message = ctx.message();
      // Y9: nothing is stored silently — only the user's own "remember …", naming what is pinned, pins without a question.
      if (!message || !asksToRemember(message.text) || !saidIn(input.value, message.text)) return proposal(ctx, input);
      const turnId = turnIdOf(ctx);
      const source: MemorySource | undefined = turnId ? { kind: "turn", turnId, messageId: message.id, conversationId: conversationOf(message) } : undefined;
      return { summary: `Remembered: ${quote(input.key)} — ${quote(input.value)}`, command: { kind: "memory.pin", pin: input, ...(source ? { source } : {}) } };
    },
  },
  offline: {
    rank: 30,
    parse: (text) => {
      const remember = /^(?:please\s+)?remember(?: that)?\s+(?:my\s+)?(.+?)\s+(?:is|are|=)\s+(.+)$/i.exec(text.trim());
      return remember ? { key: clean(remember[1]!), value: clean(remember[2]!) } : null;
    },
    input: ({ key, value }) => ({ type: "fact" as const, key, value }),
    reply: ({ key, value }) => `Got it — I'll remember that your ${key} is ${value}.`,
  },
});

export const rememberTool = defineTool({
  name: REMEMBER_TOOL,
  description:
    "Offer to remember something the user mentioned about themselves (where they live, their home airport, an allergy, a family member's name, a preference). " +
    "Only proposes: the user accepts or dismisses it.",
  input: MemoryInput,
  effect: { kind: "command", plan: (input, ctx) => proposal(ctx, input) },
});
