import type { FilterStep } from './step-types.ts';
import type { CompiledExpression } from '../expressions.ts';
import { describeValue, perEventStep, stepError, type CompiledStep } from './step.ts';

/** Keeps the event when the expression is true, drops it when false; anything else dead-letters. */
export function filterStep(step: FilterStep, expression: CompiledExpression): CompiledStep {
  const dropReason = `filter ${step.id}: false`;
  return perEventStep(step.id, step.kind, (event) => {
    const r = expression.evaluate(event);
    if (!r.ok) return stepError(step.id, r.message);
    if (r.value === true) return { kind: 'ok', event };
    if (r.value === false) return { kind: 'drop', reason: dropReason };
    return stepError(step.id, `the filter gave ${describeValue(r.value)}, not true or false`);
  });
}
