// Redis forgets: a restart without persistence or a FLUSHDB drops every mark at once, and an
// event sent again after that would be inserted twice. Redis itself records since when it has
// been remembering (dedupe.ts memorySince); while that is less than one dedupe window ago and
// ClickHouse holds events inserted before it, each batch's ids are also checked against
// ClickHouse, the same lookup crash recovery uses.
import type { ClickHouseClient } from '@tributary/clickhouse';
import type { Logger } from '@tributary/telemetry';
import type { Dedupe } from './dedupe.ts';

export interface DedupeMemory {
  /** True while Redis alone cannot tell every inserted id of the window. */
  incomplete(): Promise<boolean>;
}

export function createDedupeMemory(
  dedupe: Dedupe,
  clickhouse: ClickHouseClient,
  logger: Logger,
  now: () => number = Date.now,
): DedupeMemory {
  const windowMs = dedupe.windowSeconds * 1000;
  return {
    async incomplete() {
      let since = await dedupe.memorySince();
      if (since === null) {
        // Redis started empty (first start, restart, flush). If ClickHouse has events inserted
        // within the window, their marks are gone; if not, there is nothing to forget.
        const rs = await clickhouse.query({
          query: `SELECT count() > 0 AS recent FROM events
                  WHERE inserted_at > now64(3) - toIntervalSecond({window:UInt32})`,
          query_params: { window: dedupe.windowSeconds },
          format: 'JSONEachRow',
        });
        const [row] = await rs.json<{ recent: number | boolean }>();
        const lost = Boolean(row?.recent);
        since = await dedupe.initMemorySince(lost ? now() : now() - windowMs);
        if (lost) {
          logger.warn(
            { until: new Date(since + windowMs).toISOString() },
            'redis lost its dedupe marks: ids are checked against ClickHouse for one dedupe window',
          );
        }
      }
      return now() - since < windowMs;
    },
  };
}
