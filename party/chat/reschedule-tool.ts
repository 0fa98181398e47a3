/**
 * B17–B19: "I missed today's run", "move my afternoon blocks to tomorrow" →
 * one proposal of moves, confirmed entry by entry (never moved before the
 * user says yes; blocks the user placed are marked so on the card).
 */
import { z } from "zod";
import { defineTool } from "./registry.ts";

const RescheduleInputSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("missed"), match: z.string().trim().min(1).max(60).optional() }),
  z.object({ kind: z.literal("part"), part: z.enum(["morning", "afternoon", "all"]) }),
]);
type RescheduleInput = z.infer<typeof RescheduleInputSchema>;

const Out = z.object({ summary: z.string().optional(), nothing: z.string().optional(), unplaced: z.array(z.string()).optional() });

/** The words people use: "I missed today's run", "skipped my workout this morning", "move my afternoon blocks to tomorrow". */
export function parseReschedule(text: string): RescheduleInput | null {
  const t = text.trim();
  const missed = /\b(?:missed|skipped|didn['’]?t do|could(?:n['’]?t| not) do)\s+(?:(?:today['’]?s|this morning['’]?s|this afternoon['’]?s|my|the)\s+)*([\p{L}][\p{L}\p{N}-]*)?/iu.exec(t);
  if (missed) {
    const word = missed[1]?.toLowerCase();
    const generic = !word || ["block", "blocks", "session", "today", "it", "one"].includes(word);
    return generic ? { kind: "missed" } : { kind: "missed", match: word };
  }
  const part = /\b(?:move|push|shift|reschedule)\s+(?:all\s+)?(?:of\s+)?(?:my|the|today['’]?s)?\s*(morning|afternoon|)\s*(?:time\s+)?blocks?\b.*\btomorrow\b/i.exec(t);
  if (part) return { kind: "part", part: part[1] === "morning" ? "morning" : part[1] === "afternoon" ? "afternoon" : "all" };
  return null;
}

export const rescheduleBlocks = defineTool({
  name: "reschedule_blocks",
  description:
    "Propose moving time blocks on the timeline: `missed` moves today's blocks already begun or past (with `match`, only those whose title has that word) " +
    "to the next free time, keeping later blocks of the same goal after them; `part` moves today's morning, afternoon or all blocks to tomorrow. " +
    "The user confirms each move; blocks they placed themselves are marked so.",
  input: RescheduleInputSchema,
  effect: {
    kind: "read",
    read: (input, ctx) => {
      const done = ctx.reschedule(input.kind === "missed" ? { kind: "missed", match: input.match } : input);
      return "nothing" in done ? { ok: true, nothing: done.nothing } : { ok: true, proposalId: done.proposalId, summary: done.summary, moves: done.moves, unplaced: done.unplaced };
    },
  },
  offline: {
    intent: "reschedule",
    rank: 9,
    parse: (text) => parseReschedule(text),
    input: (fields) => fields,
    reply: (_fields, raw) => {
      const out = Out.parse(raw);
      if (out.nothing) return `${out.nothing}.`;
      return `${out.summary ?? "Moves proposed"} — check the card and confirm the ones you want.`;
    },
  },
});
