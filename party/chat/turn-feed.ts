/**
 * Where a turn's frames go (docs/PROTOCOL.md C3, C5, C11): every device of the
 * user, and the SSE readers of that turn, who are let go once it ends.
 */
import type { ActionCardFrame, LlmFrame } from "../../shared/chat.ts";

export type Sink = (frame: LlmFrame) => void;

export const tokenFrames = (turnId: string, tokens: readonly string[], from = 0): LlmFrame[] =>
  tokens.slice(from).map((token, i) => ({ type: "llm.token", turnId, seq: from + i, token }));

/** C5: what a device joining mid-turn needs — the tokens after the one it has, then the cards. */
export function catchUpFrames(turnId: string, tokens: readonly string[], actions: Iterable<ActionCardFrame>, resume?: { turnId: string; seq: number }): LlmFrame[] {
  const from = resume?.turnId === turnId ? resume.seq + 1 : 0;
  return [...tokenFrames(turnId, tokens, from), ...[...actions].map((action): LlmFrame => ({ type: "llm.action", turnId, action }))];
}

export class TurnFeed {
  #broadcast: Sink;
  #readers = new Map<string, Set<Sink>>();

  constructor(broadcast: Sink) {
    this.#broadcast = broadcast;
  }

  emit(frame: LlmFrame): void {
    this.#broadcast(frame);
    const readers = this.#readers.get(frame.turnId);
    if (readers) for (const read of readers) read(frame);
    if (isEndFrame(frame)) this.#readers.delete(frame.turnId);
  }

  /** A reader of one turn's frames from now on; returns how to stop reading. */
  listen(turnId: string, sink: Sink): () => void {
    let readers = this.#readers.get(turnId);
    if (!readers) this.#readers.set(turnId, (readers = new Set()));
    readers.add(sink);
    return () => readers.delete(sink);
  }
}

/** The frame that ends a turn's stream: completed, interrupted or failed (C3, C11). */
export const isEndFrame = (frame: LlmFrame): boolean => frame.type === "llm.completed" || frame.type === "llm.interrupted" || frame.type === "llm.failed";
