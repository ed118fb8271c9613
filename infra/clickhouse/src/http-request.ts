// Turns one HTTP request of ClickHouse's HTTP interface into what the engine has to run.
import { randomUUID } from 'node:crypto';
import { splitUrlParams, type SplitParams } from './settings.ts';

export interface ParsedInsert {
  table: string;
  columns?: string[];
  format: RawInsertFormat;
  data: Buffer;
}

export interface ChRequest extends SplitParams {
  queryId: string;
  database?: string;
  /** Output format when the SQL names none; ClickHouse's HTTP default is TabSeparated. */
  defaultFormat: string;
  /** The statement to run; for an insert with a body this is the statement without its data. */
  sql: string;
  /** Set when the request is `INSERT … FORMAT x` with rows in the body, in a shape chDB can take as raw bytes. */
  insert?: ParsedInsert;
}

export class BadRequestError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly type: string,
  ) {
    super(message);
  }
}

const RAW_INSERT_FORMATS = [
  'JSONEachRow',
  'JSONCompactEachRow',
  'CSV',
  'CSVWithNames',
  'TSV',
  'TabSeparated',
  'TSVWithNames',
  'TabSeparatedWithNames',
] as const;
export type RawInsertFormat = (typeof RAW_INSERT_FORMATS)[number];

// What @clickhouse/client's insert() produces: INSERT INTO <table>[ (<cols>)] FORMAT <fmt>.
const SIMPLE_INSERT_RE =
  /^\s*INSERT\s+INTO\s+(?:TABLE\s+)?([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?)\s*(?:\(([A-Za-z0-9_,\s]*)\))?\s*FORMAT\s+([A-Za-z]+)\s*;?\s*$/i;
const INSERT_WITH_FORMAT_RE = /^\s*INSERT\s[\s\S]*\bFORMAT\s+[A-Za-z]+\s*;?\s*$/i;

export function parseSimpleInsert(sql: string, data: Buffer): ParsedInsert | undefined {
  const m = SIMPLE_INSERT_RE.exec(sql);
  if (!m) return undefined;
  const [, table, cols, fmt] = m;
  const format = RAW_INSERT_FORMATS.find((f) => f.toLowerCase() === fmt?.toLowerCase());
  if (!table || !format) return undefined;
  const columns = cols
    ?.split(',')
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
  return { table, format, data, ...(columns && columns.length > 0 ? { columns } : {}) };
}

export function parseChRequest(url: URL, contentType: string | undefined, body: Buffer): ChRequest {
  const entries: [string, string][] = [...url.searchParams.entries()];
  let bodyText: Buffer = body;
  const boundary = multipartBoundary(contentType);
  if (boundary !== undefined) {
    // @clickhouse/client sends long query parameters this way (use_multipart_params).
    entries.push(...parseMultipart(body.toString('utf8'), boundary));
    bodyText = Buffer.alloc(0);
  }
  const split = splitUrlParams(entries.filter(([k]) => k !== 'query'));
  const queryParts = entries.filter(([k]) => k === 'query').map(([, v]) => v);
  const queryParam = queryParts.join('');
  const lookup = (key: string) => {
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i];
      if (e && e[0] === key) return e[1];
    }
    return undefined;
  };
  const database = lookup('database');
  const base = {
    ...split,
    queryId: lookup('query_id') || randomUUID(),
    defaultFormat: lookup('default_format') || 'TabSeparated',
    ...(database ? { database } : {}),
  };

  if (queryParam.trim().length > 0 && bodyText.length > 0) {
    if (INSERT_WITH_FORMAT_RE.test(queryParam)) {
      const insert = parseSimpleInsert(queryParam, bodyText);
      if (insert) return { ...base, sql: queryParam, insert };
    }
    // ClickHouse reads the URL's query followed by the body as one statement.
    return { ...base, sql: `${queryParam}\n${bodyText.toString('utf8')}` };
  }
  const sql = queryParam.trim().length > 0 ? queryParam : bodyText.toString('utf8');
  if (sql.trim().length === 0) throw new BadRequestError('Empty query', 62, 'SYNTAX_ERROR');
  return { ...base, sql };
}

function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m?.[1]) throw new BadRequestError('multipart/form-data without boundary', 36, 'BAD_ARGUMENTS');
  return m[1];
}

function parseMultipart(text: string, boundary: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of text.split(`--${boundary}`)) {
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    const name = /name="([^"]+)"/i.exec(headers)?.[1];
    if (!name) continue;
    let value = part.slice(headerEnd + 4);
    if (value.endsWith('\r\n')) value = value.slice(0, -2);
    out.push([name, value]);
  }
  return out;
}
