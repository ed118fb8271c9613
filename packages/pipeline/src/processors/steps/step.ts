import type { ProcessorEvent, StepKind, StepResult } from '@tributary/contracts';
import type { AggregateContribution, BatchRuntime, WatermarkState } from '../types.ts';

/** What a step sees besides its events: the runtime and where its contributions go. */
export interface StepBatchContext {
  rt: BatchRuntime;
  /** For each event given to the step, its index in the batch given to runBatch. */
  indices: readonly number[];
  contributions: AggregateContribution[];
  watermark: WatermarkState;
}

/** A compiled step: one result per event given, in order. */
export interface CompiledStep {
  readonly id: string;
  readonly kind: StepKind;
  run(events: readonly ProcessorEvent[], ctx: StepBatchContext): StepResult[] | Promise<StepResult[]>;
}

export const PROCESSOR_ERROR = 'processor_error';
export const LATE_EVENT = 'late_event';

export function stepError(id: string, message: string): StepResult {
  return { kind: 'dead_letter', code: PROCESSOR_ERROR, reason: `step ${id}: ${message}` };
}

/**
 * A step that looks at one event at a time. Whatever `apply` throws (a bug, a library error on
 * a strange value) dead-letters that event only; the rest of the batch goes on.
 */
export function perEventStep(
  id: string,
  kind: StepKind,
  apply: (e: ProcessorEvent) => StepResult,
): CompiledStep {
  return {
    id,
    kind,
    run(events) {
      const out = new Array<StepResult>(events.length);
      for (let i = 0; i < events.length; i++) {
        try {
          out[i] = apply(events[i]!);
        } catch (err) {
          out[i] = stepError(id, err instanceof Error ? err.message : String(err));
        }
      }
      return out;
    },
  };
}

/** A short description of a value for error reasons (never the whole value: it may be large or private). */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}
