/**
 * A token bucket: `capacity` tokens at once, refilled at `perMinute`. A
 * request takes `cost` tokens (one by default; the Yjs budget takes one per
 * operation or byte, D12).
 * Pure: the caller keeps the state and passes the clock (STYLE.md 4).
 */
export type Bucket = { tokens: number; updatedAt: number };
export type BucketConfig = { capacity: number; perMinute: number };

export type Take = { allowed: true; bucket: Bucket } | { allowed: false; bucket: Bucket; retryAfterSeconds: number };

export const fullBucket = (config: BucketConfig, now: number): Bucket => ({ tokens: config.capacity, updatedAt: now });

/** Takes `cost` tokens. A cost above the capacity is never allowed: callers refuse it as too large first. */
export function take(bucket: Bucket, config: BucketConfig, now: number, cost = 1): Take {
  const refill = ((now - bucket.updatedAt) / 60_000) * config.perMinute;
  const tokens = Math.min(config.capacity, bucket.tokens + Math.max(0, refill));
  if (tokens >= cost) return { allowed: true, bucket: { tokens: tokens - cost, updatedAt: now } };
  const retryAfterSeconds = Math.max(1, Math.ceil(((cost - tokens) / config.perMinute) * 60));
  return { allowed: false, bucket: { tokens, updatedAt: now }, retryAfterSeconds };
}

/**
 * Takes `cost` tokens whether or not they are there: the work is already done
 * (a Yjs update refused after decoding, D12). The bucket can go into debt, and
 * refuses everything until the refill has paid it back.
 */
export function charge(bucket: Bucket, config: BucketConfig, now: number, cost: number): Bucket {
  const refill = ((now - bucket.updatedAt) / 60_000) * config.perMinute;
  return { tokens: Math.min(config.capacity, bucket.tokens + Math.max(0, refill)) - cost, updatedAt: now };
}

/** Per-key buckets, each holding a minute's worth of requests at `perMinute`. */
export class Buckets {
  #buckets = new Map<string, Bucket>();

  /** Takes `cost` tokens (default one) for `key`; null when allowed, else seconds to wait. */
  admit(key: string, perMinute: number, now: number, cost = 1): number | null {
    const config = { capacity: perMinute, perMinute };
    const result = take(this.#buckets.get(key) ?? fullBucket(config, now), config, now, cost);
    this.#buckets.set(key, result.bucket);
    return result.allowed ? null : result.retryAfterSeconds;
  }

  /** Charges `cost` tokens to `key`, into debt if need be (see `charge`). */
  charge(key: string, perMinute: number, now: number, cost: number): void {
    const config = { capacity: perMinute, perMinute };
    this.#buckets.set(key, charge(this.#buckets.get(key) ?? fullBucket(config, now), config, now, cost));
  }

  forget(key: string): void {
    this.#buckets.delete(key);
  }
}
