import { describe, expect, it } from 'vitest';
import type { DeliveryOutcome } from './outcome.ts';
import { deliverWithRetries } from './retry.ts';

/** A sender answering from a script, and a sleep that records instead of waiting. */
function scripted(outcomes: DeliveryOutcome[]) {
  const calls: number[] = [];
  const slept: number[] = [];
  let i = 0;
  return {
    send: () => {
      calls.push(i);
      return Promise.resolve(outcomes[Math.min(i++, outcomes.length - 1)]!);
    },
    sleep: (ms: number) => {
      slept.push(ms);
      return Promise.resolve();
    },
    calls,
    slept,
  };
}

const busy: DeliveryOutcome = { kind: 'failed', reason: 'answered 503', retriable: true };
const wrong: DeliveryOutcome = { kind: 'failed', reason: 'answered 404', retriable: false };
const ok: DeliveryOutcome = { kind: 'ok', detail: 'answered 200' };
const slow: DeliveryOutcome = { kind: 'timed_out', reason: 'no complete answer within 10 ms' };
const policy = { attempts: 4, backoffMs: 100, maxBackoffMs: 250 };

describe('deliverWithRetries', () => {
  it('retries retriable failures and timeouts with doubling backoff, up to its cap', async () => {
    const s = scripted([busy, slow, busy, ok]);
    const r = await deliverWithRetries(s.send, policy, s.sleep);
    expect(r.outcome).toEqual(ok);
    expect(r.attempts).toEqual([busy, slow, busy, ok]);
    expect(s.slept).toEqual([100, 200, 250]);
  });

  it('stops at once on a failure retrying cannot fix', async () => {
    const s = scripted([wrong, ok]);
    const r = await deliverWithRetries(s.send, policy, s.sleep);
    expect(r).toEqual({ outcome: wrong, attempts: [wrong] });
    expect(s.slept).toEqual([]);
  });

  it('gives up after the last attempt with the last outcome', async () => {
    const s = scripted([busy]);
    const r = await deliverWithRetries(s.send, { ...policy, attempts: 2 }, s.sleep);
    expect(r).toEqual({ outcome: busy, attempts: [busy, busy] });
    expect(s.calls).toHaveLength(2);
  });
});
