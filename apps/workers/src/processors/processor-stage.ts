import { performance } from 'node:perf_hooks';
import type { DeadLetter, ProcessorEvent } from '@tributary/contracts';
import type { Batch } from '@tributary/kafka';
import { processorEventOf } from '@tributary/pipeline';
import type { Logger, StageCounter } from '@tributary/telemetry';
import type { EventsAnnotation } from '../batch/events-sink.ts';
import type { BatchRetry } from '../batch/batch-retry.ts';
import type { WorkerMetrics } from '../metrics.ts';
import { deadLetterFor, type Parsed } from '../parse-batch.ts';
import { retryTransient, StoppingError } from '../retry.ts';
import type { ProcessorIntent, ProcessorIntents } from './processor-intent.ts';
import type { ProcessorOutputWriter } from './processor-output.ts';
import type { ProcessorRegistry, ProcessorSet, RunningProcessor } from './processor-registry.ts';
import type { RedisDedupeStore } from './redis-dedupe-store.ts';
import type { WatermarkBook } from './watermark-book.ts';

export interface ProcessorStageDeps {
  registry: ProcessorRegistry;
  intents: ProcessorIntents;
  dedupeStore: RedisDedupeStore;
  outputs: ProcessorOutputWriter;
  watermarks: WatermarkBook;
  logger: Logger;
  stages: StageCounter;
  metrics: WorkerMetrics;
  /** Tries for an output block ClickHouse rejects as bad data before its events are dead-lettered. */
  permanentRetries: number;
}

export interface ProcessorStageResult {
  /** For the events insert: what the processor writing to `events` added to each kept event. */
  annotations: Map<Parsed, EventsAnnotation>;
  deadLetters: DeadLetter[];
  /** Whether an intent was written (the caller clears it with the events intent). */
  intentWritten: boolean;
  /** Watermarks reached, by processor name, to keep beside the partition in Redis. */
  watermarks: Record<string, number>;
}

/**
 * Runs every processor whose inputs match over the batch's new events, before the events insert
 * (an `events` output lands on the events rows themselves). 'table' and 'aggregate' outputs are
 * inserted here with the token `<processor>:<version>:<topic>:<partition>:<first>-<last>`; the
 * caller commits offsets only after this resolved and the events insert is done.
 */
export async function processorStage(
  deps: ProcessorStageDeps,
  batch: Batch,
  /** The offset range the batch's tokens name (the interrupted range when finishing one). */
  offsets: { first: string; last: string },
  candidates: Parsed[],
  set: ProcessorSet,
  retry: BatchRetry,
): Promise<ProcessorStageResult> {
  const result: ProcessorStageResult = {
    annotations: new Map(),
    deadLetters: [],
    intentWritten: false,
    watermarks: {},
  };
  const range = `${batch.topic}:${batch.partition}:${offsets.first}-${offsets.last}`;
  const previous = await retryTransient(
    () => deps.intents.read(batch.topic, batch.partition),
    retry.transient('redis processor intent read', 'redis'),
  );
  const resumed = previous !== null && BigInt(previous.first) <= BigInt(batch.lastOffset) ? previous : null;
  const running = await chosenVersions(deps, set, resumed);
  if (running.length === 0 && !resumed) return result;

  const startMarks = resumed
    ? resumed.watermarks
    : await retryTransient(
        () =>
          deps.watermarks.at(
            batch.topic,
            batch.partition,
            running.map((p) => p.name),
          ),
        retry.transient('redis watermark read', 'redis'),
      );
  // A resumed intent stays as it was written (versions, watermarks, range): until its range is
  // finished, every redelivery must be judged against the first attempt.
  const intent: ProcessorIntent = resumed ?? {
    first: offsets.first,
    last: offsets.last,
    versions: Object.fromEntries(running.map((p) => [p.name, p.version])),
    watermarks: startMarks,
  };
  if (!resumed) {
    await retryTransient(
      () => deps.intents.write(batch.topic, batch.partition, intent),
      retry.transient('redis processor intent write', 'redis'),
    );
  }
  result.intentWritten = true;
  const landed = new Set(intent.landed ?? []);

  // One ProcessorEvent per new event, made once and shared by every processor.
  let events: Map<Parsed, ProcessorEvent> | null = null;
  for (const p of running) {
    const mine = candidates.filter((c) => p.compiled.accepts(c.envelope));
    if (mine.length === 0) {
      if (startMarks[p.name] !== undefined) result.watermarks[p.name] = startMarks[p.name]!;
      continue;
    }
    events ??= new Map(candidates.map((c) => [c, processorEventOf(c.envelope)]));
    const shared = events;
    const input = mine.map((c) => shared.get(c)!);
    const started = performance.now();
    // Steps write copy-on-write, so every processor can be given the same event objects. The
    // watermark is advanced by the run itself, event by event: each attempt starts from the
    // batch's starting mark.
    const { outcome, watermark } = await retryTransient(
      async () => {
        const watermark = { eventTimeMs: startMarks[p.name] ?? Number.NEGATIVE_INFINITY };
        const outcome = await p.compiled.runBatch(input, {
          dedupe: deps.dedupeStore.forOwner(`${p.name}:${p.version}:${range}`),
          scope: p.name,
          watermark,
          measure: false,
        });
        return { outcome, watermark };
      },
      retry.transient(`processor ${p.name} (redis dedupe)`, 'redis'),
    );
    const seconds = (performance.now() - started) / 1000;
    if (Number.isFinite(watermark.eventTimeMs)) result.watermarks[p.name] = watermark.eventTimeMs;

    const kept: ProcessorEvent[] = [];
    let dropped = 0;
    const failedHere: DeadLetter[] = [];
    outcome.results.forEach((r, i) => {
      const parsed = mine[i]!;
      if (r.kind === 'ok') {
        kept.push(r.event);
        if (p.definition.output.kind === 'events') {
          if (!result.annotations.has(parsed)) {
            result.annotations.set(parsed, {
              derived: r.event.derived,
              processor: p.name,
              processorVersion: p.version,
            });
          }
        }
      } else if (r.kind === 'drop') {
        dropped++;
      } else {
        failedHere.push(processorDeadLetter(parsed, p, r.code, r.reason));
      }
    });

    const output = p.definition.output;
    if (output.kind !== 'events') {
      const block =
        output.kind === 'table'
          ? { kind: 'table' as const, rows: kept }
          : { kind: 'aggregate' as const, contributions: outcome.contributions };
      const size = block.kind === 'table' ? block.rows.length : block.contributions.length;
      // NOTE: a block recorded as landed for the interrupted range already holds these events.
      if (size > 0 && !landed.has(p.name)) {
        const rejected = await writeOutput(deps, p, block, `${p.name}:${p.version}:${range}`, retry);
        // Only a block under the whole range's token stands for the whole range.
        if (!rejected && offsets.first === intent.first && offsets.last === intent.last) {
          landed.add(p.name);
          intent.landed = [...landed];
          await retryTransient(
            () => deps.intents.write(batch.topic, batch.partition, intent),
            retry.transient('redis processor intent write', 'redis'),
          );
        }
        if (rejected) {
          // The block as a whole was refused: every kept event of it is dead-lettered, none half-written.
          outcome.results.forEach((r, i) => {
            if (r.kind === 'ok')
              failedHere.push(processorDeadLetter(mine[i]!, p, 'output_invalid', rejected));
          });
          kept.length = 0;
        }
      }
    }
    result.deadLetters.push(...failedHere);
    count(
      deps,
      p,
      { in: mine.length, kept: kept.length, dropped, dead_lettered: failedHere.length },
      seconds,
    );
  }
  return result;
}

