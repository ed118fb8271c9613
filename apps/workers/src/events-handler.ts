import type { ClickHouseClient } from '@tributary/clickhouse';
import { eventIdentityKey, type DeadLetter, type EventIdentity, type TopicNames } from '@tributary/contracts';
import type { Batch, BatchContext, Producer } from '@tributary/kafka';
import {
  contextFromHeaders,
  SpanStatusCode,
  trace,
  type Link,
  type Logger,
  type StageCounter,
} from '@tributary/telemetry';
import type { Dedupe } from './dedupe.ts';
import type { DedupeMemory } from './dedupe-memory.ts';
import { deadLetterFor, parseBatch, type Parsed } from './parse-batch.ts';
import { toEventRow, type EventRow } from './rows.ts';
import { isTransientClickHouseError } from './clickhouse-errors.ts';
import { retryTransient, StoppingError, type RetryOptions } from './retry.ts';
import type { DependencyName, DependencyTracker } from './health.ts';
import type { WorkerMetrics } from './metrics.ts';

export interface EventsHandlerDeps {
  clickhouse: ClickHouseClient;
  dedupe: Dedupe;
  /** Whether Redis's marks cover the whole window (it may have restarted empty). */
  dedupeMemory: DedupeMemory;
  producer: Producer;
  topics: TopicNames;
  logger: Logger;
  stages: StageCounter;
  metrics: WorkerMetrics;
  stopping: () => boolean;
  permanentRetries: number;
  /** Marks dependencies unavailable while their operations are being retried (health). */
  dependencies: DependencyTracker;
}

/**
 * One batch of one partition: parse → dedupe → enrich → insert (with a token derived from the
 * offset range) → mark ids → return, after which the consumer commits. Anything not inserted
 * is on the dead-letter topic before this resolves.
 */
