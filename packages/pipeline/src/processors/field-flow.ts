import type { ProcessorDefinition } from '@tributary/contracts';
import { isCheckedPath, isKnownPath } from './expressions.ts';
import type { DefinitionError } from './types.ts';

/** One place in the step list that reads and writes fields (a step, or one op of a transform). */
export interface FlowItem {
  path: string;
  reads: Array<{ field: string; path: string }>;
  writes: string[];
}

export interface Rename {
  from: string;
  to: string;
  path: string;
}

/**
 * Checks that every field read exists at that point: a derived. field must be written by an
 * earlier step; a data. field (and a metadata. one when metadata fields are listed) must be in
 * the registry's fields (when known) or be written earlier. A read of a field that only a later step writes is a cycle in the step list.
 */
export function checkFieldFlow(
  items: readonly FlowItem[],
  knownFields: ReadonlySet<string> | undefined,
): DefinitionError[] {
  const errors: DefinitionError[] = [];
  const written = new Set<string>();
  items.forEach((item, i) => {
    for (const read of item.reads) {
      const head = read.field.split('.')[0];
      const mustBeWritten = head === 'derived';
      const checked = mustBeWritten || (knownFields !== undefined && isCheckedPath(read.field, knownFields));
      if (!checked || isKnownPath(read.field, written)) continue;
      if (!mustBeWritten && knownFields && isKnownPath(read.field, knownFields)) continue;
      const later = items
        .slice(i + 1)
        .find((it) => it.writes.some((w) => isKnownPath(read.field, new Set([w]))));
      errors.push({
        path: read.path,
        message: later
          ? `cyclic step list: reads ${read.field}, which only a later step writes (${later.path}); move that step first`
          : mustBeWritten
            ? `unknown field ${read.field}: no earlier step writes it`
            : `unknown field ${read.field}: not in the schemas of the input event types, and no earlier step writes it`,
      });
    }
    for (const w of item.writes) written.add(w);
  });
  return errors;
}

/** A cycle among renames (data.a → data.b, later data.b → data.a) undoes itself or loses data. */
export function checkRenameCycles(renames: readonly Rename[]): DefinitionError[] {
  const edges = new Map<string, Rename[]>();
  for (const r of renames) edges.set(r.from, [...(edges.get(r.from) ?? []), r]);
  const errors: DefinitionError[] = [];
  const reported = new Set<string>();
  for (const start of renames) {
    // Depth-first from start.to, looking for a way back to start.from.
    const stack: Array<{ field: string; trail: Rename[] }> = [{ field: start.to, trail: [start] }];
    const visited = new Set<string>();
    while (stack.length > 0) {
      const { field, trail } = stack.pop()!;
      if (field === start.from) {
        const key = [...trail.map((t) => t.path)].sort().join('|');
        if (!reported.has(key)) {
          reported.add(key);
          const chain = [trail[0]!.from, ...trail.map((t) => t.to)].join(' → ');
          errors.push({
            path: trail.at(-1)!.path,
            message: `cyclic renames: ${chain} (${trail.map((t) => t.path).join(', ')})`,
          });
        }
        break;
      }
      if (visited.has(field)) continue;
      visited.add(field);
      for (const next of edges.get(field) ?? []) stack.push({ field: next.to, trail: [...trail, next] });
    }
  }
  return errors;
}

/** Fields an output of kind 'table' reads, checked after all steps. */
export function outputReads(definition: ProcessorDefinition): FlowItem | undefined {
  const out = definition.output;
  if (out.kind !== 'table') return undefined;
  return {
    path: 'output',
    reads: out.columns.map((c, i) => ({ field: c.field, path: `output.columns[${i}].field` })),
    writes: [],
  };
}
