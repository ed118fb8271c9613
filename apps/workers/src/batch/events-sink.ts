import type { ClickHouseClient } from '@tributary/clickhouse';
import type { Logger } from '@tributary/telemetry';
import type { Parsed } from '../parse-batch.ts';
import { retryTransient, StoppingError } from '../retry.ts';
import { toEventRow, type EventRow } from '../rows.ts';
import type { BatchRetry } from './batch-retry.ts';

/** What the processor writing to the events table added to one kept event. */
export interface EventsAnnotation {
  derived: Record<string, unknown>;
  processor: string;
  processorVersion: number;
}

/** An events row, with the columns an `events`-output processor fills (migration 0007). */
export type AnnotatedEventRow = EventRow & {
  derived?: Record<string, unknown>;
  processor?: string;
  processor_version?: number;
};

export interface EventsSinkDeps {
  clickhouse: ClickHouseClient;
  logger: Logger;
  permanentRetries: number;
}

/**
 * Inserts the batch's new events into `events` with `token` (the batch's offset range); if
 * ClickHouse keeps rejecting the data itself, inserts row by row so one bad row does not hold
 * back the rest, and returns the events that still fail (to be dead-lettered, stage 'sink').
 */
export async function eventsSink(
  deps: EventsSinkDeps,
  candidates: Parsed[],
  annotations: ReadonlyMap<Parsed, EventsAnnotation>,
  token: string,
  retry: BatchRetry,
): Promise<Array<{ parsed: Parsed; reason: string }>> {
  const processedAt = new Date();
  const rows = candidates.map((p): AnnotatedEventRow => {
    const row = toEventRow(p.envelope, processedAt);
    const a = annotations.get(p);
    return a
      ? { ...row, derived: a.derived, processor: a.processor, processor_version: a.processorVersion }
      : row;
  });
  const failed: Array<{ parsed: Parsed; reason: string }> = [];
  if (rows.length === 0) return failed;
  let lastError: unknown;
  for (let attempt = 0; attempt <= deps.permanentRetries; attempt++) {
    try {
      await retryTransient(() => insert(deps.clickhouse, rows, token), retry.clickhouse('clickhouse insert'));
      return failed;
    } catch (err) {
      if (err instanceof StoppingError) throw err;
      lastError = err;
    }
  }
  deps.logger.warn(
    { err: String(lastError), rows: rows.length },
    'batch rejected by ClickHouse; inserting row by row',
  );
  for (let i = 0; i < rows.length; i++) {
    const parsed = candidates[i]!;
    try {
      await retryTransient(
        () => insert(deps.clickhouse, [rows[i]!], `${token}:${parsed.message.offset}:${parsed.index}`),
        retry.clickhouse('clickhouse row insert'),
      );
    } catch (err) {
      if (err instanceof StoppingError) throw err;
      failed.push({ parsed, reason: String((err as Error).message ?? err) });
    }
  }
  return failed;
}

async function insert(clickhouse: ClickHouseClient, rows: AnnotatedEventRow[], token: string) {
  await clickhouse.insert({
    table: 'events',
    values: rows,
    format: 'JSONEachRow',
    clickhouse_settings: { insert_deduplication_token: token, insert_deduplicate: 1 },
  });
}