export function createEventsHandler(deps: EventsHandlerDeps) {
  const { dedupe, logger } = deps;

  return async function handleBatch(batch: Batch, ctx: BatchContext): Promise<void> {
    /** Retry options for one operation of this batch on `dependency`, logged as `label`. */
    const transient = (label: string, dependency: DependencyName): RetryOptions => ({
      isTransient: () => true,
      stopping: deps.stopping,
      signal: ctx.signal,
      onRetry: (err: unknown, attempt: number) => {
        deps.dependencies.failed(dependency, err);
        // A retry is a sign of life: the consumer loop is waiting, not stalled.
        ctx.progress();
        logger.warn({ err: String(err), attempt }, `${label} failed; retrying`);
      },
      onSuccess: () => deps.dependencies.ok(dependency),
    });
    const clickhouseRetry = (label: string): RetryOptions => ({
      ...transient(label, 'clickhouse'),
      isTransient: isTransientClickHouseError,
    });
    const { parsed, deadLetters } = parseBatch(batch);
    // One span per batch, linked to the ingest request spans whose context each envelope carries.
    const span = tracer.startSpan('workers.events_batch', {
      links: linksOf(parsed),
      attributes: {
        'messaging.destination.name': batch.topic,
        'messaging.kafka.partition': batch.partition,
        'messaging.batch.message_count': batch.messages.length,
      },
    });
    try {
      await handle(batch, parsed, deadLetters, transient, clickhouseRetry);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
      throw err;
    } finally {
      span.end();
    }
  };

  async function handle(
    batch: Batch,
    parsed: Parsed[],
    deadLetters: DeadLetter[],
    transient: (label: string, dependency: DependencyName) => RetryOptions,
    clickhouseRetry: (label: string) => RetryOptions,
  ): Promise<void> {
    const started = Date.now();
    const processed = parsed.length + deadLetters.length;

    // Duplicates inside the batch keep their first occurrence. An event is its (source,
    // event_type, event_id): the same event_id from another source is another event.
    const unique = new Map<string, Parsed>();
    for (const p of parsed) {
      const key = eventIdentityKey(p.envelope);
      if (!unique.has(key)) unique.set(key, p);
    }
    let candidates = [...unique.values()];

    const ids = [...unique.keys()];
    const seen = await retryTransient(() => dedupe.seen(ids), transient('redis dedupe lookup', 'redis'));
    candidates = candidates.filter((_, i) => !seen[i]);

    const intent = await retryTransient(
      () => dedupe.readIntent(batch.topic, batch.partition),
      transient('redis intent read', 'redis'),
    );
    // The previous owner of this partition may have inserted part of this range and died before
    // marking it: ClickHouse itself says what landed.
    const recovering = intent !== null && intent.first <= BigInt(batch.lastOffset);
    // NOTE: a replayed event may arrive long after its first insert, when Redis no longer holds
    // (or lost) the mark. Replays are rare, so their ids are always checked against ClickHouse:
    // replaying twice must never count twice, in events or in the aggregates fed from it.
    // One lookup serves both cases.
    // After Redis lost its marks, every id not marked since is checked the same way.
    const forgetful =
      !recovering &&
      candidates.length > 0 &&
      (await retryTransient(() => deps.dedupeMemory.incomplete(), transient('dedupe memory check', 'redis')));
    const toCheck = recovering || forgetful ? candidates : candidates.filter((p) => p.envelope.replay);
    if (toCheck.length > 0) {
      const landed = await retryTransient(
        () =>
          existingIdentities(
            deps.clickhouse,
            toCheck.map((p) => p.envelope),
          ),
        clickhouseRetry(
          recovering
            ? 'clickhouse recovery lookup'
            : forgetful
              ? 'clickhouse dedupe lookup'
              : 'clickhouse replay lookup',
        ),
      );
      if (recovering)
        logger.warn(
          { partition: batch.partition, checked: toCheck.length, already_inserted: landed.size },
          'recovering a batch interrupted by a crash',
        );
      if (landed.size > 0) candidates = candidates.filter((p) => !landed.has(eventIdentityKey(p.envelope)));
    }
    const duplicates = parsed.length - candidates.length;

    await retryTransient(
      () => dedupe.writeIntent(batch.topic, batch.partition, batch.firstOffset, batch.lastOffset),
      transient('redis intent write', 'redis'),
    );

    const processedAt = new Date();
    const rows = candidates.map((p) => toEventRow(p.envelope, processedAt));
    // The token names the offset range, not the events: it is unique per batch of a partition
    // whatever sources the rows come from, so it needs no source (event-identity.md).
    const token = `${batch.topic}:${batch.partition}:${batch.firstOffset}-${batch.lastOffset}`;
    const failed = await insertWithFallback(rows, token, candidates, clickhouseRetry);
    for (const f of failed) {
      deadLetters.push(
        deadLetterFor(f.parsed.message, {
          stage: 'sink',
          code: 'insert_rejected',
          reason: f.reason,
          envelope: f.parsed.envelope,
          payload: JSON.stringify(f.parsed.envelope),
        }),
      );
    }

    if (deadLetters.length > 0) {
      await retryTransient(
        () =>
          deps.producer.send(
            deps.topics.deadLetters,
            deadLetters.map((d) => ({ key: d.id, value: JSON.stringify(d), headers: {} })),
          ),
        transient('dead-letter produce', 'kafka'),
      );
    }

    const failedSet = new Set(failed.map((f) => f.parsed));
    const insertedIds = candidates.filter((p) => !failedSet.has(p)).map((p) => eventIdentityKey(p.envelope));
    await retryTransient(() => dedupe.markInserted(insertedIds), transient('redis mark', 'redis'));
    await retryTransient(
      () => dedupe.clearIntent(batch.topic, batch.partition),
      transient('redis intent clear', 'redis'),
    );

    deps.stages.add('processed', processed);
    deps.stages.add('deduplicated', duplicates);
    deps.stages.add('inserted', insertedIds.length);
    deps.stages.add('dead_lettered', deadLetters.length);
    deps.metrics.events.inc({ result: 'inserted' }, insertedIds.length);
    deps.metrics.events.inc({ result: 'duplicate' }, duplicates);
    deps.metrics.events.inc({ result: 'dead_lettered' }, deadLetters.length);
    deps.metrics.batchSeconds.observe((Date.now() - started) / 1000);
    const now = Date.now();
    for (const p of candidates)
      deps.metrics.freshnessSeconds.observe((now - Date.parse(p.envelope.received_at)) / 1000);
    logger.debug(
      {
        partition: batch.partition,
        first: batch.firstOffset,
        last: batch.lastOffset,
        inserted: insertedIds.length,
      },
      'batch done',
    );
    for (const d of deadLetters) {
      logger.warn(
        {
          event_id: d.event_id,
          trace_id: traceIdOf(d, parsed),
          stage: d.stage,
          code: d.code,
          reason: d.message,
        },
        'event dead-lettered',
      );
    }
  }

  /**
   * Inserts the batch; if ClickHouse keeps rejecting the data itself, inserts row by row so
   * one bad row does not hold back the rest, and returns the rows that still fail.
   */
  async function insertWithFallback(
    rows: EventRow[],
    token: string,
    candidates: Parsed[],
    clickhouseRetry: (label: string) => RetryOptions,
  ) {
    const failed: Array<{ parsed: Parsed; reason: string }> = [];
    if (rows.length === 0) return failed;
    let lastError: unknown;
    for (let attempt = 0; attempt <= deps.permanentRetries; attempt++) {
      try {
        await retryTransient(() => insert(rows, token), clickhouseRetry('clickhouse insert'));
        return failed;
      } catch (err) {
        if (err instanceof StoppingError) throw err;
        lastError = err;
      }
    }
    logger.warn(
      { err: String(lastError), rows: rows.length },
      'batch rejected by ClickHouse; inserting row by row',
    );
    for (let i = 0; i < rows.length; i++) {
      const parsed = candidates[i]!;
      try {
        await retryTransient(
          () => insert([rows[i]!], `${token}:${parsed.message.offset}:${parsed.index}`),
          clickhouseRetry('clickhouse row insert'),
        );
      } catch (err) {
        if (err instanceof StoppingError) throw err;
        failed.push({ parsed, reason: String((err as Error).message ?? err) });
      }
    }
    return failed;
  }

  async function insert(rows: EventRow[], token: string) {
    await deps.clickhouse.insert({
      table: 'events',
      values: rows,
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: token, insert_deduplicate: 1 },
    });
  }
}

