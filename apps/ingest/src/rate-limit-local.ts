import type { BucketLimit, BucketVerdict } from './rate-limit.ts';

/**
 * The same token bucket as the Redis script, held in this process: what ingest falls back to
 * while Redis does not answer, so a key is still limited (per instance instead of across all
 * of them) rather than not at all.
 */
export function createLocalBuckets(maxBuckets = 100_000) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key: string, limit: BucketLimit, cost: number, now = Date.now()): BucketVerdict {
      let b = buckets.get(key);
      if (!b) {
        // Bounded memory under a flood of distinct keys (e.g. spoofed-looking IPs): start over.
        if (buckets.size >= maxBuckets) buckets.clear();
        b = { tokens: limit.burst, at: now };
        buckets.set(key, b);
      }
      b.tokens = Math.min(limit.burst, b.tokens + (Math.max(0, now - b.at) * limit.perSecond) / 1000);
      b.at = now;
      return spend(b, limit, cost);
    },
  };
}

function spend(b: { tokens: number }, limit: BucketLimit, cost: number): BucketVerdict {
  if (cost > limit.burst) return { allowed: false, tooLarge: true, retryAfterMs: 0, remaining: b.tokens };
  if (b.tokens >= cost) {
    b.tokens -= cost;
    return { allowed: true, remaining: b.tokens };
  }
  return {
    allowed: false,
    tooLarge: false,
    retryAfterMs: Math.ceil(((cost - b.tokens) * 1000) / limit.perSecond),
    remaining: b.tokens,
  };
}
