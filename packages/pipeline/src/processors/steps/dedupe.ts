import { eventIdentityKey, type StepResult } from '@tributary/contracts';
import type { CompiledExpression } from '../expressions.ts';
import type { DedupeStep } from './step-types.ts';
import { describeValue, stepError, type CompiledStep } from './step.ts';

/**
 * Drops an event whose key was seen within the window: first among the batch (a repeat inside
 * the batch is dropped without asking the store), then by the store, per scope and step.
 */
export function dedupeStep(step: DedupeStep, key: CompiledExpression): CompiledStep {
  return {
    id: step.id,
    kind: step.kind,
    async run(events, ctx) {
      const out = new Array<StepResult>(events.length);
      const firstIndexOfKey = new Map<string, number>();
      const asked: string[] = [];
      const owners: string[] = [];
      const askedAt: number[] = [];
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        const r = key.evaluate(event);
        if (!r.ok) {
          out[i] = stepError(step.id, r.message);
          continue;
        }
        const v = r.value;
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
          out[i] = stepError(
            step.id,
            `the dedupe key is ${describeValue(v)}, not a string, number or boolean`,
          );
          continue;
        }
        const k = String(v);
        if (firstIndexOfKey.has(k)) {
          out[i] = { kind: 'drop', reason: `dedupe ${step.id}: key seen earlier in the batch` };
          continue;
        }
        firstIndexOfKey.set(k, i);
        asked.push(k);
        owners.push(eventIdentityKey(event));
        askedAt.push(i);
        out[i] = { kind: 'ok', event };
      }
      if (asked.length > 0) {
        const fresh = await ctx.rt.dedupe.firstSeen(
          `${ctx.rt.scope}:${step.id}`,
          asked,
          step.windowSeconds,
          owners,
        );
        for (let j = 0; j < askedAt.length; j++) {
          if (fresh[j] !== true) {
            out[askedAt[j]!] = {
              kind: 'drop',
              reason: `dedupe ${step.id}: key seen within ${step.windowSeconds} s`,
            };
          }
        }
      }
      return out;
    },
  };
}
