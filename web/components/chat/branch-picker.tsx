import { ChevronLeft, ChevronRight } from "lucide-react";
import { createContext, useContext } from "react";
import type { Fork } from "./branches.ts";
import { ICON_BUTTON } from "./icon-button.tsx";

/** W92: a flip by the picker: the position to announce, the button to focus after it (the other one at an end). */
export type Flip = { said: string; label: string; other: string };

/** W92: how a picker tells the chat which sibling to show at its fork. */
export const BranchChoiceContext = createContext<(key: string, id: string, flip?: Flip) => void>(() => {});

const positionOf = (what: "message" | "reply", index: number, count: number) => `${what === "message" ? "Version" : "Reply"} ${index} of ${count}`;

/**
 * W92: ‹ 1/2 › under a message with siblings (edits of a message, regenerated
 * replies). Our own rather than assistant-ui's BranchPicker: its external
 * store switches branches through a message repository the host keeps, while
 * ours is the room's tree (branches.ts); the same a11y — a labelled group,
 * buttons that say which way, the position as text.
 */
export function BranchPicker({ fork, what }: { fork: Fork; what: "message" | "reply" }) {
  const choose = useContext(BranchChoiceContext);
  const previous = what === "message" ? "Previous version" : "Previous reply";
  const next = what === "message" ? "Next version" : "Next reply";
  const go = (step: number) => {
    const id = fork.ids[fork.index - 1 + step];
    if (id === undefined) return;
    choose(fork.key, id, { said: positionOf(what, fork.index + step, fork.count), label: step < 0 ? previous : next, other: step < 0 ? next : previous });
  };
  return (
    <div role="group" aria-label={positionOf(what, fork.index, fork.count)} data-fork={fork.key} data-testid="branch-picker" className="inline-flex items-center text-xs text-stone-600 dark:text-stone-400">
      <button type="button" className={ICON_BUTTON} aria-label={previous} disabled={fork.index <= 1} onClick={() => go(-1)}>
        <ChevronLeft className="size-4" aria-hidden />
      </button>
      <span data-testid="branch-position" className="min-w-8 text-center tabular-nums">
        {fork.index}/{fork.count}
      </span>
      <button type="button" className={ICON_BUTTON} aria-label={next} disabled={fork.index >= fork.count} onClick={() => go(1)}>
        <ChevronRight className="size-4" aria-hidden />
      </button>
    </div>
  );
}
