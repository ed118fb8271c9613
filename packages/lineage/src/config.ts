import {
  dashboardDefinitionSchema,
  processorDefinitionSchema,
  type ProcessorOutput,
  type TopicNames,
} from '@tributary/contracts';
import type { Db } from '@tributary/db';

/** What the platform is configured to do: the declared half of the lineage graph. */
export interface LineageConfig {
  topics: TopicNames;
  /** The workers' consumer group on the events topic (its dead-letter sink adds `-dead-letters`). */
  workersGroup: string;
  sources: { name: string; activeKeys: number }[];
  /** Processors with a running (or paused) version. */
  processors: {
    name: string;
    state: string;
    version: number;
    eventTypes: string[];
    sources: string[];
    /** The ClickHouse table it writes: `events` or `proc_<table>`. */
    table: string;
  }[];
  panels: {
    dashboard: string;
    dashboardTitle: string;
    panelId: string;
    panelTitle: string;
    /** The ClickHouse table the panel reads. */
    table: string;
    eventTypes: string[];
  }[];
}

const MAX_ROWS = 2000;

export function outputTable(output: ProcessorOutput): string {
  return output.kind === 'events' ? 'events' : `proc_${output.table}`;
}

/** Reads the declared flows from Postgres. */
export async function loadLineageConfig(
  db: Db,
  opts: { topics: TopicNames; workersGroup: string },
  now = new Date(),
): Promise<LineageConfig> {
  const [sources, processors, dashboards] = await Promise.all([
    db.source.findMany({
      orderBy: { name: 'asc' },
      take: MAX_ROWS,
      select: {
        name: true,
        writeKeys: { select: { revokedAt: true, expiresAt: true } },
      },
    }),
    db.processor.findMany({
      where: { state: { in: ['active', 'paused'] }, activeVersion: { not: null } },
      orderBy: { name: 'asc' },
      take: MAX_ROWS,
      select: {
        name: true,
        state: true,
        activeVersion: true,
        versions: { select: { version: true, definition: true } },
      },
    }),
    db.dashboard.findMany({
      orderBy: { slug: 'asc' },
      take: MAX_ROWS,
      select: { slug: true, title: true, definition: true },
    }),
  ]);

  const processorTables = new Map<string, string>();
  const declaredProcessors: LineageConfig['processors'] = [];
  for (const p of processors) {
    const running = p.versions.find((v) => v.version === p.activeVersion);
    const def = running && processorDefinitionSchema.safeParse(running.definition);
    if (!def?.success) continue;
    const table = outputTable(def.data.output);
    processorTables.set(p.name, table);
    declaredProcessors.push({
      name: p.name,
      state: p.state,
      version: p.activeVersion!,
      eventTypes: def.data.inputs.eventTypes,
      sources: def.data.inputs.sources,
      table,
    });
  }

  const panels: LineageConfig['panels'] = [];
  for (const d of dashboards) {
    const def = dashboardDefinitionSchema.safeParse(d.definition);
    if (!def.success) continue;
    for (const panel of def.data.panels) {
      const table = panelTable(panel.query?.source, processorTables);
      if (!table) continue;
      panels.push({
        dashboard: d.slug,
        dashboardTitle: d.title,
        panelId: panel.id,
        panelTitle: panel.title,
        table: table.name,
        eventTypes: table.eventTypes,
      });
    }
  }

  return {
    ...opts,
    sources: sources.map((s) => ({
      name: s.name,
      activeKeys: s.writeKeys.filter((k) => !k.revokedAt && (!k.expiresAt || k.expiresAt > now)).length,
    })),
    processors: declaredProcessors,
    panels,
  };
}

/** The table a panel's source reads; panels of other kinds (raw SQL) are left out. */
function panelTable(
  source: unknown,
  processorTables: ReadonlyMap<string, string>,
): { name: string; eventTypes: string[] } | undefined {
  if (!source || typeof source !== 'object') return undefined;
  const s = source as { kind?: unknown; eventTypes?: unknown; processor?: unknown };
  if (s.kind === 'events')
    return { name: 'events', eventTypes: Array.isArray(s.eventTypes) ? s.eventTypes.map(String) : [] };
  if (s.kind === 'processor' && typeof s.processor === 'string') {
    const table = processorTables.get(s.processor);
    return table ? { name: table, eventTypes: [] } : undefined;
  }
  return undefined;
}
