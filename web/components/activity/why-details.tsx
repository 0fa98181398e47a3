/**
 * Why a change was made (docs/PROTOCOL.md W78, B20): the assistant's or the
 * planning run's stated reason — shown as text, it is data — where it came
 * from (a link to the chat turn, or the run's step) and the sha-256 of the
 * prompt and output, the audit trail's fingerprint.
 */
import { Link } from "@tanstack/react-router";
import type { Why } from "../../../shared/goals.ts";
import { whySource } from "../../lib/activity-goal.ts";

export function WhyDetails({ why }: { why: Why }) {
  return (
    <details data-testid="why" className="mt-1 text-xs text-stone-600 dark:text-stone-400">
      <summary className="w-fit cursor-pointer rounded text-indigo-700 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 max-md:flex max-md:min-h-11 max-md:min-w-11 max-md:items-center dark:text-indigo-300">Why</summary>
      <p className="mt-1 whitespace-pre-wrap text-stone-700 dark:text-stone-300">{why.rationale || "No reason was given."}</p>
      <p className="mt-1">
        {whySource(why)}
        {why.turnId && (
          <>
            {" · "}
            <Link to="/chat" search={{ turn: why.turnId }} className="text-indigo-700 underline dark:text-indigo-300">
              open the conversation
            </Link>
          </>
        )}
        {" · "}
        <span title={`sha-256 of the prompt and the output: ${why.hash}`} className="font-mono">
          sha-256 {why.hash.slice(0, 12)}…
        </span>
      </p>
    </details>
  );
}
