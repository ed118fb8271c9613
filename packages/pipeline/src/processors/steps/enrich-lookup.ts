import type { LookupTableData } from '../types.ts';
import { getAt, setAt, splitPath } from '../field-paths.ts';
import type { LookupStep } from './step-types.ts';
import { perEventStep, type CompiledStep } from './step.ts';

/**
 * Writes the table row whose key column equals the event's key (as text), or null. The table is
 * the version given at compile time: a new table version takes effect by recompiling.
 */
export function enrichLookupStep(step: LookupStep, table: LookupTableData): CompiledStep {
  const key = splitPath(step.key);
  const to = splitPath(step.to);
  return perEventStep(step.id, step.kind, (event) => {
    const k = getAt(event, key);
    const text =
      typeof k === 'string' ? k : typeof k === 'number' || typeof k === 'boolean' ? String(k) : undefined;
    const row = text === undefined ? undefined : table.rows.get(text);
    return { kind: 'ok', event: setAt(event, to, row ?? null) };
  });
}
