import type { ConsumerStatus } from '@tributary/kafka';

/**
 * What /healthz and /readyz say, computed from plain inputs so the rules are testable alone.
 *
 * - /healthz (liveness): the process is up and its consumer loops turn. A loop waiting on a
 *   dependency that is down still turns (every retry is a sign of life), so a long ClickHouse
 *   outage reads "degraded: clickhouse unavailable" with 200, not 503: restarting the process
 *   would only redo the batches it is holding.
 * - /readyz (readiness): the dependencies are there — each Kafka consumer is a joined group
 *   member whose loop is not stalled, ClickHouse answers /ping, Redis answers PING. 503 with
 *   the names of what is down.
 */
export type DependencyName = 'clickhouse' | 'redis' | 'kafka';

export interface DependencyTracker {
  /** An operation on `name` failed and will be retried. */
  failed(name: DependencyName, err: unknown): void;
  /** An operation on `name` succeeded. */
  ok(name: DependencyName): void;
  /** Dependencies whose latest operation failed, within the last `freshMs`. */
  unavailable(): Array<{ name: DependencyName; since: number; error: string }>;
}

/**
 * A failure mark expires after `freshMs` without another failure: a batch given up mid-retry
 * (its partition moved) must not leave a dependency marked down forever on an idle worker.
 */
export function createDependencyTracker(freshMs = 60_000, now: () => number = Date.now): DependencyTracker {
  const failing = new Map<DependencyName, { since: number; last: number; error: string }>();
  return {
    failed(name, err) {
      const t = now();
      const prev = failing.get(name);
      failing.set(name, { since: prev?.since ?? t, last: t, error: describe(err) });
    },
    ok(name) {
      failing.delete(name);
    },
    unavailable() {
      const t = now();
      return [...failing.entries()]
        .filter(([, f]) => t - f.last <= freshMs)
        .map(([name, f]) => ({ name, since: f.since, error: f.error }));
    },
  };
}

export interface ConsumerView {
  name: string;
  status: ConsumerStatus;
  /** Time since the consumer's loop last showed it turns. */
  idleMs: number;
}

export interface HealthReport {
  ok: boolean;
  status: 'ok' | 'degraded' | 'unhealthy';
  reasons: string[];
}

export function workerHealth(input: {
  stopping: boolean;
  consumers: ConsumerView[];
  unavailable: Array<{ name: DependencyName; since: number; error: string }>;
  stallMs: number;
}): HealthReport {
  const fatal: string[] = [];
  const degraded: string[] = [];
  if (input.stopping) fatal.push('stopping');
  for (const c of input.consumers) {
    if (c.status.state === 'stopped' && !input.stopping) fatal.push(`${c.name} consumer stopped`);
    else if (c.idleMs > input.stallMs)
      fatal.push(`${c.name} consumer loop stalled for ${Math.round(c.idleMs / 1000)} s`);
    else if (c.status.state !== 'joined' && c.status.state !== 'stopped')
      degraded.push(
        `${c.name} consumer ${c.status.state}${c.status.lastError ? ` (${c.status.lastError})` : ''}`,
      );
  }
  for (const d of input.unavailable) degraded.push(`${d.name} unavailable`);
  if (fatal.length > 0) return { ok: false, status: 'unhealthy', reasons: [...fatal, ...degraded] };
  if (degraded.length > 0) return { ok: true, status: 'degraded', reasons: degraded };
  return { ok: true, status: 'ok', reasons: [] };
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<'kafka' | 'clickhouse' | 'redis', boolean>;
  down: string[];
}

export function workerReadiness(input: {
  consumers: ConsumerView[];
  clickhouse: boolean;
  redis: boolean;
  stallMs: number;
}): ReadinessReport {
  const kafka = input.consumers.every((c) => c.status.state === 'joined' && c.idleMs <= input.stallMs);
  const checks = { kafka, clickhouse: input.clickhouse, redis: input.redis };
  const down = Object.entries(checks)
    .filter(([, up]) => !up)
    .map(([name]) => name);
  return { ready: down.length === 0, checks, down };
}

function describe(err: unknown): string {
  const s = err instanceof Error ? err.message : String(err);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}
