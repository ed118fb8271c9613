// Headers every answer of a ClickHouse HTTP server carries, and the ones that describe a result.
export interface ServerInfo {
  version: string;
  timezone: string;
}

export function baseHeaders(info: ServerInfo, queryId: string | undefined): Record<string, string> {
  const h: Record<string, string> = {
    'X-ClickHouse-Timezone': info.timezone,
    'X-ClickHouse-Server-Display-Name': 'tributary-embedded',
  };
  if (queryId) h['X-ClickHouse-Query-Id'] = queryId;
  return h;
}

export function summaryHeader(s: {
  readRows?: number;
  readBytes?: number;
  writtenRows?: number;
  writtenBytes?: number;
  resultRows?: number;
  resultBytes?: number;
  elapsedSeconds?: number;
}): string {
  return JSON.stringify({
    read_rows: String(s.readRows ?? 0),
    read_bytes: String(s.readBytes ?? 0),
    written_rows: String(s.writtenRows ?? 0),
    written_bytes: String(s.writtenBytes ?? 0),
    total_rows_to_read: '0',
    result_rows: String(s.resultRows ?? 0),
    result_bytes: String(s.resultBytes ?? 0),
    elapsed_ns: String(Math.round((s.elapsedSeconds ?? 0) * 1e9)),
  });
}

const FORMAT_RE = /\bFORMAT\s+([A-Za-z0-9]+)\s*;?\s*$/i;

export function explicitFormat(sql: string): string | undefined {
  return FORMAT_RE.exec(sql)?.[1];
}

export function contentTypeFor(format: string | undefined): string {
  if (!format) return 'text/plain; charset=UTF-8';
  if (/^JSON/i.test(format) && /EachRow/i.test(format)) return 'application/x-ndjson; charset=UTF-8';
  if (/^JSON/i.test(format)) return 'application/json; charset=UTF-8';
  if (/^CSV/i.test(format)) return 'text/csv; charset=UTF-8; header=absent';
  if (/^(TabSeparated|TSV)/i.test(format)) return 'text/tab-separated-values; charset=UTF-8';
  if (/^(RowBinary|Native|Parquet|Arrow|ORC|Avro)/i.test(format)) return 'application/octet-stream';
  return 'text/plain; charset=UTF-8';
}
