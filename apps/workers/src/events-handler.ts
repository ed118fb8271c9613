import type { ClickHouseClient } from '@tributary/clickhouse';
import {
  addPerSource,
  latencyBucket,
  latencyStage,
  eventIdentityKey,
  type DeadLetter,
  type TopicNames,
} from '@tributary/contracts';
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
import { retryTransient } from './retry.ts';
import type { DependencyTracker } from './health.ts';
import type { WorkerMetrics } from './metrics.ts';
import { batchRetry, type BatchRetry } from './batch/batch-retry.ts';
import { dedupeStage } from './batch/dedupe-stage.ts';
import { eventsSink, type EventsAnnotation } from './batch/events-sink.ts';
import { splitAtInterruption } from './batch/split-batch.ts';
import {
  processorStage,
  type ProcessorStageDeps,
  type ProcessorStageResult,
} from './processors/processor-stage.ts';
import type { ProcessorSet } from './processors/processor-registry.ts';

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
  /** The processors stage; absent, the worker stores events only. */
  processors?: ProcessorStageDeps;
}

const NO_PROCESSORS: ProcessorSet = { processors: [] };

/**
 * One batch of one partition: parse → dedupe → write intent → processors (their own outputs
 * inserted with tokens from the offset range) → insert events (with a token from the offset
 * range) → dead letters → mark ids → clear intents → return, after which the consumer commits.
 * Anything not inserted is on the dead-letter topic before this resolves.
 */
export function createEventsHandler(deps: EventsHandlerDeps) {
  const { logger } = deps;

  return async function handleBatch(batch: Batch, ctx: BatchContext): Promise<void> {
    const retry = batchRetry(ctx, deps);
    // CRITICAL: the processor set is taken once, here, and kept to the batch's end: a switch
    // published meanwhile applies from the next batch (switch at a batch boundary).
    const set = deps.processors?.registry.current() ?? NO_PROCESSORS;
    const intent = await retryTransient(
      () => deps.dedupe.readIntent(batch.topic, batch.partition),
      retry.transient('redis intent read', 'redis'),
    );
    // A batch reaching past an interrupted one is handled in two: first exactly the interrupted
    // range (so its tokens are the interrupted insert's), then the rest.
    for (const part of splitAtInterruption(batch, intent)) {
      const parsedBatch = parseBatch(part.batch);
      // One span per batch, linked to the ingest request spans whose context each envelope carries.
      const span = tracer.startSpan('workers.events_batch', {
        links: linksOf(parsedBatch.parsed),
        attributes: {
          'messaging.destination.name': part.batch.topic,
          'messaging.kafka.partition': part.batch.partition,
          'messaging.batch.message_count': part.batch.messages.length,
        },
      });
      try {
        await handle(
          part.batch,
          part.intent,
          part.range,
          part.partial,
          parsedBatch.parsed,
          parsedBatch.deadLetters,
          set,
          retry,
        );
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
        throw err;
      } finally {
        span.end();
      }
    }
  };

  async function handle(
    batch: Batch,
    intent: { first: bigint; last: bigint } | null,
    range: { first: string; last: string },
    partial: boolean,
    parsed: Parsed[],
    deadLetters: DeadLetter[],
    set: ProcessorSet,
    retry: BatchRetry,
  ): Promise<void> {
    const started = Date.now();
    const processed = parsed.length + deadLetters.length;

    const { candidates, duplicates } = await dedupeStage(deps, batch, parsed, intent, retry);

    // A batch finishing an interrupted range keeps that range's intent as it is: rewritten with
    // a shorter range, a crash now would hide the rest of it from the next recovery.
    if (!intent) {
      await retryTransient(
        () => deps.dedupe.writeIntent(batch.topic, batch.partition, range.first, range.last),
        retry.transient('redis intent write', 'redis'),
      );
    }

    let processors: ProcessorStageResult | null = null;
    if (deps.processors) {
      processors = await processorStage(deps.processors, batch, range, candidates, set, retry);
      deadLetters.push(...processors.deadLetters);
    }
    const annotations: ReadonlyMap<Parsed, EventsAnnotation> = processors?.annotations ?? new Map();

    // The token names the offset range, not the events: it is unique per batch of a partition
    // whatever sources the rows come from, so it needs no source (event-identity.md).
    const token = `${batch.topic}:${batch.partition}:${range.first}-${range.last}`;
    const failed = await eventsSink(deps, candidates, annotations, token, retry);
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
        retry.transient('dead-letter produce', 'kafka'),
      );
    }

    const failedSet = new Set(failed.map((f) => f.parsed));
    const stored = candidates.filter((p) => !failedSet.has(p));
    const insertedIds = stored.map((p) => eventIdentityKey(p.envelope));
    await retryTransient(() => deps.dedupe.markInserted(insertedIds), retry.transient('redis mark', 'redis'));
    if (deps.processors && processors?.intentWritten) {
      const { intents, watermarks } = deps.processors;
      const reached = processors.watermarks;
      await retryTransient(
        () =>
          partial
            ? intents.keepWatermarks(batch.topic, batch.partition, reached)
            : intents.finish(batch.topic, batch.partition, reached),
        retry.transient('redis processor intent clear', 'redis'),
      );
      watermarks.advance(batch.topic, batch.partition, reached);
    }
    if (!partial) {
      await retryTransient(
        () => deps.dedupe.clearIntent(batch.topic, batch.partition),
        retry.transient('redis intent clear', 'redis'),
      );
    }

    deps.stages.add('processed', processed);
    deps.stages.add('deduplicated', duplicates);
    deps.stages.add('inserted', insertedIds.length);
    deps.stages.add('dead_lettered', deadLetters.length);
    // Per source, for lineage: what was stored, and (below) how long after its ingest request.
    addPerSource(deps.stages, stored, (p) => p.envelope.source, 'inserted');
    deps.metrics.events.inc({ result: 'inserted' }, insertedIds.length);
    deps.metrics.events.inc({ result: 'duplicate' }, duplicates);
    deps.metrics.events.inc({ result: 'dead_lettered' }, deadLetters.length);
    deps.metrics.batchSeconds.observe((Date.now() - started) / 1000);
    const now = Date.now();
    for (const p of candidates) {
      const ms = now - Date.parse(p.envelope.received_at);
      deps.metrics.freshnessSeconds.observe(ms / 1000);
      if (!failedSet.has(p)) deps.stages.add(latencyStage(p.envelope.source, latencyBucket(ms)));
    }
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
