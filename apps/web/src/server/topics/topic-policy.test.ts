import { describe, expect, it } from 'vitest';
import {
  assertConfigChange,
  assertConfirmed,
  assertCreatable,
  assertPartitionIncrease,
  isPlatformTopic,
  isShorterRetention,
} from './topic-policy.ts';

const P = 'tributary.';

describe('topic policy', () => {
  it('knows the platform topics by prefix', () => {
    expect(isPlatformTopic(P, 'tributary.events')).toBe(true);
    expect(isPlatformTopic(P, 'tributary.control')).toBe(true);
    expect(isPlatformTopic(P, 'tributary.orders')).toBe(false);
  });
  it('creates only under the prefix, never a platform topic', () => {
    expect(() => assertCreatable(P, 'orders')).toThrow(/must start with this platform's prefix/);
    expect(() => assertCreatable(P, 'tributary.events')).toThrow(/platform's own topics/);
    expect(() => assertCreatable(P, 'tributary.orders')).not.toThrow();
  });
  it('only grows partitions, and never on platform topics', () => {
    expect(() => assertPartitionIncrease(P, 'tributary.orders', 3, 3)).toThrow(/can only grow/);
    expect(() => assertPartitionIncrease(P, 'tributary.orders', 3, 2)).toThrow(/can only grow/);
    expect(() => assertPartitionIncrease(P, 'tributary.orders', 3, 4)).not.toThrow();
    expect(() => assertPartitionIncrease(P, 'tributary.events', 6, 12)).toThrow(/partition count is set/);
  });
  it('lets platform topics keep data longer but never shorter, and never change cleanup policy', () => {
    const before = { retentionMs: 1000 * 60 * 60, cleanupPolicy: 'delete' };
    expect(() =>
      assertConfigChange(P, 'tributary.events', before, { retentionMs: 2 * 3600_000 }),
    ).not.toThrow();
    expect(() => assertConfigChange(P, 'tributary.events', before, { retentionMs: -1 })).not.toThrow();
    expect(() => assertConfigChange(P, 'tributary.events', before, { retentionMs: 60_000 })).toThrow(
      /raised, not lowered/,
    );
    expect(() => assertConfigChange(P, 'tributary.events', before, { cleanupPolicy: 'compact' })).toThrow(
      /cleanup policy/,
    );
    expect(() =>
      assertConfigChange(P, 'tributary.orders', before, { cleanupPolicy: 'compact', retentionMs: 60_000 }),
    ).not.toThrow();
  });
  it('treats -1 as forever', () => {
    expect(isShorterRetention(-1, 60_000)).toBe(true);
    expect(isShorterRetention(60_000, -1)).toBe(false);
    expect(isShorterRetention(-1, -1)).toBe(false);
  });
  it('needs the exact name as confirmation', () => {
    expect(() => assertConfirmed('tributary.order', 'tributary.orders', 'topic name')).toThrow(
      /"confirm" must be/,
    );
    expect(() => assertConfirmed('tributary.orders', 'tributary.orders', 'topic name')).not.toThrow();
  });
});
