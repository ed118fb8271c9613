import type { ProcessorDefinition } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import type { CompileContext, LookupTableData } from '@tributary/pipeline';
import { dataFieldsOf, EVENT_ROOT_FIELDS } from './known-fields.ts';
import { lookupDataOf } from './lookup-data.ts';
import { loadPiiFields } from './pii-fields.ts';

export interface ProcessorContextOptions {
  /** The deployment's PII_HASH_SECRET; without it a pii_hash step is refused by the compiler. */
  piiSecret?: string;
}

export interface LoadedProcessorContext {
  context: CompileContext;
  /** pii fields per event type (dotted), also what the preview masks. */
  piiFields: Map<string, string[]>;
  /**
   * Why field names are not checked, when they are not: the processor reads every event type,
   * or an input type has no registered schema. null when they are checked.
   */
  fieldsUnchecked: string | null;
}

/**
 * What compiling a definition needs from the registry and the lookup tables, read fresh: the
 * fields the input types' newest schemas declare (only when every input type has one — one
 * type without a schema could carry any field), pii tags of every type, and the newest version
 * of each lookup table the steps name. Shared by version creation, checks, preview and publish,
 * so they all judge a definition by the same facts.
 */
export async function loadProcessorContext(
  db: Db,
  definition: ProcessorDefinition,
  opts: ProcessorContextOptions = {},
): Promise<LoadedProcessorContext> {
  const [known, piiFields, lookupTables] = await Promise.all([
    loadKnownFields(db, definition),
    loadPiiFields(db),
    loadLookupTables(db, lookupNamesOf(definition)),
  ]);
  const context: CompileContext = {
    piiFields: (eventType) => piiFields.get(eventType) ?? [],
    lookupTables,
    ...(known.fields ? { knownFields: known.fields } : {}),
    ...(opts.piiSecret ? { piiSecret: opts.piiSecret } : {}),
  };
  return { context, piiFields, fieldsUnchecked: known.unchecked };
}

function lookupNamesOf(definition: ProcessorDefinition): string[] {
  const names = new Set<string>();
  for (const step of definition.steps) if (step.kind === 'enrich_lookup') names.add(step.table);
  return [...names];
}

async function loadKnownFields(
  db: Db,
  definition: ProcessorDefinition,
): Promise<{ fields: Set<string> | null; unchecked: string | null }> {
  const eventTypes = definition.inputs.eventTypes;
  if (eventTypes.length === 0) {
    return {
      fields: null,
      unchecked: 'the processor reads every event type, so field names are not checked',
    };
  }
  const subjects = await db.subject.findMany({
    where: { name: { in: [...eventTypes] } },
    select: {
      name: true,
      versions: {
        where: { status: 'active' },
        orderBy: { version: 'desc' },
        take: 1,
        select: { schema: true },
      },
    },
  });
  const schemas = new Map(subjects.map((s) => [s.name, s.versions[0]?.schema]));
  const missing = eventTypes.filter((t) => schemas.get(t) === undefined);
  if (missing.length > 0) {
    return {
      fields: null,
      unchecked: `no schema is registered for ${missing.map((t) => JSON.stringify(t)).join(', ')}, so field names are not checked`,
    };
  }
  const fields = new Set<string>(EVENT_ROOT_FIELDS);
  for (const schema of schemas.values()) for (const f of dataFieldsOf(schema)) fields.add(f);
  for (const f of metadataPathsIn(definition)) fields.add(f);
  return { fields, unchecked: null };
}

async function loadLookupTables(db: Db, names: string[]): Promise<Map<string, LookupTableData>> {
  if (names.length === 0) return new Map();
  const tables = await db.lookupTable.findMany({
    where: { name: { in: names } },
    select: {
      name: true,
      versions: {
        orderBy: { version: 'desc' },
        take: 1,
        select: { version: true, keyColumn: true, columns: true, rows: true },
      },
    },
  });
  const out = new Map<string, LookupTableData>();
  for (const t of tables) {
    const newest = t.versions[0];
    if (newest) out.set(t.name, lookupDataOf(t.name, newest));
  }
  return out;
}

/**
 * NOTE: a schema describes `data` only; `metadata` (ip, user agent, …) is whatever producers and
 * ingest put there, so no registry fact can say a metadata field is unknown. The compiler checks
 * metadata. paths against knownFields too, so every metadata path the definition names is
 * declared known here: metadata fields are not checked, data fields are.
 */
export function metadataPathsIn(definition: ProcessorDefinition): Set<string> {
  const out = new Set<string>();
  const text = JSON.stringify(definition);
  for (const m of text.matchAll(/\bmetadata((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
    const keys = (m[1] ?? '').slice(1).split('.');
    for (let i = 1; i <= keys.length; i++) out.add(`metadata.${keys.slice(0, i).join('.')}`);
  }
  // metadata["x-y"] and metadata['x'] in expressions.
  for (const m of text.matchAll(/\bmetadata\[\\?["']([^"'\\]+)\\?["']\]/g)) out.add(`metadata.${m[1]}`);
  return out;
}
