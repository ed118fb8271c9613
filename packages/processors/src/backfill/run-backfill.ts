import type { ProcessorDefinition } from '@tributary/contracts';
import {
  compileProcessor,
  createMemoryDedupeStore,
  type CompileContext,
  type WatermarkState,
} from '@tributary/pipeline';
import { insertProcessorOutput } from '../tables/insert-output.ts';
import { OutputTableError } from '../tables/layout.ts';
import type { OutputTarget } from '../tables/names.ts';
import { backfillKey, backfillRun, chunkToken, type BackfillSpec } from './backfill-identity.ts';
import { pace } from './pace.ts';
import { countEvents, keyOf, readChunk, type EventKey, type EventSelection } from './read-events.ts';

/** Where a backfill stands; the caller records it after every chunk to resume or report it. */
export interface BackfillState {
  key: string;
  /** The aggregate row set it writes. */
  run: string;
  /** Only events stored by then are read, so chunk boundaries stay put across resumes. */
  snapshotAt: number;
  total: number;
  rowsDone: number;
  kept: number;
  dropped: number;
  deadLettered: number;
  chunksDone: number;
  /** The last event key of the last finished chunk. */
  lastKey: EventKey | null;
  status: 'pending' | 'running' | 'stopped' | 'finished';
}

export interface BackfillJob extends BackfillSpec {
  definition: ProcessorDefinition;
  /** Default 5,000 events per chunk (one read, one insert). */
  chunkSize?: number;
}

export interface RunBackfillOptions {
  /** What compiling the version needs (lookup tables, pii secret and fields), as for the workers. */
  compileContext: CompileContext;
  /** Events per second; none: as fast as ClickHouse answers. */
  rateLimitPerSecond?: number;
  /** Stops between chunks: the state then says 'stopped' and a later run resumes. */
  signal?: AbortSignal;
  /** Awaited after every chunk's insert resolved: record the state here (resume point). */
  onProgress?: (state: BackfillState) => Promise<void> | void;
  now?: () => number;
}

/** The first state of a backfill: its identity, snapshot time and the number of events to process. */
export async function planBackfill(
  target: OutputTarget,
  job: BackfillJob,
  now: number = Date.now(),
): Promise<BackfillState> {
  if (job.definition.output.kind === 'events') {
    throw new OutputTableError(
      "a processor writing to the events output cannot be backfilled: it would rewrite the table it reads (and count every event again in the Live chart's per-minute view)",
    );
  }
  if (!(job.from.getTime() < job.to.getTime())) throw new OutputTableError('the backfill range is empty');
  const key = backfillKey(job);
  const total = await countEvents(target, selection(job, now));
  return {
    key,
    run: backfillRun(key),
    snapshotAt: now,
    total,
    rowsDone: 0,
    kept: 0,
    dropped: 0,
    deadLettered: 0,
    chunksDone: 0,
    lastKey: null,
    status: 'pending',
  };
}

function selection(job: BackfillJob, snapshotAt: number): EventSelection {
  return { from: job.from, to: job.to, snapshotAt, inputs: job.definition.inputs };
}

/**
 * A watermark that never advances. A backfill reads a closed range in sorting-key order, not
 * in time order, so no window of the range is ever "closed" by arrival: every event counts.
 * (The aggregate step advances the watermark it is given; this one ignores the writes.)
 */
function openWatermark(): WatermarkState {
  return {
    get eventTimeMs() {
      return Number.NEGATIVE_INFINITY;
    },
    set eventTimeMs(_ignored: number) {
      /* see above */
    },
  };
}

/**
 * Re-runs a processor version over the events stored in a time range (Kappa reprocessing), in
 * chunks in sorting-key order, each written with a token derived from the backfill and the
 * chunk number. Exactly once: a finished state returns at once, a resumed one skips its
 * recorded chunks, and a chunk written but not recorded (a crash between the two) is written
 * again under the same token, which ClickHouse drops. Aggregates go to the backfill's own run
 * (docs/decisions/backfill.md); table outputs replace the rows of the same events.
 */
export async function runBackfill(
  target: OutputTarget,
  job: BackfillJob,
  initial: BackfillState,
  options: RunBackfillOptions,
): Promise<BackfillState> {
  if (initial.status === 'finished') return initial;
  if (initial.key !== backfillKey(job)) throw new OutputTableError('this state belongs to another backfill');
  const compiled = compileProcessor(job.definition, options.compileContext);
  if (!compiled.ok) {
    throw new OutputTableError(
      `version ${job.version} does not compile: ${compiled.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
  }
  const now = options.now ?? Date.now;
  const chunkSize = job.chunkSize ?? 5_000;
  const sel = selection(job, initial.snapshotAt);
  // NOTE: dedupe steps remember keys for this run only; a resumed run starts with none.
  const dedupe = createMemoryDedupeStore(now);
  let state: BackfillState = { ...initial, status: 'running' };
  const startedAt = now();
  const doneAtStart = state.rowsDone;
  for (;;) {
    if (options.signal?.aborted) {
      state = { ...state, status: 'stopped' };
      await options.onProgress?.(state);
      return state;
    }
    const events = await readChunk(target, sel, state.lastKey, chunkSize);
    if (events.length === 0) break;
    const outcome = await compiled.processor.runBatch(events, {
      dedupe,
      scope: `backfill:${state.key}`,
      watermark: openWatermark(),
    });
    let kept = 0;
    let dropped = 0;
    let deadLettered = 0;
    const keptEvents = [];
    for (const r of outcome.results) {
      if (r.kind === 'ok') {
        kept++;
        keptEvents.push(r.event);
      } else if (r.kind === 'drop') dropped++;
      else deadLettered++;
    }
    await insertProcessorOutput(target, {
      processor: job.processor,
      version: job.version,
      definition: job.definition,
      rows: keptEvents,
      contributions: outcome.contributions,
      token: chunkToken(state.key, state.chunksDone),
      run: state.run,
    });
    state = {
      ...state,
      rowsDone: state.rowsDone + events.length,
      kept: state.kept + kept,
      dropped: state.dropped + dropped,
      deadLettered: state.deadLettered + deadLettered,
      chunksDone: state.chunksDone + 1,
      lastKey: keyOf(events.at(-1)!),
    };
    await options.onProgress?.(state);
    if (events.length < chunkSize) break;
    await pace(startedAt, state.rowsDone - doneAtStart, options.rateLimitPerSecond, options.signal, now);
  }
  state = { ...state, status: 'finished' };
  await options.onProgress?.(state);
  return state;
}
