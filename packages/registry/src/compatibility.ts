import type { CompatibilityResult } from '@tributary/schema-compat';
import type { Db } from '@tributary/db';
import { checkAgainst } from './compat.ts';
import { assertSubjectName, checkSchemaDocument } from './validate.ts';

/**
 * The verdict `registerVersion` would reach for `candidate`, without writing anything. A subject
 * that does not exist yet (or has no active versions) accepts any valid schema.
 */
export async function testCompatibility(
  db: Db,
  subject: string,
  candidate: unknown,
): Promise<Required<CompatibilityResult>> {
  assertSubjectName(subject);
  const doc = checkSchemaDocument(candidate);
  const row = await db.subject.findUnique({
    where: { name: subject },
    include: { versions: { where: { status: 'active' }, orderBy: { version: 'asc' } } },
  });
  if (!row) return { compatible: true, reasons: [], checkedVersions: [] };
  return checkAgainst(row.versions, doc, row.compatibility, row.lastVersion + 1);
}
