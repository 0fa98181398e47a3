/**
 * The chat's `architect` tool (docs/PROTOCOL.md B45–B47): chat-first, it runs
 * only when the user asks — "help me prepare for the half marathon on March
 * 15" — and starts one architect run. The reply says it is working on it; the
 * plan arrives later as an action card to review item by item. Registered by
 * the room on its tool registry (it needs the room's run starter), so a
 * hosted model and the offline assistant both get it.
 */
import { z } from "zod";
import { extractDue, localDate } from "../../shared/dates.ts";
import { IsoDateSchema, LIMITS } from "../../shared/domain.ts";
import { formatDay } from "../../shared/format.ts";
import { titleText } from "../../shared/text.ts";
import { defineTool, type Moment, type ToolEntry } from "../chat/registry.ts";
import type { ArchitectRoom } from "./architect-room.ts";

export const ArchitectInputSchema = z.strictObject({
  goal: z.string().trim().min(1).max(LIMITS.title).check(titleText).describe("The goal in the user's words, e.g. 'Half marathon'"),
  targetDate: IsoDateSchema.optional().describe("The local date the goal is for (YYYY-MM-DD), when the user gave one"),
});
export type ArchitectInput = z.infer<typeof ArchitectInputSchema>;

/** B46: the words that ask for a goal to be planned; "plan my day" stays the daily plan's. */
const ASK = /^(?:(?:please|can you|could you)\s+)?(?:help me\s+)?(?:prepare|get ready|train)\s+for\s+(.+?)[.!?]*$|^(?:please\s+)?break (?:down )?(?:my goal(?: of)?\s+)?(.+?)\s+into (?:steps|a plan)[.!?]*$/i;
/** What only introduced the date, left dangling once chrono took it. */
const DANGLING = /\s+(?:on|by|for|before|in|at)\s*$/i;

/** B46: the goal and its date from the user's words, or null when they do not ask for a plan of a goal. */
export function parseGoalRequest(text: string, at: Moment): { goal: string; targetDate: string | null } | null {
  const match = ASK.exec(text.trim());
  const words = match?.[1] ?? match?.[2];
  if (!words) return null;
  const { due, rest } = extractDue(words, at.timeZone, at.now);
  const goal = rest.replace(/\s+/g, " ").trim().replace(DANGLING, "").replace(/^(?:the|my|a|an)\s+/i, "").trim();
  if (!goal) return null;
  const targetDate = due === null ? null : due.length === 10 ? due : localDate(at.timeZone, new Date(due));
  return { goal: `${goal[0]!.toUpperCase()}${goal.slice(1)}`.slice(0, LIMITS.title), targetDate };
}

export function architectTool(architect: () => ArchitectRoom): ToolEntry {
  return defineTool({
    name: "architect",
    description:
      "Turn a goal the user asks help with (a race, an exam, a launch) into milestones, tasks and time blocks placed in their free time, " +
      "proposed for review. Runs in the background; only when the user asks for it.",
    input: ArchitectInputSchema,
    effect: {
      kind: "read",
      read: async (input, ctx) => {
        const turnId = ctx.turn.actor.kind === "assistant" ? ctx.turn.actor.turnId : null;
        const started = await architect().start({ goal: input.goal, targetDate: input.targetDate ?? null, turnId, requestId: ctx.turn.correlationId });
        if (!started.ok) return { ok: false, error: started.error.message };
        return { ok: true, status: "working", runId: started.value.runId, goal: input.goal, ...(input.targetDate ? { targetDate: input.targetDate } : {}) };
      },
    },
    offline: {
      rank: 4,
      parse: (text, at) => parseGoalRequest(text, at),
      input: (fields) => ({ goal: fields.goal, ...(fields.targetDate ? { targetDate: fields.targetDate } : {}) }),
      reply: (fields, out) => {
        if (out.ok !== true) return `I couldn't start planning “${fields.goal}”: ${typeof out.error === "string" ? out.error : "something went wrong"}.`;
        const by = fields.targetDate ? ` for ${formatDay(fields.targetDate)}` : "";
        return `I'm on it: breaking “${fields.goal}”${by} into milestones, tasks and time blocks in your free time. The plan will appear here for you to review, item by item.`;
      },
    },
  });
}
