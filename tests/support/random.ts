/**
 * Seeded randomness for tests (STYLE.md 6). The seed comes from TEST_SEED or
 * is drawn fresh, and is always printed, so any failing run can be replayed:
 * `TEST_SEED=<seed> npm test`.
 */
export type Rng = { seed: number; next(): number; int(n: number): number; pick<T>(items: readonly T[]): T };

export function seededRng(label: string, fixedSeed?: number): Rng {
  const seed = fixedSeed ?? (Number(process.env.TEST_SEED) || Math.floor(Math.random() * 2 ** 31));
  console.log(`[seed] ${label}: TEST_SEED=${seed}`);
  let a = seed >>> 0;
  const next = () => {
    // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { seed, next, int: (n) => Math.floor(next() * n), pick: (items) => items[Math.floor(next() * items.length)]! };
}
