/**
 * Per-key token buckets: `capacity` requests at once, refilled at `capacity` per `periodMs`.
 * Pure (time is passed in), so it is tested without waiting.
 */
export interface TokenBucketOptions {
  capacity: number;
  periodMs: number;
  /** Above this many keys, full (idle) buckets are forgotten to bound memory. */
  maxKeys?: number;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ratePerMs: number;
  private readonly maxKeys: number;

  constructor(private readonly options: TokenBucketOptions) {
    this.ratePerMs = options.capacity / options.periodMs;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  take(key: string, nowMs: number): TakeResult {
    const bucket = this.refilled(key, nowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.ceil((1 - bucket.tokens) / this.ratePerMs / 1000),
    };
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, nowMs: number): Bucket {
    const existing = this.buckets.get(key);
    if (existing) {
      const elapsed = Math.max(0, nowMs - existing.at);
      existing.tokens = Math.min(this.options.capacity, existing.tokens + elapsed * this.ratePerMs);
      existing.at = nowMs;
      return existing;
    }
    if (this.buckets.size >= this.maxKeys) this.forgetIdle(nowMs);
    // Still full (many distinct clients at once): drop the oldest key, which merely hands
    // that client a fresh bucket, rather than growing without bound.
    if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    const bucket = { tokens: this.options.capacity, at: nowMs };
    this.buckets.set(key, bucket);
    return bucket;
  }

  /** A bucket that would be full again by now is indistinguishable from a new one. */
  private forgetIdle(nowMs: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (nowMs - bucket.at) * this.ratePerMs >= this.options.capacity) {
        this.buckets.delete(key);
      }
    }
  }
}
