import { ConnectionPool, type Broker } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { installClientGuards, MISSING_BROKER_MESSAGE } from './client-guards.ts';

// The group operations pass `metadata.brokers.get(coordinatorId)` to the pool unchecked; a
// fenced broker's metadata lists no brokers, so that is `undefined` (kafka-client-consumer-bug.md).
const missing = undefined as unknown as Broker;

describe('ConnectionPool guard for a broker missing from the metadata', () => {
  it('without the guard, the pool throws a TypeError synchronously (the crash)', () => {
    const pool = new ConnectionPool('guard-test');
    expect(() => pool.get(missing, () => {})).toThrow(/reading 'host'/);
  });

  it('with the guard, the operation gets a retriable error instead', async () => {
    installClientGuards();
    installClientGuards(); // idempotent
    const pool = new ConnectionPool('guard-test');
    const viaCallback = await new Promise<unknown>((resolve) => pool.get(missing, (err) => resolve(err)));
    expect(viaCallback).toMatchObject({ message: MISSING_BROKER_MESSAGE, canRetry: true });
    await expect(pool.get(missing)).rejects.toThrow(MISSING_BROKER_MESSAGE);
    expect(pool.has(missing)).toBe(false);
    expect(pool.getEstablishedConnection(missing)).toBeUndefined();
    // Real brokers still go through: an unreachable one fails as a connection error.
    const err = await pool.get({ host: '127.0.0.1', port: 1 }).catch((e: unknown) => e);
    expect(String(err)).not.toContain(MISSING_BROKER_MESSAGE);
    await pool.close();
  });
});
