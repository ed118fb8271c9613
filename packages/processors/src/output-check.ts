import type { ProcessorDefinition, ProcessorEvent } from '@tributary/contracts';
import type { SchemaRules } from '@tributary/pipeline';
import { valueAt } from './event-diff.ts';

type ColumnType = Extract<ProcessorDefinition['output'], { kind: 'table' }>['columns'][number]['type'];

/**
 * Whether a kept event is what its output accepts; the messages name fields and types, never
 * values (they reach viewers without pii:read).
 * - events: `data` is still valid against the registry's newest schema for its type (a type
 *   without a schema accepts anything, as ingest does);
 * - table: each column's value can be stored as its type (a missing value is allowed: the
 *   column's default is stored).
 */
export function outputProblems(
  output: ProcessorDefinition['output'],
  event: ProcessorEvent,
  rules: SchemaRules,
): string[] {
  if (output.kind === 'events') {
    const verdict = rules.check(event.source, event.event_type, event.data, undefined);
    if (verdict.ok || verdict.code === 'unknown_event_type') return [];
    return verdict.reasons.map((r) => `data no longer matches ${verdict.subject} v${verdict.version}: ${r}`);
  }
  if (output.kind === 'table') {
    const out: string[] = [];
    for (const col of output.columns) {
      const v = valueAt(event, col.field);
      if (v === undefined || v === null) continue;
      if (!castable(v, col.type))
        out.push(`column ${col.name}: ${col.field} (a ${kindOf(v)}) cannot be stored as ${col.type}`);
    }
    return out;
  }
  return [];
}

export function castable(v: unknown, type: ColumnType): boolean {
  switch (type) {
    case 'String':
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    case 'Float64':
      return (
        (typeof v === 'number' && Number.isFinite(v)) ||
        (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)))
      );
    case 'Int64': {
      const n =
        typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
      return Number.isSafeInteger(n);
    }
    case 'Bool':
      return typeof v === 'boolean' || v === 0 || v === 1 || v === 'true' || v === 'false';
    case 'DateTime64':
      return (
        (typeof v === 'string' && !Number.isNaN(Date.parse(v))) ||
        (typeof v === 'number' && Number.isFinite(v))
      );
  }
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? 'object' : typeof v;
}
