/**
 * The architect's progress in chat (docs/PROTOCOL.md W81): one line per run —
 * "Breaking down…", "Placing 12 blocks…", then "ready: 12 items to review" or
 * why it failed — on every device of the user, as the frames arrive.
 */
import { CircleAlert, Hourglass, Sparkles } from "lucide-react";
import { useBrain } from "../../hooks/use-brain.ts";
import { isFinished } from "../../lib/architect-progress.ts";

export function ArchitectProgress() {
  const { architect } = useBrain();
  // The live region is always there: one inserted together with its first line is not announced by every screen reader.
  return (
    <div role="status" aria-live="polite" aria-label="Planning">
      {architect.length > 0 && (
        <ul data-testid="architect-progress" className="mb-2 space-y-1">
          {architect.map((run) => (
            <li
              key={run.runId}
              data-step={run.step}
              className={`flex items-center gap-2 rounded-lg px-3 py-1.5 text-sm ${run.step === "failed" ? "bg-red-50 text-red-800 dark:bg-red-950/50 dark:text-red-300" : "bg-violet-50 text-violet-900 dark:bg-violet-950/50 dark:text-violet-200"}`}
            >
              {run.step === "failed" ? (
                <CircleAlert className="size-4 shrink-0" aria-hidden />
              ) : isFinished(run.step) ? (
                <Sparkles className="size-4 shrink-0" aria-hidden />
              ) : (
                <Hourglass
                  className="size-4 shrink-0 motion-safe:animate-pulse"
                  aria-hidden
                />
              )}
              <span>{run.message}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
