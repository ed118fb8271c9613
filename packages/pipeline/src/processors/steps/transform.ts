import type { ProcessorEvent, StepResult } from '@tributary/contracts';
import type { CompiledExpression } from '../expressions.ts';
import { getAt, removeAt, setAt, splitPath } from '../field-paths.ts';
import { castValue } from './cast-value.ts';
import type { TransformStep } from './step-types.ts';
import { perEventStep, stepError, type CompiledStep } from './step.ts';

type Op = (e: ProcessorEvent) => { ok: true; event: ProcessorEvent } | { ok: false; message: string };

/**
 * set / rename / remove / cast / default, in the order listed; each op sees the previous ones'
 * result. An absent field is left absent by rename, remove and cast.
 */
export function transformStep(
  step: TransformStep,
  expressions: ReadonlyMap<number, CompiledExpression>,
): CompiledStep {
  const ops: Op[] = step.ops.map((op, i): Op => {
    switch (op.op) {
      case 'set': {
        const at = splitPath(op.field);
        const expr = expressions.get(i)!;
        return (e) => {
          const r = expr.evaluate(e);
          return r.ok
            ? { ok: true, event: setAt(e, at, r.value) }
            : { ok: false, message: `set ${op.field}: ${r.message}` };
        };
      }
      case 'default': {
        const at = splitPath(op.field);
        const expr = expressions.get(i)!;
        return (e) => {
          const current = getAt(e, at);
          if (current !== undefined && current !== null) return { ok: true, event: e };
          const r = expr.evaluate(e);
          return r.ok
            ? { ok: true, event: setAt(e, at, r.value) }
            : { ok: false, message: `default ${op.field}: ${r.message}` };
        };
      }
      case 'rename': {
        const from = splitPath(op.from);
        const to = splitPath(op.to);
        return (e) => {
          const v = getAt(e, from);
          if (v === undefined) return { ok: true, event: e };
          return { ok: true, event: setAt(removeAt(e, from), to, v) };
        };
      }
      case 'remove': {
        const at = splitPath(op.field);
        return (e) => ({ ok: true, event: removeAt(e, at) });
      }
      case 'cast': {
        const at = splitPath(op.field);
        return (e) => {
          const v = getAt(e, at);
          if (v === undefined || v === null) return { ok: true, event: e };
          const c = castValue(v, op.to);
          return c.ok
            ? { ok: true, event: setAt(e, at, c.value) }
            : { ok: false, message: `cast ${op.field}: ${c.message}` };
        };
      }
    }
  });
  return perEventStep(step.id, step.kind, (event): StepResult => {
    let e = event;
    for (const op of ops) {
      const r = op(e);
      if (!r.ok) return stepError(step.id, r.message);
      e = r.event;
    }
    return { kind: 'ok', event: e };
  });
}
