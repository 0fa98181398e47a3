/**
 * V21, W120: a streaming reply cut into sentences to speak while the rest still
 * streams. STUB — part E replaces the body.
 */

/** Feed text as it streams; `push` returns the sentences completed so far, `flush` the rest at the end. */
export type SentenceSplitter = { push(delta: string): string[]; flush(): string[] };

export function sentenceSplitter(): SentenceSplitter {
  let buffer = "";
  return {
    push: (delta) => {
      buffer += delta;
      return [];
    },
    flush: () => {
      const rest = buffer.trim();
      buffer = "";
      return rest ? [rest] : [];
    },
  };
}
