/**
 * W122: the one switch between voice in and voice out: when the user starts
 * talking (push-to-talk) or stops the turn, whatever this device is saying
 * stops. The push-to-talk calls `userStartedTalking`; the speaker listens.
 */
const listeners = new Set<() => void>();

/** The speaker registers here; returns the unsubscribe. */
export function onStopSpeaking(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** Stop every sentence queued or playing on this device (push-to-talk pressed, turn stopped). */
export function stopSpeaking(): void {
  for (const listener of [...listeners]) listener();
}
