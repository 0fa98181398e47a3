/**
 * The turn streaming now (docs/PROTOCOL.md C3–C5, C7): where it is in its
 * lifecycle (turn.ts) and what it has said and done so far. Entering
 * `stopping` aborts its stream; every CHECKPOINT_EVERY tokens its text is
 * stored, so a restart loses little (C4, C6).
 */
import type { ActionCardFrame, LlmFrame } from "../../shared/chat.ts";
import { transition, type TurnEvent, type TurnState } from "./turn.ts";

/** Tokens between checkpoints of a streaming turn's text (C4). */
export const CHECKPOINT_EVERY = 8;

/** Stores the tokens from `from` on, and the whole text so far. */
export type Checkpoint = (tokens: string[], from: number, text: string) => void;

export class TurnRun {
  state: TurnState;
  readonly tokens: string[] = [];
  text = "";
  /** How many tokens are stored. */
  checkpointed = 0;
  readonly actions = new Map<string, ActionCardFrame>();
  readonly abort = new AbortController();
  #checkpoint: Checkpoint;

  constructor(turnId: string, now: number, checkpoint: Checkpoint) {
    this.state = transition({ status: "queued", turnId }, { type: "start" }, now);
    this.#checkpoint = checkpoint;
  }

  get turnId(): string {
    return this.state.turnId;
  }

  apply(event: TurnEvent, now: number): void {
    const next = transition(this.state, event, now);
    if (next === this.state) return;
    this.state = next;
    if (next.status === "stopping" && !this.abort.signal.aborted) this.abort.abort(new Error(next.reason === "stopped" ? "stopped by the user" : "timeout"));
  }

  /** Adds a token; returns the frame that sends it. */
  push(token: string): LlmFrame {
    const seq = this.tokens.length;
    this.tokens.push(token);
    this.text += token;
    if (this.tokens.length - this.checkpointed >= CHECKPOINT_EVERY) {
      this.#checkpoint(this.tokens, this.checkpointed, this.text);
      this.checkpointed = this.tokens.length;
    }
    return { type: "llm.token", turnId: this.turnId, seq, token };
  }
}
