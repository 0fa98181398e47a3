/**
 * A token bucket: `capacity` requests at once, refilled at `perMinute`.
 * Pure: the caller keeps the state and passes the clock (STYLE.md 4).
 */
export type Bucket = { tokens: number; updatedAt: number };
export type BucketConfig = { capacity: number; perMinute: number };

export type Take = { allowed: true; bucket: Bucket } | { allowed: false; bucket: Bucket; retryAfterSeconds: number };

export const fullBucket = (config: BucketConfig, now: number): Bucket => ({ tokens: config.capacity, updatedAt: now });

export function take(bucket: Bucket, config: BucketConfig, now: number): Take {
  const refill = ((now - bucket.updatedAt) / 60_000) * config.perMinute;
  const tokens = Math.min(config.capacity, bucket.tokens + Math.max(0, refill));
  if (tokens >= 1) return { allowed: true, bucket: { tokens: tokens - 1, updatedAt: now } };
  const retryAfterSeconds = Math.max(1, Math.ceil(((1 - tokens) / config.perMinute) * 60));
  return { allowed: false, bucket: { tokens, updatedAt: now }, retryAfterSeconds };
}

/** Per-key buckets, each holding a minute's worth of requests at `perMinute`. */
export class Buckets {
  #buckets = new Map<string, Bucket>();

  /** Takes one token for `key`; null when allowed, else seconds to wait. */
  admit(key: string, perMinute: number, now: number): number | null {
    const config = { capacity: perMinute, perMinute };
    const result = take(this.#buckets.get(key) ?? fullBucket(config, now), config, now);
    this.#buckets.set(key, result.bucket);
    return result.allowed ? null : result.retryAfterSeconds;
  }

  forget(key: string): void {
    this.#buckets.delete(key);
  }
}