const tracer = trace.getTracer('tributary-workers');
const MAX_LINKS = 128;

/** Links to the distinct ingest spans of a batch's events (bounded). */
function linksOf(parsed: Parsed[]): Link[] {
  const seen = new Set<string>();
  const links: Link[] = [];
  for (const p of parsed) {
    const tp = p.envelope.traceparent;
    if (!tp || seen.has(tp)) continue;
    seen.add(tp);
    const ctx = trace.getSpanContext(contextFromHeaders({ traceparent: tp }));
    if (ctx) links.push({ context: ctx });
    if (links.length >= MAX_LINKS) break;
  }
  return links;
}

/** The trace id a dead-lettered event carried from ingest, for logs. */
function traceIdOf(d: DeadLetter, parsed: Parsed[]): string | undefined {
  const tp = parsed.find((p) => p.envelope.event_id === d.event_id && p.envelope.source === d.source)
    ?.envelope.traceparent;
  return tp ? trace.getSpanContext(contextFromHeaders({ traceparent: tp }))?.traceId : undefined;
}

// Query parameters travel in the URL, which HTTP servers cap (16 KB by default in Node):
// ~45 bytes per quoted, encoded id keeps a chunk well under it.
const RECOVERY_CHUNK = 200;

/**
 * The identity keys (eventIdentityKey) of these events that are already stored. The query
 * narrows by event_id (the shortest list to send) and returns the whole identity of each row
 * found, so an event of the same id from another source does not count as this one.
 */
async function existingIdentities(
  clickhouse: ClickHouseClient,
  events: EventIdentity[],
): Promise<Set<string>> {
  const wanted = new Set(events.map(eventIdentityKey));
  const ids = [...new Set(events.map((e) => e.event_id))];
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += RECOVERY_CHUNK) {
    const rs = await clickhouse.query({
      query: 'SELECT DISTINCT source, event_type, event_id FROM events WHERE event_id IN {ids:Array(String)}',
      query_params: { ids: ids.slice(i, i + RECOVERY_CHUNK) },
      format: 'JSONEachRow',
    });
    for (const r of await rs.json<{ source: string; event_type: string; event_id: string }>()) {
      const key = eventIdentityKey(r);
      if (wanted.has(key)) found.add(key);
    }
  }
  return found;
}
