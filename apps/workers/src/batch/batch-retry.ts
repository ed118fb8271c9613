import type { BatchContext } from '@tributary/kafka';
import type { Logger } from '@tributary/telemetry';
import { isTransientClickHouseError } from '../clickhouse-errors.ts';
import type { DependencyName, DependencyTracker } from '../health.ts';
import type { RetryOptions } from '../retry.ts';

/** How each operation of one batch is retried: outages wait, the consumer is told the loop lives. */
export interface BatchRetry {
  /** Retry options for an operation on `dependency`, logged as `label` (everything is transient). */
  transient(label: string, dependency: DependencyName): RetryOptions;
  /** A ClickHouse operation: only ClickHouse rejecting the data itself is permanent. */
  clickhouse(label: string): RetryOptions;
}

export function batchRetry(
  ctx: BatchContext,
  deps: { logger: Logger; stopping: () => boolean; dependencies: DependencyTracker },
): BatchRetry {
  const transient = (label: string, dependency: DependencyName): RetryOptions => ({
    isTransient: () => true,
    stopping: deps.stopping,
    signal: ctx.signal,
    onRetry: (err: unknown, attempt: number) => {
      deps.dependencies.failed(dependency, err);
      // A retry is a sign of life: the consumer loop is waiting, not stalled.
      ctx.progress();
      deps.logger.warn({ err: String(err), attempt }, `${label} failed; retrying`);
    },
    onSuccess: () => deps.dependencies.ok(dependency),
  });
  return {
    transient,
    clickhouse: (label) => ({ ...transient(label, 'clickhouse'), isTransient: isTransientClickHouseError }),
  };
}
