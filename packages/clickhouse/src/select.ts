import type { ClickHouseClient } from '@clickhouse/client';
import { TributaryError } from '@tributary/contracts';
import type { z } from 'zod';

/** Where console queries run: a client and the database holding Tributary's tables. */
export interface QueryTarget {
  client: ClickHouseClient;
  database: string;
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

function isUnreachable(err: unknown): boolean {
  const code = (err as { code?: unknown; cause?: { code?: unknown } } | null)?.code;
  // NOTE: an answer from ClickHouse (a ClickHouseError carries its numeric code) is never an
  // unreachable server, even when it says "Timeout exceeded" (a query that took too long).
  if (typeof code === 'string' && /^\d+$/.test(code)) return false;
  const causeCode = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  const message = err instanceof Error ? err.message : '';
  return (
    unreachableCodes.has(String(code)) ||
    unreachableCodes.has(String(causeCode)) ||
    /timeout|socket hang up|ECONNREFUSED/i.test(message)
  );
}

/**
 * Runs a parameterised SELECT ({name:Type} placeholders bound by ClickHouse, never spliced
 * into the SQL) and validates every row, so a schema drift fails loudly instead of
 * rendering NaN.
 */
export async function selectRows<T extends z.ZodType>(
  target: QueryTarget,
  query: string,
  params: Record<string, unknown>,
  row: T,
  opts: { settings?: Record<string, string | number>; signal?: AbortSignal } = {},
): Promise<z.output<T>[]> {
  let raw: unknown[];
  try {
    const result = await target.client.query({
      query,
      query_params: { db: target.database, ...params },
      format: 'JSONEachRow',
      // Numbers as JSON numbers: counts stay far below 2^53.
      clickhouse_settings: { ...opts.settings, output_format_json_quote_64bit_integers: 0 },
      ...(opts.signal ? { abort_signal: opts.signal } : {}),
    });
    raw = await result.json();
  } catch (err) {
    // The original error travels as the cause, so callers still see ClickHouse's code and type.
    if (isUnreachable(err)) {
      throw new TributaryError(
        'unavailable',
        'ClickHouse is unreachable',
        { cause: String(err) },
        { cause: err },
      );
    }
    throw new TributaryError(
      'internal',
      `ClickHouse query failed: ${err instanceof Error ? err.message : String(err)}`,
      undefined,
      { cause: err },
    );
  }
  return raw.map((r) => row.parse(r) as z.output<T>);
}
