import { dashboardDefinitionSchema, processorDefinitionSchema, TributaryError } from '@tributary/contracts';
import type { Db } from '@tributary/db';

/**
 * What depends on a processor, listed before it is changed, paused or rolled back: the table it
 * writes and the dashboard panels that read that table, by where they read it. A processor
 * writing `events` changes what every events panel of its event types counts (a filter drops
 * events, derived fields appear), so those panels are listed with what they read of it.
 */

export interface ProcessorImpactPanel {
  dashboard: string;
  dashboardTitle: string;
  panelId: string;
  panelTitle: string;
  /** How the panel depends on it, in words: "reads proc_orders", "SQL names proc_orders", … */
  why: string;
}

export interface ProcessorImpact {
  processor: string;
  /** The version the answer is about: the running one, else the newest. */
  version: number;
  state: string;
  /** `events` or `proc_<table>`. */
  table: string;
  panels: ProcessorImpactPanel[];
}

const MAX_SCANNED = 5000;

export async function processorImpact(db: Db, name: string): Promise<ProcessorImpact> {
  const p = await db.processor.findUnique({
    where: { name },
    include: { versions: { orderBy: { version: 'desc' }, take: 50 } },
  });
  if (!p) throw new TributaryError('not_found', `no processor ${JSON.stringify(name)}`);
  const versionNumber = p.activeVersion ?? p.lastVersion;
  const version = p.versions.find((v) => v.version === versionNumber);
  const parsed = version ? processorDefinitionSchema.safeParse(version.definition) : null;
  if (!parsed?.success) {
    return { processor: name, version: versionNumber, state: p.state, table: '', panels: [] };
  }
  const def = parsed.data;
  const table = def.output.kind === 'events' ? 'events' : `proc_${def.output.table}`;
  const types = def.inputs.eventTypes;
  const overlapsTypes = (panelTypes: readonly string[]) =>
    types.length === 0 || panelTypes.length === 0 || panelTypes.some((t) => types.includes(t));
  // A name inside SQL text, as a whole word (proc_orders, not proc_orders_v2).
  const named = new RegExp(`(^|[^A-Za-z0-9_])${table}([^A-Za-z0-9_]|$)`);

  const panels: ProcessorImpactPanel[] = [];
  for (const d of await db.dashboard.findMany({ take: MAX_SCANNED, orderBy: { slug: 'asc' } })) {
    const dashboard = dashboardDefinitionSchema.safeParse(d.definition);
    if (!dashboard.success) continue;
    for (const panel of dashboard.data.panels) {
      const base = { dashboard: d.slug, dashboardTitle: d.title, panelId: panel.id, panelTitle: panel.title };
      if (panel.sql) {
        if (named.test(panel.sql)) panels.push({ ...base, why: `its SQL names ${table}` });
        continue;
      }
      const source = panel.query.source;
      if (source.kind === 'processor') {
        if (source.processor === name) panels.push({ ...base, why: `reads ${table}, the processor's table` });
        continue;
      }
      if (table !== 'events' || !overlapsTypes(source.eventTypes)) continue;
      const derived = [
        ...('field' in panel.query.measure ? [panel.query.measure.field] : []),
        ...panel.query.groupBy,
        ...panel.query.filters.map((f) => f.field),
      ].filter((f) => f.startsWith('derived.'));
      panels.push({
        ...base,
        why:
          derived.length > 0
            ? `reads ${[...new Set(derived)].join(', ')}, which the processor writes into events`
            : 'counts events of its types, which the processor keeps, drops or enriches',
      });
    }
  }
  return { processor: name, version: versionNumber, state: p.state, table, panels };
}
