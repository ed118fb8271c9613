import type { QueryTarget } from '@tributary/clickhouse';
import { TributaryError, type DlqSelection } from '@tributary/contracts';
import { writeAudit, type Db } from '@tributary/db';
import { countSelected, selectionSql } from './entries.ts';
import type { FilterScope } from './filter.ts';
import { recordStatusFor } from './status.ts';

/** Marks the selected entries discarded, with the reason, and audits who did it. */
export async function discardEntries(
  deps: { target: QueryTarget; db: Db },
  input: { selection: DlqSelection; reason: string },
  actor: string,
  scope: FilterScope = {},
): Promise<{ discarded: number }> {
  const at = new Date();
  const sql = await selectionSql(deps.target, input.selection, at, scope);
  const count = await countSelected(deps.target, sql);
  if (count === 0) throw new TributaryError('bad_request', 'no dead-letter entries match the selection');
  await recordStatusFor(deps.target, sql, { status: 'discarded', actor, reason: input.reason, at });
  await writeAudit(deps.db, {
    actor,
    action: 'dlq.discard',
    entity: 'dead_letters',
    entityId:
      input.selection.kind === 'ids' && input.selection.ids.length === 1
        ? input.selection.ids[0]!
        : 'selection',
    after: { selection: input.selection, reason: input.reason, count },
  });
  return { discarded: count };
}
