/**
 * Waiting on events, never on the clock. A condition is checked once now and
 * again each time its source reports a change (a frame arrives, a socket
 * closes, a document is updated); it has no deadline of its own. The test's
 * timeout bounds the wait: an inner deadline shorter than it only fails a slow
 * run that would have passed (two tests did, under load). What a failed test
 * was still waiting for is printed with its failure.
 */
import { onTestFailed } from "vitest";

/**
 * Resolves when `check` holds, or rejects with what it throws. `watch`
 * registers a listener that re-runs the check on every change and returns its
 * removal; `what` describes the wait for a failure report.
 */
export function whenTrue(check: () => boolean, watch: (recheck: () => void) => () => void, what: () => string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let over = false;
    let stop = () => {};
    const run = () => {
      if (over) return;
      try {
        if (!check()) return;
        resolve();
      } catch (error) {
        reject(error);
      }
      over = true;
      stop();
    };
    run();
    if (over) return;
    stop = watch(run);
    try {
      onTestFailed(() => {
        if (!over) console.error(`still waiting for ${what()}`);
      });
    } catch {
      // Outside a test (a hook): there is no failure to annotate.
    }
  });
}
