/**
 * The architect's progress lines (docs/PROTOCOL.md W81, B41): each run's
 * latest `architect.progress` frame, newest run last. A run's line stays
 * until the page is reloaded — "ready: 12 items to review" or the failure —
 * so a device that saw the start sees how it ended. Plain code, tested in Node
 * (tests/unit/timeline-proposal.test.ts).
 */
import type { ArchitectStage } from "../../shared/protocol.ts";

export type ArchitectRunLine = { runId: string; step: ArchitectStage; message: string };

/** Runs remembered per tab: a few, the newest. */
const KEPT = 3;

/** The stages after which a run does nothing more. */
export const isFinished = (step: ArchitectStage): boolean => step === "propose" || step === "failed";

/**
 * Folds one frame in: a run's line replaced in place, a new run appended. A
 * late frame of an earlier stage never replaces a finished run's line (frames
 * of one socket are ordered, but a retried step may report again).
 */
export function foldProgress(runs: readonly ArchitectRunLine[], frame: ArchitectRunLine): ArchitectRunLine[] {
  const at = runs.findIndex((r) => r.runId === frame.runId);
  if (at < 0) return [...runs, frame].slice(-KEPT);
  if (isFinished(runs[at]!.step) && !isFinished(frame.step)) return [...runs];
  return runs.map((r, i) => (i === at ? frame : r));
}
