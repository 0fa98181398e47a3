/**
 * A confirmed MCP call (docs/PROTOCOL.md M6): the user said yes to a proposal,
 * so the call goes out now, as the assistant of the turn that proposed it, and
 * its outcome becomes a card of its own beside the confirmed one. Never throws:
 * a dead server is a failed card, not a failed room.
 */
import type { ExternalCall, OutwardPort } from "../chat/external-call.ts";
import type { McpHub } from "./hub.ts";

export async function runConfirmed(hub: McpHub, call: ExternalCall, ctx: Parameters<OutwardPort>[1]): Promise<void> {
  try {
    const out = await hub.call(call.tool, call.args, { actor: { kind: "assistant", turnId: ctx.turnId }, correlationId: ctx.requestId });
    const summary = out.ok ? `${call.tool}: ${out.value.content.slice(0, 240)}` : `${call.tool}: ${out.error.message}`;
    ctx.report({ id: ctx.cardId, tool: call.tool, status: out.ok ? "done" : "failed", summary: summary.slice(0, 300) });
  } catch {
    ctx.report({ id: ctx.cardId, tool: call.tool, status: "failed", summary: `${call.tool}: the call failed` });
  }
}
