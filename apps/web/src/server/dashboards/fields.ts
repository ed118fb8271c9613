import { columnFields, dataFields, schemaFields, type SchemaField } from '@tributary/analytics';
import type { QueryTarget } from '@tributary/clickhouse';
import type { PanelQuery } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import { getVersion, listSubjects } from '@tributary/registry';
import { processorTable } from './processor-table.ts';

/** The latest registered schema of each event type (all registered types when none is given). */
export async function latestSchemas(
  db: Db,
  eventTypes: readonly string[],
): Promise<Array<{ eventType: string; version: number; schema: unknown }>> {
  const subjects = (await listSubjects(db)).filter(
    (s) => s.latestVersion !== null && (eventTypes.length === 0 || eventTypes.includes(s.name)),
  );
  const versions = await Promise.all(subjects.map((s) => getVersion(db, s.name, 'latest')));
  return versions.map((v) => ({ eventType: v.subject, version: v.version, schema: v.schema }));
}

/**
 * What the query builder suggests for a source: for events, the root fields, the `data.` paths
 * the event types' latest schemas declare (with their JSON Schema types) and common metadata;
 * for a processor, its table's columns as ClickHouse has them.
 */
export async function panelFields(
  db: Db,
  clickhouse: QueryTarget,
  source: { kind: 'events'; eventTypes: string[] } | { kind: 'processor'; processor: string },
): Promise<SchemaField[]> {
  if (source.kind === 'processor') {
    const table = await processorTable(db, clickhouse, source.processor);
    return columnFields(table.name, table.columns);
  }
  return schemaFields(await latestSchemas(db, source.eventTypes));
}

/**
 * Plain notes for an events panel naming a `data.` field that none of its event types' latest
 * schemas declares (removed, renamed, or a typo): the panel still runs — older events may carry
 * it — but says why it may be empty. Nothing is said for a panel over every event type, or for
 * event types without a registered schema.
 */
export async function fieldNotices(db: Db, query: PanelQuery): Promise<string[]> {
  if (query.source.kind !== 'events' || query.source.eventTypes.length === 0) return [];
  const fields = [
    ...('field' in query.measure ? [query.measure.field] : []),
    ...query.groupBy,
    ...query.filters.map((f) => f.field),
  ].filter((f) => f.startsWith('data.'));
  if (fields.length === 0) return [];
  const schemas = await latestSchemas(db, query.source.eventTypes);
  if (schemas.length === 0) return [];
  const declared = new Set(schemas.flatMap((s) => [...dataFields(s.schema).keys()]));
  const names = schemas.map((s) => `${s.eventType} v${s.version}`).join(', ');
  return [...new Set(fields)]
    .filter((f) => !declared.has(f) && ![...declared].some((d) => f.startsWith(`${d}.`)))
    .map(
      (f) =>
        `${f} is not in the latest schema (${names}): it was removed or renamed, so only older events carry it`,
    );
}
