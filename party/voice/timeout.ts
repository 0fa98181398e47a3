/**
 * V26: a provider call raced against a timer. The signal asks the provider to
 * stop, but a provider (or a fetch under it) that ignores it would hold the
 * room's one voice queue forever; the timer ends the wait whatever it does.
 */

/** Resolves after `ms` unless `signal` aborts first (then never: the timer is cleared). */
export type After = (ms: number, signal: AbortSignal) => Promise<void>;

export const after: After = (ms, signal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  });

/** The call's answer, or a rejection with a TimeoutError once `ms` pass (the call's signal aborted too). */
export async function timed<T>(call: (signal: AbortSignal) => Promise<T>, ms: number, wait: After, outer?: AbortSignal): Promise<T> {
  const stop = new AbortController();
  const signal = outer ? AbortSignal.any([outer, stop.signal]) : stop.signal;
  const done = new AbortController();
  const timeout = new DOMException(`no answer in ${Math.round(ms / 1000)} s`, "TimeoutError");
  const timer = wait(ms, done.signal).then((): never => {
    stop.abort(timeout);
    throw timeout;
  });
  try {
    return await Promise.race([call(signal), timer]);
  } finally {
    done.abort();
  }
}
