import { describe, expect, it } from 'vitest';
import type { ConsumerStatus } from '@tributary/kafka';
import { createDependencyTracker, workerHealth, workerReadiness, type ConsumerView } from './health.ts';

const joined: ConsumerStatus = { state: 'joined', partitions: 3, restarts: 0, lastError: null };
const view = (name: string, status: Partial<ConsumerStatus> = {}, idleMs = 100): ConsumerView => ({
  name,
  status: { ...joined, ...status },
  idleMs,
});

describe('workerHealth', () => {
  it('is ok with joined, turning consumers and no dependency down', () => {
    expect(
      workerHealth({ stopping: false, consumers: [view('events')], unavailable: [], stallMs: 1000 }),
    ).toEqual({ ok: true, status: 'ok', reasons: [] });
  });

  it('reads "degraded: clickhouse unavailable" (still ok) while a dependency is being retried', () => {
    const h = workerHealth({
      stopping: false,
      consumers: [view('events')],
      unavailable: [{ name: 'clickhouse', since: 0, error: 'ECONNREFUSED' }],
      stallMs: 1000,
    });
    expect(h).toEqual({ ok: true, status: 'degraded', reasons: ['clickhouse unavailable'] });
  });

  it('is degraded while a consumer is rebuilding, unhealthy when a loop stalls or stops', () => {
    const rebuilding = workerHealth({
      stopping: false,
      consumers: [view('events', { state: 'rebuilding', lastError: 'heartbeat failed' })],
      unavailable: [],
      stallMs: 1000,
    });
    expect(rebuilding).toMatchObject({ ok: true, status: 'degraded' });
    expect(rebuilding.reasons[0]).toContain('events consumer rebuilding (heartbeat failed)');
    const stalled = workerHealth({
      stopping: false,
      consumers: [view('events', {}, 5000)],
      unavailable: [],
      stallMs: 1000,
    });
    expect(stalled).toMatchObject({
      ok: false,
      status: 'unhealthy',
      reasons: ['events consumer loop stalled for 5 s'],
    });
    const stopped = workerHealth({
      stopping: false,
      consumers: [view('events', { state: 'stopped' })],
      unavailable: [],
      stallMs: 1000,
    });
    expect(stopped.ok).toBe(false);
    expect(workerHealth({ stopping: true, consumers: [], unavailable: [], stallMs: 1000 }).ok).toBe(false);
  });
});

describe('workerReadiness', () => {
  it('names what is down', () => {
    expect(
      workerReadiness({ consumers: [view('events')], clickhouse: false, redis: true, stallMs: 1000 }),
    ).toEqual({
      ready: false,
      checks: { kafka: true, clickhouse: false, redis: true },
      down: ['clickhouse'],
    });
    expect(
      workerReadiness({
        consumers: [view('events', { state: 'connecting' }), view('dead_letters')],
        clickhouse: true,
        redis: false,
        stallMs: 1000,
      }).down,
    ).toEqual(['kafka', 'redis']);
    expect(
      workerReadiness({ consumers: [view('events')], clickhouse: true, redis: true, stallMs: 1000 }).ready,
    ).toBe(true);
  });
});

describe('createDependencyTracker', () => {
  it('marks a dependency down from its first failure until a success, and forgets stale marks', () => {
    let t = 1000;
    const deps = createDependencyTracker(500, () => t);
    deps.failed('clickhouse', new Error('ECONNREFUSED'));
    t = 1200;
    deps.failed('clickhouse', new Error('ECONNRESET'));
    expect(deps.unavailable()).toEqual([{ name: 'clickhouse', since: 1000, error: 'ECONNRESET' }]);
    deps.ok('clickhouse');
    expect(deps.unavailable()).toEqual([]);
    deps.failed('redis', 'down');
    t = 2000; // no failure for longer than the freshness window: the batch was given up
    expect(deps.unavailable()).toEqual([]);
  });
});
