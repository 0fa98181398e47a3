/**
 * The stall watchdog of a streaming turn (docs/PROTOCOL.md C7): calls
 * `onStall` once when `touch` was not called for `timeoutMs`. It measures real
 * time with timers, not the room's clock, which tests may freeze.
 */
export type Watchdog = {
  /** Progress was made: the wait starts over. */
  touch(): void;
  /** The turn ended: nothing fires any more. */
  cancel(): void;
};

export function watchdog(timeoutMs: number, onStall: () => void): Watchdog {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const arm = () => {
    timer = setTimeout(() => {
      timer = null;
      onStall();
    }, timeoutMs);
  };
  arm();
  return {
    touch: () => {
      if (timer === null) return;
      clearTimeout(timer);
      arm();
    },
    cancel: () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
