import type { ProcessorDefinition, ProcessorOutput, Step, StepKind } from '@tributary/contracts';

/**
 * The editor's working copy of a definition, and the edits made to it. Pure, so the rules
 * (ids stay unique, the aggregate step pairs with an aggregate output) are tested apart from React.
 */

export const stepKindLabels: Record<StepKind, string> = {
  filter: 'Filter',
  transform: 'Transform',
  enrich_ua: 'User agent',
  enrich_geo: 'Geo IP',
  enrich_lookup: 'Lookup table',
  pii_hash: 'PII hash',
  dedupe: 'Dedupe',
  aggregate: 'Windowed aggregate',
};

export const stepKinds = Object.keys(stepKindLabels) as StepKind[];

/** `base`, or `base_2`, `base_3`… whichever no step uses yet. */
export function freshStepId(steps: readonly Step[], base: string): string {
  const taken = new Set(steps.map((s) => s.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const id = `${base}_${n}`;
    if (!taken.has(id)) return id;
  }
}

const idBase: Record<StepKind, string> = {
  filter: 'filter',
  transform: 'transform',
  enrich_ua: 'ua',
  enrich_geo: 'geo',
  enrich_lookup: 'lookup',
  pii_hash: 'pii',
  dedupe: 'dedupe',
  aggregate: 'aggregate',
};

/** A new step of `kind` with the contract's defaults, or fields a person fills in next. */
export function newStep(kind: StepKind, steps: readonly Step[]): Step {
  const id = freshStepId(steps, idBase[kind]);
  switch (kind) {
    case 'filter':
      return { id, kind, expression: 'true' };
    case 'transform':
      return { id, kind, ops: [{ op: 'set', field: 'derived.field', expression: 'event_type' }] };
    case 'enrich_ua':
      return { id, kind, from: 'metadata.user_agent', to: 'derived.ua' };
    case 'enrich_geo':
      return { id, kind, from: 'metadata.ip', to: 'derived.geo' };
    case 'enrich_lookup':
      return { id, kind, table: 'table_name', key: 'data.key', to: 'derived.lookup' };
    case 'pii_hash':
      return { id, kind, fields: [] };
    case 'dedupe':
      return { id, kind, key: 'event_id', windowSeconds: 3600 };
    case 'aggregate':
      return {
        id,
        kind,
        window: { type: 'tumbling', sizeSeconds: 60 },
        graceSeconds: 30,
        groupBy: [],
        measures: [{ name: 'events', fn: 'count' }],
      };
  }
}

export function emptyDefinition(): ProcessorDefinition {
  return {
    inputs: { eventTypes: [], sources: [] },
    steps: [newStep('filter', [])],
    output: { kind: 'events' },
  };
}

/** Adds a step. An aggregate step goes last and switches the output to an aggregate table. */
export function addStep(
  def: ProcessorDefinition,
  kind: StepKind,
  processorName: string,
): ProcessorDefinition {
  const step = newStep(kind, def.steps);
  if (kind !== 'aggregate') {
    // Stays before a trailing aggregate step: the aggregate must be last.
    const last = def.steps.at(-1);
    if (last?.kind === 'aggregate') {
      return { ...def, steps: [...def.steps.slice(0, -1), step, last] };
    }
    return { ...def, steps: [...def.steps, step] };
  }
  const output: ProcessorOutput =
    def.output.kind === 'aggregate'
      ? def.output
      : { kind: 'aggregate', table: defaultTableName(processorName) };
  return { ...def, steps: [...def.steps, step], output };
}

export function defaultTableName(processorName: string): string {
  const cleaned = processorName
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/^[^a-z]+/, '');
  return (cleaned || 'processor').slice(0, 40) + '_agg';
}

export function removeStep(def: ProcessorDefinition, index: number): ProcessorDefinition {
  return { ...def, steps: def.steps.filter((_, i) => i !== index) };
}

/** Moves a step one place up (-1) or down (+1); out of range leaves the list as it was. */
export function moveStep(def: ProcessorDefinition, index: number, by: -1 | 1): ProcessorDefinition {
  const target = index + by;
  if (target < 0 || target >= def.steps.length) return def;
  const steps = [...def.steps];
  const a = steps[index];
  const b = steps[target];
  if (!a || !b) return def;
  steps[index] = b;
  steps[target] = a;
  return { ...def, steps };
}

export function replaceStep(def: ProcessorDefinition, index: number, step: Step): ProcessorDefinition {
  return { ...def, steps: def.steps.map((s, i) => (i === index ? step : s)) };
}

/** Comma- or newline-separated text to a list without blanks (for pickers typed by hand). */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
