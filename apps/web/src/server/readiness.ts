import type { ClickHouseClient } from '@tributary/clickhouse';
import { defaultErrorMessages, type ErrorCode } from '@tributary/contracts';
import { classifyError, toPublicError, type ClassifyContext } from './errors/classify.ts';

/** Per check: readiness must answer within a probe's timeout even when a dependency hangs. */
export const READINESS_TIMEOUT_MS = 2000;

export type DependencyName = 'postgres' | 'clickhouse' | 'kafka';

export interface Probes {
  postgres: (signal: AbortSignal) => Promise<unknown>;
  clickhouse: (signal: AbortSignal) => Promise<unknown>;
  kafka: (signal: AbortSignal) => Promise<unknown>;
}

export type CheckResult =
  | { status: 'ok'; ms: number }
  | { status: 'down'; ms: number; code: ErrorCode; message: string; details: string | null };

export interface Readiness {
  status: 'ready' | 'unavailable';
  /** What is down, in a fixed order, for a human or a load balancer's log. */
  down: DependencyName[];
  checks: Record<DependencyName, CheckResult>;
}

class ProbeTimeout extends Error {
  constructor(
    readonly dependency: DependencyName,
    ms: number,
  ) {
    super(`no answer within ${ms} ms`);
    this.name = 'ProbeTimeout';
  }
}

const DOWN_CODE: Record<DependencyName, ErrorCode> = {
  postgres: 'postgres_unavailable',
  clickhouse: 'clickhouse_unavailable',
  kafka: 'kafka_unavailable',
};

/**
 * Runs every probe at once, each bounded by `timeoutMs` (the probe's own work is aborted where
 * it can be, abandoned where it cannot), and reports each dependency as ok or down with the
 * classified reason. Never throws, never waits longer than the timeout plus a tick.
 */
export async function checkReadiness(
  probes: Probes,
  { timeoutMs = READINESS_TIMEOUT_MS, context = {} }: { timeoutMs?: number; context?: ClassifyContext } = {},
): Promise<Readiness> {
  const names = Object.keys(probes) as DependencyName[];
  const results = await Promise.all(names.map((name) => runProbe(name, probes[name], timeoutMs, context)));
  const checks = Object.fromEntries(names.map((n, i) => [n, results[i]])) as Record<
    DependencyName,
    CheckResult
  >;
  const down = names.filter((n) => checks[n].status === 'down');
  return { status: down.length === 0 ? 'ready' : 'unavailable', down, checks };
}

async function runProbe(
  name: DependencyName,
  probe: (signal: AbortSignal) => Promise<unknown>,
  timeoutMs: number,
  context: ClassifyContext,
): Promise<CheckResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ProbeTimeout(name, timeoutMs));
    }, timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(() => probe(controller.signal)), timeout]);
    return { status: 'ok', ms: Math.round(performance.now() - started) };
  } catch (err) {
    const ms = Math.round(performance.now() - started);
    if (err instanceof ProbeTimeout) {
      return { status: 'down', ms, code: DOWN_CODE[name], message: err.message, details: null };
    }
    const pub = toPublicError(classifyError(err, context));
    // The probe knows which dependency it asked, whatever the error itself could tell.
    const generic = pub.code === 'unavailable' || pub.code === 'internal';
    const code = generic ? DOWN_CODE[name] : pub.code;
    return {
      status: 'down',
      ms,
      code,
      message: generic ? defaultErrorMessages[code] : pub.message,
      details: pub.details?.slice(0, 300) ?? null,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The ClickHouse probe: /ping answers without touching a table. A failed ping resolves, so throw. */
export async function pingClickHouse(client: ClickHouseClient, signal: AbortSignal): Promise<void> {
  const result = await client.ping({ select: false, abort_signal: signal });
  if (!result.success) throw result.error;
}