/**
 * The versions this batch runs: the set taken at its start, except that a batch interrupted by
 * a crash is finished with the versions it started with (recorded in its intent), whatever was
 * published since: no event of it is run by two versions.
 */
async function chosenVersions(
  deps: ProcessorStageDeps,
  set: ProcessorSet,
  resumed: ProcessorIntent | null,
): Promise<RunningProcessor[]> {
  if (!resumed) return [...set.processors];
  const out: RunningProcessor[] = [];
  for (const [name, version] of Object.entries(resumed.versions)) {
    const p = await deps.registry.version(name, version);
    if (p) out.push(p);
    else
      deps.logger.error(
        { processor: name, version },
        'interrupted batch: its processor version no longer compiles; skipped',
      );
  }
  // Processors activated since ran nothing of this batch: they run it now, once.
  for (const p of set.processors) if (!(p.name in resumed.versions)) out.push(p);
  if (out.length > 0)
    deps.logger.warn(
      { versions: resumed.versions },
      'finishing an interrupted batch with the versions it started with',
    );
  return out;
}

/** Inserts the block; returns why ClickHouse refused it for good, or null once it is stored. */
async function writeOutput(
  deps: ProcessorStageDeps,
  p: RunningProcessor,
  block: Parameters<ProcessorOutputWriter['write']>[1],
  token: string,
  retry: BatchRetry,
): Promise<string | null> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= deps.permanentRetries; attempt++) {
    try {
      await retryTransient(
        () => deps.outputs.write(p, block, token),
        retry.clickhouse(`processor ${p.name} output insert`),
      );
      return null;
    } catch (err) {
      if (err instanceof StoppingError) throw err;
      lastError = err;
    }
  }
  deps.logger.error(
    { processor: p.name, version: p.version, err: String(lastError) },
    'processor output refused by ClickHouse',
  );
  return String((lastError as Error)?.message ?? lastError);
}

function processorDeadLetter(parsed: Parsed, p: RunningProcessor, code: string, reason: string): DeadLetter {
  return deadLetterFor(parsed.message, {
    stage: 'processor',
    code,
    reason,
    envelope: parsed.envelope,
    payload: JSON.stringify(parsed.envelope),
    details: { processor: p.name, processor_version: p.version },
  });
}

function count(
  deps: ProcessorStageDeps,
  p: RunningProcessor,
  n: { in: number; kept: number; dropped: number; dead_lettered: number },
  seconds: number,
) {
  for (const [result, value] of Object.entries(n)) {
    if (value === 0) continue;
    deps.metrics.processorEvents.inc({ processor: p.name, result }, value);
    deps.stages.add(`processor:${p.name}:${result}`, value);
  }
  deps.metrics.processorSeconds.inc({ processor: p.name }, seconds);
  deps.stages.add(`processor:${p.name}:micros`, Math.round(seconds * 1e6));
}
