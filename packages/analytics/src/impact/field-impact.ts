import {
  dashboardDefinitionSchema,
  processorDefinitionSchema,
  type ProcessorDefinition,
} from '@tributary/contracts';
import type { Db } from '@tributary/db';

/**
 * What reads a field of an event type, listed before the field is changed or deprecated:
 * processors (their running version, or their newest when none runs), the tables they write,
 * and dashboard panels. A reference is a path the definition names (a step's from/key/fields, a
 * group-by, a measure, an output column, a panel's measure, group-by or filter) or a path written
 * in an expression; a path inside the field (data.address.city for data.address) or containing
 * it (data for data.address) counts, because either reads the field's value.
 */

export interface FieldUse {
  /** Where in the definition: `steps[2].expression`, `panels.revenue.measure`. */
  where: string;
  path: string;
}

export interface ImpactedProcessor {
  name: string;
  version: number;
  state: string;
  /** The table it writes: `events`, or `proc_<table>`. */
  table: string;
  uses: FieldUse[];
}

export interface ImpactedPanel {
  dashboard: string;
  dashboardTitle: string;
  panelId: string;
  panelTitle: string;
  uses: FieldUse[];
}

export interface FieldImpact {
  eventType: string;
  field: string;
  processors: ImpactedProcessor[];
  panels: ImpactedPanel[];
}

const PATH_IN_EXPRESSION = /\b(?:data|metadata|derived)(?:\.[A-Za-z_][A-Za-z0-9_]*)+/g;
const MAX_SCANNED = 5000;

/** Whether reading `path` reads (part of) `field`. */
export function overlaps(path: string, field: string): boolean {
  return path === field || path.startsWith(`${field}.`) || field.startsWith(`${path}.`);
}

function expressionPaths(where: string, expression: string): FieldUse[] {
  return [...expression.matchAll(PATH_IN_EXPRESSION)].map((m) => ({ where, path: m[0] }));
}

/** Every path a processor definition reads, with where. */
export function processorReads(def: ProcessorDefinition): FieldUse[] {
  const uses: FieldUse[] = [];
  def.steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    switch (step.kind) {
      case 'filter':
        uses.push(...expressionPaths(`${at}.expression`, step.expression));
        break;
      case 'transform':
        step.ops.forEach((op, j) => {
          if (op.op === 'set' || op.op === 'default')
            uses.push(...expressionPaths(`${at}.ops[${j}].expression`, op.expression));
          if (op.op === 'rename') uses.push({ where: `${at}.ops[${j}].from`, path: op.from });
          if (op.op === 'cast') uses.push({ where: `${at}.ops[${j}].field`, path: op.field });
        });
        break;
      case 'enrich_ua':
      case 'enrich_geo':
        uses.push({ where: `${at}.from`, path: step.from });
        break;
      case 'enrich_lookup':
        uses.push({ where: `${at}.key`, path: step.key });
        break;
      case 'pii_hash':
        step.fields.forEach((f, j) => uses.push({ where: `${at}.fields[${j}]`, path: f }));
        break;
      case 'dedupe':
        uses.push(...expressionPaths(`${at}.key`, step.key));
        break;
      case 'aggregate':
        step.groupBy.forEach((g) => uses.push({ where: `${at}.groupBy.${g.name}`, path: g.field }));
        step.measures.forEach((m) => {
          if (m.field) uses.push({ where: `${at}.measures.${m.name}`, path: m.field });
        });
        break;
    }
  });
  if (def.output.kind === 'table') {
    for (const c of def.output.columns) uses.push({ where: `output.columns.${c.name}`, path: c.field });
  }
  return uses;
}

function readsType(eventTypes: readonly string[], eventType: string): boolean {
  return eventTypes.length === 0 || eventTypes.includes(eventType);
}

export async function fieldImpact(db: Db, eventType: string, field: string): Promise<FieldImpact> {
  const [processors, dashboards] = await Promise.all([
    db.processor.findMany({
      take: MAX_SCANNED,
      include: { versions: { orderBy: { version: 'desc' }, take: 50 } },
    }),
    db.dashboard.findMany({ take: MAX_SCANNED }),
  ]);

  const impactedProcessors: ImpactedProcessor[] = [];
  for (const p of processors) {
    const versionNumber = p.activeVersion ?? p.lastVersion;
    const version = p.versions.find((v) => v.version === versionNumber);
    const parsed = version ? processorDefinitionSchema.safeParse(version.definition) : null;
    if (!parsed?.success) continue;
    const def = parsed.data;
    if (!readsType(def.inputs.eventTypes, eventType)) continue;
    const uses = processorReads(def).filter((u) => overlaps(u.path, field));
    if (uses.length === 0) continue;
    impactedProcessors.push({
      name: p.name,
      version: versionNumber,
      state: p.state,
      table: def.output.kind === 'events' ? 'events' : `proc_${def.output.table}`,
      uses,
    });
  }

  const impactedPanels: ImpactedPanel[] = [];
  for (const d of dashboards) {
    const parsed = dashboardDefinitionSchema.safeParse(d.definition);
    if (!parsed.success) continue;
    for (const panel of parsed.data.panels) {
      // SQL panels are not traced; a processor-source panel reads the processor's columns.
      if (panel.sql || panel.query.source.kind !== 'events') continue;
      if (!readsType(panel.query.source.eventTypes, eventType)) continue;
      const at = `panels.${panel.id}`;
      const reads: FieldUse[] = [
        ...('field' in panel.query.measure
          ? [{ where: `${at}.measure`, path: panel.query.measure.field }]
          : []),
        ...panel.query.groupBy.map((g) => ({ where: `${at}.groupBy`, path: g })),
        ...panel.query.filters.map((f) => ({ where: `${at}.filters`, path: f.field })),
      ];
      const uses = reads.filter((u) => overlaps(u.path, field));
      if (uses.length > 0) {
        impactedPanels.push({
          dashboard: d.slug,
          dashboardTitle: d.title,
          panelId: panel.id,
          panelTitle: panel.title,
          uses,
        });
      }
    }
  }
  return { eventType, field, processors: impactedProcessors, panels: impactedPanels };
}
