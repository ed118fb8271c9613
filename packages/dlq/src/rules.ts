import type { Db } from '@tributary/db';
import { createSchemaRules, type SchemaRules } from '@tributary/pipeline';
import { controlSnapshot } from '@tributary/registry';
import { piiPathsFrom } from './mask.ts';

/** The schema rules as ingest holds them, read fresh from the registry (for one dry run or replay). */
export async function loadRules(db: Db): Promise<SchemaRules> {
  const rules = createSchemaRules();
  const snapshot = await controlSnapshot(db);
  rules.load(snapshot.revision, snapshot.records);
  return rules;
}

/** pii-tagged field paths per event type, over every version of each subject. */
export async function loadPiiPaths(db: Db): Promise<Map<string, string[]>> {
  const versions = await db.schemaVersion.findMany({
    where: { fieldTags: { not: undefined } },
    select: { fieldTags: true, subject: { select: { name: true } } },
  });
  return piiPathsFrom(versions.map((v) => ({ subject: v.subject.name, fieldTags: v.fieldTags })));
}
