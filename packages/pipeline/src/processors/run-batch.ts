import { performance } from 'node:perf_hooks';
import type { ProcessorEvent, StepResult } from '@tributary/contracts';
import type { CompiledStep } from './steps/step.ts';
import type { AggregateContribution, BatchOutcome, BatchRuntime, StepStats } from './types.ts';

/**
 * Runs compiled steps in order over a batch: each step sees the events the previous ones kept;
 * a dropped or dead-lettered event stops there. The caller's events are never changed (steps
 * write copy-on-write).
 */
export function createRunBatch(steps: readonly CompiledStep[]) {
  return async function runBatch(events: ProcessorEvent[], rt: BatchRuntime): Promise<BatchOutcome> {
    const results = new Array<StepResult>(events.length);
    const contributions: AggregateContribution[] = [];
    const watermark = rt.watermark ?? { eventTimeMs: Number.NEGATIVE_INFINITY };
    let live: ProcessorEvent[] = events;
    let indices: number[] = events.map((_, i) => i);
    const stats: StepStats[] = [];
    for (const step of steps) {
      const s: StepStats = {
        id: step.id,
        kind: step.kind,
        in: live.length,
        kept: 0,
        dropped: 0,
        deadLettered: 0,
        micros: 0,
      };
      stats.push(s);
      if (live.length === 0) continue;
      const t0 = rt.measure ? performance.now() : 0;
      const out = await step.run(live, { rt, indices, contributions, watermark });
      if (rt.measure) s.micros = Math.round((performance.now() - t0) * 1000);
      const nextLive: ProcessorEvent[] = [];
      const nextIndices: number[] = [];
      for (let i = 0; i < out.length; i++) {
        const r = out[i]!;
        if (r.kind === 'ok') {
          s.kept++;
          nextLive.push(r.event);
          nextIndices.push(indices[i]!);
        } else {
          if (r.kind === 'drop') s.dropped++;
          else s.deadLettered++;
          results[indices[i]!] = r;
        }
      }
      live = nextLive;
      indices = nextIndices;
    }
    for (let i = 0; i < live.length; i++) results[indices[i]!] = { kind: 'ok', event: live[i]! };
    return { results, contributions, steps: stats };
  };
}
