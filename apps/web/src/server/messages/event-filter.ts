import type { ProcessorEvent } from '@tributary/contracts';
import { compileExpression } from '@tributary/pipeline/src/processors/expressions.ts';

/**
 * The browser's filter: a CEL expression compiled once by the same code processors use
 * (@tributary/pipeline), so what matches here is what a processor's filter step would keep.
 */
export type EventFilter = (
  event: ProcessorEvent,
) => { ok: true; match: boolean } | { ok: false; message: string };

export type FilterCompilation =
  | { ok: true; filter: EventFilter | null }
  | { ok: false; message: string; position?: number };

/** Compiles a filter; an empty expression is no filter (every event matches). */
export function compileEventFilter(expression: string): FilterCompilation {
  if (expression.trim() === '') return { ok: true, filter: null };
  const compiled = compileExpression(expression);
  if (!compiled.ok) return compiled;
  // A filter decides keep or not: a type the checker knows is not boolean is refused up front.
  if (compiled.type !== 'bool' && compiled.type !== 'dyn') {
    return {
      ok: false,
      message: `a filter must be true or false for each event; this expression gives ${compiled.type}`,
    };
  }
  const { expression: e } = compiled;
  return {
    ok: true,
    filter: (event) => {
      const r = e.evaluate(event);
      if (!r.ok) return r;
      if (typeof r.value !== 'boolean')
        return { ok: false, message: `the filter gave ${typeof r.value}, not true or false` };
      return { ok: true, match: r.value };
    },
  };
}
