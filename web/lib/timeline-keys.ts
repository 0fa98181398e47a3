/**
 * The keys a focused block answers (docs/PROTOCOL.md W74): ↑/↓ move it 15
 * minutes, Shift+↑/↓ move its end 15 minutes, ←/→ move it a day in the week
 * view. Anything with Alt, Ctrl or Meta is left to the browser and the shell
 * (Alt+digit switches views). Plain code, tested in Node (tests/unit/timeline-time.test.ts).
 */
import { SNAP_MINUTES } from "./timeline-time.ts";

export type KeyMove = { kind: "move"; minutes: number } | { kind: "resize"; minutes: number } | { kind: "day"; days: number };

export function keyMove(e: { key: string; shiftKey: boolean; altKey: boolean; ctrlKey: boolean; metaKey: boolean }, week: boolean): KeyMove | null {
  if (e.altKey || e.ctrlKey || e.metaKey) return null;
  const step = e.key === "ArrowUp" ? -SNAP_MINUTES : e.key === "ArrowDown" ? SNAP_MINUTES : 0;
  if (step !== 0) return e.shiftKey ? { kind: "resize", minutes: step } : { kind: "move", minutes: step };
  if (week && !e.shiftKey && (e.key === "ArrowLeft" || e.key === "ArrowRight")) return { kind: "day", days: e.key === "ArrowLeft" ? -1 : 1 };
  return null;
}
