/**
 * In-process token buckets keyed by visitor or IP. Each instance limits on its own: behind a load
 * balancer a client can get up to N× the rate across N instances, which is acceptable for abuse
 * damping (the goal is to keep one browser from flooding the respond queue, not exact quotas).
 */
export type BucketOptions = { capacity: number; refillPerSecond: number; maxKeys?: number };

type Bucket = { tokens: number; at: number };

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: BucketOptions) {}

  /** Takes one token: 0 when allowed, else the milliseconds until one is available. */
  take(key: string, now = Date.now()): number {
    const { capacity, refillPerSecond } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * refillPerSecond);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return Math.ceil(((1 - bucket.tokens) / refillPerSecond) * 1000);
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > (this.options.maxKeys ?? 50_000)) this.prune(now);
    return 0;
  }

  /** Drops buckets that have refilled completely: they carry no information. */
  private prune(now: number): void {
    const { capacity, refillPerSecond } = this.options;
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * refillPerSecond >= capacity) this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}

/**
 * The widget's limits: a visitor may send a burst of 6 messages, then one every 3 s. An IP is many
 * visitors at once (an office behind NAT, a mobile carrier's CGNAT), so its budget is far larger: 120,
 * then 10/s for messages; 60, then 5/s for new connections.
 */
export type WidgetLimits = { visitor: TokenBuckets; ip: TokenBuckets; connect: TokenBuckets };

export const defaultWidgetLimits = (): WidgetLimits => ({
  visitor: new TokenBuckets({ capacity: 6, refillPerSecond: 1 / 3 }),
  ip: new TokenBuckets({ capacity: 120, refillPerSecond: 10 }),
  connect: new TokenBuckets({ capacity: 60, refillPerSecond: 5 }),
});
