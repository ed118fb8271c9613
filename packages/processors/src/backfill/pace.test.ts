import { afterEach, describe, expect, it, vi } from 'vitest';
import { pace } from './pace.ts';

describe('pace', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits until the events done fit the rate, and no longer when aborted', async () => {
    vi.useFakeTimers();
    let settled = false;
    // 2,000 events at 1,000/s since t=0, asked at t=500 ms: due at 2,000 ms.
    const p = pace(0, 2_000, 1_000, undefined, () => 500).then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(1_499);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(settled).toBe(true);

    const stop = new AbortController();
    const q = pace(0, 1_000_000, 1, stop.signal, () => 0);
    stop.abort();
    await q; // resolves at once instead of after 11 days
  });

  it('does not wait without a rate or when behind', async () => {
    await pace(0, 10, undefined, undefined, () => 0);
    await pace(0, 10, 1_000, undefined, () => 60_000);
  });
});
