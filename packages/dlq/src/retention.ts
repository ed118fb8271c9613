import { selectRows, type QueryTarget } from '@tributary/clickhouse';
import { DEFAULT_DLQ_RETENTION_DAYS } from '@tributary/contracts';
import { writeAudit, type Db } from '@tributary/db';
import { z } from 'zod';

const TTL_RE = /TTL toDateTime\(failed_at\) \+ toIntervalDay\((\d+)\)/;

/** Days dead letters are kept, read from the table's own TTL (the one source of truth). */
export async function getRetentionDays(target: QueryTarget): Promise<number> {
  const [row] = await selectRows(
    target,
    `SELECT create_table_query AS q FROM system.tables WHERE database = {db:String} AND name = 'dead_letters'`,
    {},
    z.object({ q: z.string() }),
  );
  const m = row ? TTL_RE.exec(row.q) : null;
  return m?.[1] ? Number(m[1]) : DEFAULT_DLQ_RETENTION_DAYS;
}

/** Changes how long dead letters (and their status history) are kept. Audited. */
export async function setRetentionDays(
  deps: { target: QueryTarget; db: Db },
  days: number,
  actor: string,
): Promise<number> {
  const before = await getRetentionDays(deps.target);
  const { client, database } = deps.target;
  // NOTE: days is a validated integer (1-365); DDL cannot take it as a bound parameter.
  const n = Math.trunc(days);
  await client.command({
    query: `ALTER TABLE ${database}.dead_letters MODIFY TTL toDateTime(failed_at) + INTERVAL ${n} DAY`,
  });
  await client.command({
    query: `ALTER TABLE ${database}.dead_letter_status MODIFY TTL toDateTime(changed_at) + INTERVAL ${n} DAY`,
  });
  await writeAudit(deps.db, {
    actor,
    action: 'dlq.retention',
    entity: 'dead_letters',
    entityId: 'retention',
    before: { days: before },
    after: { days: n },
  });
  return n;
}
