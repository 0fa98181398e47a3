/**
 * The architect workflow as the worker tests run it: production's class, with
 * a hold a test can put on one user's run at one call to the room — before
 * the call leaves, or after its answer came back — so the test can evict the
 * room there, between steps, with nothing in flight (an eviction mid-RPC is
 * a different failure: the step just retries). `lose` drops the answer once,
 * as a connection cut after the room acted would. Bound by
 * tests/worker/test-worker.ts as `ArchitectWorkflow`.
 *
 * The hold is plain shared state, polled on both sides: the test and the
 * workflow run in one isolate but in different request contexts, and workerd
 * does not reliably wake a promise resolved from another request's context.
 */
import { ArchitectWorkflow } from "../../party/architect/workflow.ts";
import type { ArchitectCall } from "../../party/architect/calls.ts";

type When = "before" | "after" | "lose";
type Hold = { step: string; when: When; state: "armed" | "reached" | "released" };

const holds = new Map<string, Hold>();
/** How often the held workflow looks whether the test released it (not a deadline: it waits as long as it takes). */
const POLL_MS = 5;

/** Holds `userId`'s run at its `step` call (or the progress call of that stage). */
export function holdArchitect(userId: string, step: string, when: When) {
  const hold: Hold = { step, when, state: "armed" };
  holds.set(userId, hold);
  return {
    reached: () => hold.state !== "armed",
    release: () => {
      hold.state = "released";
    },
  };
}

export class TestArchitectWorkflow extends ArchitectWorkflow {
  protected override async callRoom(userId: string, call: ArchitectCall): Promise<unknown> {
    const hold = holds.get(userId);
    const hit = hold !== undefined && (call.step === hold.step || (call.step === "progress" && call.stage === hold.step));
    if (!hit) return super.callRoom(userId, call);
    holds.delete(userId);
    if (hold.when === "before") await wait(hold);
    const answer = await super.callRoom(userId, call);
    if (hold.when === "after") await wait(hold);
    if (hold.when === "lose") {
      await wait(hold);
      throw new Error("injected: the room's answer was lost");
    }
    return answer;
  }
}

async function wait(hold: Hold): Promise<void> {
  hold.state = "reached";
  const released = () => hold.state === "released";
  while (!released()) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}
