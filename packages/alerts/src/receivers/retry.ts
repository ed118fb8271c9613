import type { DeliveryOutcome } from './outcome.ts';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before the second try; doubled before each next one, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, backoffMs: 1000, maxBackoffMs: 10_000 };

export interface RetriedDelivery {
  /** The last attempt's outcome. */
  outcome: DeliveryOutcome;
  /** Every attempt's outcome, in order: history records each one. */
  attempts: DeliveryOutcome[];
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Tries a delivery again while it fails in a way that may pass (see `retriable`) or times out.
 * NOTE: a timed-out webhook may have been received (only its answer was late), so a retry can
 * deliver twice; the payload's groupKey and sentAt let a receiver drop the second copy. The
 * clock is injected (`sleep`) so tests do not wait.
 */
export async function deliverWithRetries(
  send: () => Promise<DeliveryOutcome>,
  policy: RetryPolicy = DEFAULT_RETRY,
  sleep: (ms: number) => Promise<void> = wait,
): Promise<RetriedDelivery> {
  const attempts: DeliveryOutcome[] = [];
  let backoff = policy.backoffMs;
  for (;;) {
    const outcome = await send();
    attempts.push(outcome);
    const again = outcome.kind === 'timed_out' || (outcome.kind === 'failed' && outcome.retriable);
    if (!again || attempts.length >= Math.max(1, policy.attempts)) return { outcome, attempts };
    await sleep(backoff);
    backoff = Math.min(backoff * 2, policy.maxBackoffMs);
  }
}
