/**
 * One assistant turn as a state machine (docs/PROTOCOL.md C3, C6, C7, C13;
 * STYLE.md 4). One shape per state, carrying only its own fields; transitions
 * are pure. An event that does not apply to a state (a stall after the turn
 * ended, a second stop) leaves it unchanged: `transition` returns the very same
 * object, so callers can tell "ignored" by identity.
 *
 *   queued ──start──▶ streaming ──finish──▶ completed
 *     │                 │  │ └──fail──▶ failed (provider error C7; a later step over budget C13)
 *     │ fail (budget)   │  └─stop / stall──▶ stopping ──finish/fail──▶ interrupted (stopped) | failed (timeout)
 *     ▼                 └─restart──▶ interrupted (restart, C6)
 *   failed    queued ──stop──▶ interrupted (stopped)
 */

/** A turn that produced nothing for this long fails as a timeout (C7). */
export const TURN_IDLE_TIMEOUT_MS = 30_000;

/** Why a turn failed, as the `llm.failed` frame and the `turn.failed` event say it. */
export type TurnFailure = {
  code: "rate_limited" | "timeout" | "misconfigured" | "provider_error" | "internal";
  message: string;
  retryAfter?: number;
};

export const TIMEOUT_FAILURE: TurnFailure = { code: "timeout", message: "the assistant took too long; try again" };
/** A bug in the room, not the provider: the turn still ends, and the queue goes on. */
export const INTERNAL_FAILURE: TurnFailure = { code: "internal", message: "the assistant could not answer; your message is saved — try again" };

export type TurnState =
  | { status: "queued"; turnId: string }
  | { status: "streaming"; turnId: string; startedAt: number }
  /** Aborted, waiting for the stream to let go: the reason decides how it ends. */
  | { status: "stopping"; turnId: string; startedAt: number; reason: "stopped" | "timeout" }
  | { status: "completed"; turnId: string; endedAt: number }
  | { status: "interrupted"; turnId: string; endedAt: number; reason: "stopped" | "restart" }
  | { status: "failed"; turnId: string; endedAt: number; failure: TurnFailure };

export type EndedTurn = Extract<TurnState, { status: "completed" | "interrupted" | "failed" }>;

export type TurnEvent =
  /** The model is called. */
  | { type: "start" }
  /** The user stopped it, from any device (C7). */
  | { type: "stop" }
  /** The watchdog saw no progress for TURN_IDLE_TIMEOUT_MS (C7). */
  | { type: "stall" }
  /** The stream ended normally. */
  | { type: "finish" }
  /** The stream, or the checks before it, ended with a failure. */
  | { type: "fail"; failure: TurnFailure }
  /** The room started again with this turn still marked streaming (C6). */
  | { type: "restart" };

export const isEnded = (state: TurnState): state is EndedTurn => state.status === "completed" || state.status === "interrupted" || state.status === "failed";

export function transition(state: TurnState, event: TurnEvent, now: number): TurnState {
  const { turnId } = state;
  switch (state.status) {
    case "queued":
      switch (event.type) {
        case "start":
          return { status: "streaming", turnId, startedAt: now };
        case "stop":
          return { status: "interrupted", turnId, endedAt: now, reason: "stopped" };
        case "fail":
          return { status: "failed", turnId, endedAt: now, failure: event.failure };
        default:
          return state;
      }
    case "streaming":
      switch (event.type) {
        case "stop":
          return { status: "stopping", turnId, startedAt: state.startedAt, reason: "stopped" };
        case "stall":
          return { status: "stopping", turnId, startedAt: state.startedAt, reason: "timeout" };
        case "finish":
          return { status: "completed", turnId, endedAt: now };
        case "fail":
          return { status: "failed", turnId, endedAt: now, failure: event.failure };
        case "restart":
          return { status: "interrupted", turnId, endedAt: now, reason: "restart" };
        default:
          return state;
      }
    case "stopping":
      switch (event.type) {
        // The user's stop wins over a timeout that is still winding down: they asked for the text so far.
        case "stop":
          return state.reason === "stopped" ? state : { ...state, reason: "stopped" };
        // Whatever the aborted stream did last, the reason it was aborted decides the end.
        case "finish":
        case "fail":
          return state.reason === "stopped"
            ? { status: "interrupted", turnId, endedAt: now, reason: "stopped" }
            : { status: "failed", turnId, endedAt: now, failure: TIMEOUT_FAILURE };
        case "restart":
          return { status: "interrupted", turnId, endedAt: now, reason: "restart" };
        default:
          return state;
      }
    case "completed":
    case "interrupted":
    case "failed":
      return state;
  }
}
