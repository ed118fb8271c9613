import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@tributary/clickhouse';
import { deadLetterSchema, type DeadLetter } from '@tributary/contracts';
import type { Batch, BatchContext, IncomingMessage } from '@tributary/kafka';
import type { Logger } from '@tributary/telemetry';
import { chTime } from './rows.ts';
import { isTransientClickHouseError } from './clickhouse-errors.ts';
import { retryTransient } from './retry.ts';
import type { DependencyTracker } from './health.ts';

/**
 * Moves dead letters from their topic into tributary.dead_letters. Nothing is dropped here: a
 * message that is not a well-formed dead letter is stored as one about itself.
 */
export function createDeadLetterHandler(deps: {
  clickhouse: ClickHouseClient;
  logger: Logger;
  stopping: () => boolean;
  dependencies: DependencyTracker;
}) {
  return async function handleDeadLetters(batch: Batch, ctx: BatchContext): Promise<void> {
    const rows = batch.messages.map((m) => toRow(parseDeadLetter(m)));
    await retryTransient(
      () =>
        deps.clickhouse.insert({
          table: 'dead_letters',
          values: rows,
          format: 'JSONEachRow',
          clickhouse_settings: {
            insert_deduplication_token: `${batch.topic}:${batch.partition}:${batch.firstOffset}-${batch.lastOffset}`,
            insert_deduplicate: 1,
          },
        }),
      {
        isTransient: isTransientClickHouseError,
        stopping: deps.stopping,
        signal: ctx.signal,
        onRetry: (err, attempt) => {
          deps.dependencies.failed('clickhouse', err);
          ctx.progress();
          deps.logger.warn({ err: String(err), attempt }, 'dead-letter insert failed; retrying');
        },
        onSuccess: () => deps.dependencies.ok('clickhouse'),
      },
    );
  };
}

function parseDeadLetter(m: IncomingMessage): DeadLetter {
  try {
    const parsed = deadLetterSchema.safeParse(JSON.parse(m.value.toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: stored as a malformed dead letter below
  }
  return {
    id: randomUUID(),
    event_id: m.key ?? '',
    stage: 'worker',
    code: 'malformed_dead_letter',
    message: 'A message on the dead-letter topic was not a valid dead-letter record',
    payload: m.value.toString('base64'),
    payload_encoding: 'base64',
    source: null,
    write_key_id: null,
    event_type: null,
    schema_version: null,
    origin_topic: m.topic,
    origin_partition: m.partition,
    origin_offset: m.offset,
    failed_at: new Date(m.timestamp).toISOString(),
    attempts: 1,
  };
}

function toRow(d: DeadLetter) {
  return {
    ...d,
    details: d.details === undefined ? '' : JSON.stringify(d.details),
    failed_at: chTime(d.failed_at),
    first_failed_at: chTime(d.first_failed_at ?? d.failed_at),
    replay_of: d.replay_of ?? '',
  };
}
