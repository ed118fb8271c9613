import { describe, expect, it } from 'vitest';
import { ClickHouseError } from '@tributary/clickhouse';
import { retryTransient, StoppingError } from './retry.ts';
import { isTransientClickHouseError } from './clickhouse-errors.ts';

describe('retryTransient', () => {
  it('retries transient failures until success', async () => {
    let calls = 0;
    const v = await retryTransient(
      async () => {
        if (++calls < 3) throw new Error('ECONNREFUSED');
        return 'ok';
      },
      { isTransient: () => true, stopping: () => false, baseMs: 1 },
    );
    expect([v, calls]).toEqual(['ok', 3]);
  });

  it('lets permanent failures through at once', async () => {
    let calls = 0;
    await expect(
      retryTransient(
        async () => {
          calls++;
          throw new Error('bad data');
        },
        { isTransient: () => false, stopping: () => false, baseMs: 1 },
      ),
    ).rejects.toThrow('bad data');
    expect(calls).toBe(1);
  });

  it('stops retrying when the service stops', async () => {
    await expect(
      retryTransient(
        async () => {
          throw new Error('down');
        },
        { isTransient: () => true, stopping: () => true, baseMs: 1 },
      ),
    ).rejects.toBeInstanceOf(StoppingError);
  });
});

describe('isTransientClickHouseError', () => {
  it('treats network errors and overload as transient, bad data as permanent', () => {
    expect(isTransientClickHouseError(new Error('connect ECONNREFUSED'))).toBe(true);
    const err = (code: string) => new ClickHouseError({ message: 'x', code, type: 'X' });
    expect(isTransientClickHouseError(err('252'))).toBe(true);
    expect(isTransientClickHouseError(err('60'))).toBe(true);
    expect(isTransientClickHouseError(err('27'))).toBe(false);
    expect(isTransientClickHouseError(err('117'))).toBe(false);
  });
});

describe('retryTransient with an abort signal', () => {
  it('starts no attempt once the batch was given up, and wakes from its backoff at once', async () => {
    const ac = new AbortController();
    let calls = 0;
    const retrying = retryTransient(
      async () => {
        calls++;
        throw new Error('ECONNREFUSED');
      },
      {
        isTransient: () => true,
        stopping: () => false,
        signal: ac.signal,
        // Long backoff: only the abort can end the wait.
        baseMs: 60_000,
        onRetry: () => ac.abort(new Error('partition revoked')),
      },
    );
    await expect(retrying).rejects.toThrow('batch given up: partition revoked');
    await expect(retrying).rejects.toBeInstanceOf(StoppingError);
    expect(calls).toBe(1);
  });

  it('reports success after failures, for the dependency marks', async () => {
    const seen: string[] = [];
    let calls = 0;
    await retryTransient(
      async () => {
        if (++calls < 2) throw new Error('down');
        return 1;
      },
      {
        isTransient: () => true,
        stopping: () => false,
        baseMs: 1,
        onRetry: () => seen.push('retry'),
        onSuccess: () => seen.push('ok'),
      },
    );
    expect(seen).toEqual(['retry', 'ok']);
  });
});
