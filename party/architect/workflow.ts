/**
 * The architect as a Cloudflare Workflow (docs/PROTOCOL.md B30–B41): a
 * durable run of four steps, each retried by the engine and each recorded
 * once it completes, so a room evicted between steps — or a worker restarted
 * mid-run — resumes where it was, never repeating a finished step:
 *
 *   context   read the goal, zone, work hours and busy time from the room (RPC)
 *   breakdown the model (strict JSON) or the offline rules, via the room
 *   place     blocks in free time — pure, here
 *   propose   one proposal in the room, idempotent by run id
 *
 * A run that cannot finish ends with one clear message in the user's chat.
 * The workflow is internal: only the user's own room creates it, it reaches
 * only the room named in its parameters, and that room must know the run — a
 * room that does not is refused before anything in it is built or written (G8).
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import { getServerByName } from "partyserver";
import { describeError, log } from "../log.ts";
import { type ArchitectCall, ArchitectContextSchema, ArchitectParamsSchema, type ArchitectParams, DraftedSchema, RoomAnswerSchema } from "./calls.ts";
import { placeBreakdown } from "./place.ts";

/** B31: every step is retried by the engine; a room that is waking, evicted or busy gets a few more chances. */
export const STEP_RETRIES: WorkflowStepConfig = { retries: { limit: 4, delay: "2 seconds", backoff: "exponential" }, timeout: "5 minutes" };
/** The step that posts a failure: tried harder, it is the user's only news of the run. */
const FAIL_RETRIES: WorkflowStepConfig = { retries: { limit: 8, delay: "2 seconds", backoff: "exponential" }, timeout: "1 minute" };

/** What a run ended with (the instance's output). */
export type ArchitectOutcome = { status: "proposed"; proposalId: string } | { status: "failed"; message: string } | { status: "refused" };

/** The room said no (a run it does not know, a result it refused): retrying will not change it, so the step returns it. */
type Refused = { refused: string };
const isRefused = (value: unknown): value is Refused => typeof value === "object" && value !== null && "refused" in value;

export class ArchitectWorkflow extends WorkflowEntrypoint<Env, ArchitectParams> {
  override async run(event: Readonly<WorkflowEvent<ArchitectParams>>, step: WorkflowStep): Promise<ArchitectOutcome> {
    const params = ArchitectParamsSchema.safeParse(event.payload);
    if (!params.success || params.data.runId !== event.instanceId) return { status: "refused" };
    const { userId, runId } = params.data;
    const room = (call: ArchitectCall) => this.callRoom(userId, call);

    // Steps return a refusal as a value: a thrown NonRetryableError would end the instance before the failure message.
    const context = await step.do("context", STEP_RETRIES, async () => {
      // B30: a room that did not start this run is not woken up, let alone written to.
      if (!(await this.env.Brain.get(this.env.Brain.idFromName(userId)).architectKnows(runId))) return null;
      await room({ step: "progress", runId, stage: "context", message: "Reading your calendar and time blocks…" });
      const read = await room({ step: "context", runId });
      return isRefused(read) ? null : ArchitectContextSchema.parse(read);
    });
    if (context === null) return { status: "refused" };

    try {
      const drafted = await step.do("breakdown", STEP_RETRIES, async () => {
        const answer = await room({ step: "breakdown", runId });
        return isRefused(answer) ? { ok: false as const, message: answer.refused } : DraftedSchema.parse(answer);
      });
      if (!drafted.ok) return await this.#fail(step, room, runId, drafted.message);

      const placement = await step.do("place", STEP_RETRIES, async () => {
        const placement = placeBreakdown(drafted.breakdown, context);
        await room({ step: "progress", runId, stage: "place", message: `Placing ${placement.placed} block${placement.placed === 1 ? "" : "s"} in your free time…` });
        return placement;
      });

      const proposed = await step.do("propose", STEP_RETRIES, async () => {
        const result = await room({ step: "propose", runId, entries: placement.entries, rationale: drafted.breakdown.rationale, hash: drafted.hash, tokens: drafted.tokens });
        if (isRefused(result)) return result;
        const proposalId = typeof result === "object" && result !== null && "proposalId" in result && typeof result.proposalId === "string" ? result.proposalId : null;
        if (proposalId === null) throw new Error("the room's answer to propose names no proposal");
        return { proposalId };
      });
      if ("refused" in proposed) return await this.#fail(step, room, runId, `the plan could not be proposed (${proposed.refused})`);
      return { status: "proposed", proposalId: proposed.proposalId };
    } catch (error) {
      // A step out of retries (a provider that keeps failing, a room that keeps failing): one clear message.
      log("warn", { event: "architect.failed", userId, detail: `${runId}: ${describeError(error)}` });
      return await this.#fail(step, room, runId, "the planning service kept failing, even after retries");
    }
  }

  async #fail(step: WorkflowStep, room: (call: ArchitectCall) => Promise<unknown>, runId: string, message: string): Promise<ArchitectOutcome> {
    await step.do("fail", FAIL_RETRIES, async () => {
      await room({ step: "fail", runId, message });
    });
    return { status: "failed", message };
  }

  /**
   * One RPC to the user's room: its value, or its refusal (final); a thrown error, or an internal one,
   * is retried by the step. Protected: the worker tests' subclass holds a run between two calls there.
   */
  protected async callRoom(userId: string, call: ArchitectCall): Promise<unknown> {
    const stub = await getServerByName(this.env.Brain, userId);
    const result = RoomAnswerSchema.parse(JSON.parse(await stub.architect(call)));
    if (result.ok) return result.value;
    if (result.error.code === "internal") throw new Error(result.error.message);
    return { refused: result.error.message } satisfies Refused;
  }
}
