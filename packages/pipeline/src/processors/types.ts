import type { ProcessorDefinition, ProcessorEvent, StepKind, StepResult } from '@tributary/contracts';

/** A CSV lookup table, parsed and indexed by its key column (one immutable table version). */
export interface LookupTableData {
  name: string;
  version: number;
  keyColumn: string;
  columns: string[];
  rows: ReadonlyMap<string, Record<string, string>>;
}

export interface CompileContext {
  /** Dotted field paths known for the input event types (from registry schemas, e.g. 'data.plan'); undefined = do not check. */
  knownFields?: ReadonlySet<string>;
  /** pii-tagged paths per event type (registry field tags mapped to dotted paths like 'data.email'). */
  piiFields?: (eventType: string) => readonly string[];
  lookupTables?: ReadonlyMap<string, LookupTableData>;
  /** HMAC-SHA256 secret for pii_hash; compile fails clearly when a pii_hash step exists and it is missing. */
  piiSecret?: string;
}

/** A refusal of a definition; `path` points into it, like 'steps[2].expression'. */
export type DefinitionError = { path: string; message: string };

/** Keeps the first sighting of a key within a window. */
export interface DedupeStore {
  /**
   * One answer per key, in order: true = first sighting within the window (keep).
   * `owners[i]` names the event asking for `keys[i]` (its eventIdentityKey). A store that keeps
   * the owner answers true again when the same event asks again, so a batch re-run after a
   * crash (before its offsets were committed) keeps its events instead of dropping them as
   * duplicates of themselves. Optional: a store may ignore it.
   */
  firstSeen(scope: string, keys: string[], windowSeconds: number, owners?: string[]): Promise<boolean[]>;
}

/** Max event time seen so far; the caller keeps one per (processor, partition). */
export interface WatermarkState {
  eventTimeMs: number;
}

/** What one event adds to one window of an aggregate. */
export interface AggregateContribution {
  /** Index of the event in the batch given to runBatch. */
  eventIndex: number;
  windowStart: number;
  windowEnd: number;
  groups: Record<string, string>;
  values: Record<string, number | string | null>;
}

export interface StepStats {
  id: string;
  kind: StepKind;
  in: number;
  kept: number;
  dropped: number;
  deadLettered: number;
  /** Time spent in the step over the batch (0 unless measured). */
  micros: number;
}

export interface BatchOutcome {
  /** One per input event, in input order. */
  results: StepResult[];
  contributions: AggregateContribution[];
  steps: StepStats[];
}

export interface BatchRuntime {
  dedupe: DedupeStore;
  /** Dedupe keys are remembered per scope (e.g. the processor's id). */
  scope: string;
  watermark?: WatermarkState;
  measure?: boolean;
}

export interface CompiledProcessor {
  readonly definition: ProcessorDefinition;
  /**
   * Runs the steps in order over a batch (order kept). Async only because of dedupe. Never throws for bad events: a step error dead-letters that event with code processor_error.
   * It rejects only when the dedupe store fails (e.g. Redis is down): the batch is then to be retried, not dead-lettered.
   */
  runBatch(events: ProcessorEvent[], rt: BatchRuntime): Promise<BatchOutcome>;
  /**
   * Whether the event is one of this processor's inputs (event types / sources). runBatch does
   * not check it: the caller routes, since an event that is not an input is not "dropped".
   */
  accepts(event: Pick<ProcessorEvent, 'event_type' | 'source'>): boolean;
}
