import { processorDefinitionSchema, type ProcessorDefinition } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import type { LookupTableData } from '@tributary/pipeline';
import { lookupDataOf } from '../lookup-data.ts';
import { loadPiiFields } from '../pii-fields.ts';

/** One active processor as Postgres holds it: the version that runs and its definition. */
export interface ActiveProcessor {
  name: string;
  version: number;
  definition: ProcessorDefinition;
}

/** A stored definition or table that does not read as one: reported, never run. */
export interface LoadProblem {
  kind: 'processor' | 'lookup_table';
  name: string;
  version: number;
  reason: string;
}

export interface ActiveSet {
  processors: ActiveProcessor[];
  /** The newest version of every lookup table an active processor joins. */
  lookupTables: Map<string, LookupTableData>;
  /** pii-tagged fields per event type (dotted), from the registry's field tags. */
  piiFields: Map<string, string[]>;
  problems: LoadProblem[];
}

/**
 * What the workers run: every processor in state `active` with its active version's definition,
 * and the newest version of every lookup table they join. Read in one transaction so a processor and the
 * tables it joins come from the same moment.
 */
export async function loadActiveSet(db: Db): Promise<ActiveSet> {
  const piiLoad = loadPiiFields(db);
  const [processors, versions, tables] = await db.$transaction(async (tx) => {
    const ps = await tx.processor.findMany({
      where: { state: 'active', activeVersion: { not: null } },
      select: { id: true, name: true, activeVersion: true },
      orderBy: { name: 'asc' },
    });
    const vs =
      ps.length === 0
        ? []
        : await tx.processorVersion.findMany({
            where: { OR: ps.map((p) => ({ processorId: p.id, version: p.activeVersion! })) },
            select: { processorId: true, version: true, definition: true },
          });
    // Only the tables some active definition joins: the rest would be read for nothing.
    const names = new Set<string>();
    for (const v of vs) {
      const d = processorDefinitionSchema.safeParse(v.definition);
      if (d.success)
        for (const step of d.data.steps) if (step.kind === 'enrich_lookup') names.add(step.table);
    }
    const ts = await tx.lookupTable.findMany({
      where: { lastVersion: { gt: 0 }, name: { in: [...names] } },
      select: { id: true, name: true, lastVersion: true },
    });
    const tvs =
      ts.length === 0
        ? []
        : await tx.lookupTableVersion.findMany({
            where: { OR: ts.map((t) => ({ tableId: t.id, version: t.lastVersion })) },
            select: { tableId: true, version: true, keyColumn: true, columns: true, rows: true },
          });
    return [ps, vs, tvs.map((v) => ({ ...v, name: ts.find((t) => t.id === v.tableId)!.name }))] as const;
  });

  const problems: LoadProblem[] = [];
  const active: ActiveProcessor[] = [];
  for (const p of processors) {
    const version = p.activeVersion!;
    const stored = versions.find((v) => v.processorId === p.id && v.version === version);
    const parsed = processorDefinitionSchema.safeParse(stored?.definition);
    if (!stored || !parsed.success) {
      problems.push({
        kind: 'processor',
        name: p.name,
        version,
        reason: stored
          ? parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
          : 'version missing',
      });
      continue;
    }
    active.push({ name: p.name, version, definition: parsed.data });
  }

  const lookupTables = new Map<string, LookupTableData>();
  for (const t of tables) {
    try {
      lookupTables.set(t.name, lookupDataOf(t.name, t));
    } catch (err) {
      problems.push({ kind: 'lookup_table', name: t.name, version: t.version, reason: String(err) });
    }
  }
  return { processors: active, lookupTables, piiFields: await piiLoad, problems };
}

/**
 * One processor version's definition, whatever the processor's state now: versions are
 * immutable, so a batch interrupted while running version N is finished with version N.
 */
export async function loadProcessorVersion(
  db: Db,
  name: string,
  version: number,
): Promise<ProcessorDefinition | null> {
  const v = await db.processorVersion.findFirst({
    where: { version, processor: { name } },
    select: { definition: true },
  });
  const parsed = processorDefinitionSchema.safeParse(v?.definition);
  return parsed.success ? parsed.data : null;
}
