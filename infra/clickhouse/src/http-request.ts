// Turns one HTTP request of ClickHouse's HTTP interface into what the engine has to run.
// Two steps, because an insert's rows must not be read before we know they are rows: the URL
// alone decides whether the body is data (`?query=INSERT … FORMAT x`, streamed to the engine)
// or SQL (read whole, within a limit).
import { randomUUID } from 'node:crypto';
import { ChError } from './ch-error.ts';
import type { SessionRequest } from './sessions.ts';
import type { ChUser } from './access.ts';
import { splitUrlParams, type SplitParams } from './settings.ts';

export interface InsertTarget {
  table: string;
  columns?: string[];
  /** The format name as the engine spells it. */
  format: string;
}

export interface RequestHead extends SplitParams {
  queryId: string;
  database?: string;
  /** Output format when the SQL names none; ClickHouse's HTTP default is TabSeparated. */
  defaultFormat: string;
  session?: SessionRequest;
  /** GET requests are read-only on a ClickHouse server (readonly=2). */
  readOnly: boolean;
  /** Set when the URL's query is an `INSERT … FORMAT x` whose rows are the body. */
  insert?: InsertTarget;
  /** The URL's `query` text. */
  urlQuery: string;
  /** The authenticated user, when the server has users. */
  user?: ChUser;
}

export interface ChRequest extends RequestHead {
  /** The statement to run; for an insert with a body this is the statement without its data. */
  sql: string;
}

/** Formats chDB takes as one raw buffer (no SQL text around the rows). */
export const RAW_INSERT_FORMATS = [
  'JSONEachRow',
  'JSONCompactEachRow',
  'CSV',
  'CSVWithNames',
  'TSV',
  'TabSeparated',
  'TSVWithNames',
  'TabSeparatedWithNames',
] as const;

/** Line-delimited formats chDB can take as a stream, cut at row boundaries. */
export const STREAM_INSERT_FORMATS = ['JSONEachRow', 'JSONCompactEachRow', 'TSV', 'TabSeparated'] as const;

// What @clickhouse/client's insert() produces: INSERT INTO <table>[ (<cols>)] FORMAT <fmt>.
const SIMPLE_INSERT_RE =
  /^\s*INSERT\s+INTO\s+(?:TABLE\s+)?((?:`[^`]+`|[A-Za-z0-9_]+)(?:\.(?:`[^`]+`|[A-Za-z0-9_]+))?)\s*(?:\(([A-Za-z0-9_,\s`]*)\))?\s*FORMAT\s+([A-Za-z0-9]+)\s*;?\s*$/i;

export function parseSimpleInsert(sql: string): InsertTarget | undefined {
  const m = SIMPLE_INSERT_RE.exec(sql);
  if (!m) return undefined;
  const [, table, cols, format] = m;
  if (!table || !format) return undefined;
  const columns = cols
    ?.split(',')
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
  return { table, format, ...(columns && columns.length > 0 ? { columns } : {}) };
}

export function isMultipart(contentType: string | undefined): boolean {
  return !!contentType && /^multipart\/form-data/i.test(contentType);
}

/** What the URL (and method) say, before any of the body is read. */
export function parseHead(url: URL, method: string, contentType?: string): RequestHead {
  return headFromEntries([...url.searchParams.entries()], method, contentType);
}

function headFromEntries(entries: [string, string][], method: string, contentType?: string): RequestHead {
  const lookup = (key: string) => {
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i];
      if (e && e[0] === key) return e[1];
    }
    return undefined;
  };
  const split = splitUrlParams(entries.filter(([k]) => k !== 'query'));
  const urlQuery = entries
    .filter(([k]) => k === 'query')
    .map(([, v]) => v)
    .join('');
  const database = lookup('database');
  const sessionId = lookup('session_id');
  const sessionTimeout = lookup('session_timeout');
  const insert = isMultipart(contentType) ? undefined : parseSimpleInsert(urlQuery);
  return {
    ...split,
    queryId: lookup('query_id') || randomUUID(),
    defaultFormat: lookup('default_format') || 'TabSeparated',
    readOnly: method === 'GET' || method === 'HEAD',
    urlQuery,
    ...(database ? { database } : {}),
    ...(insert ? { insert } : {}),
    ...(sessionId
      ? {
          session: {
            id: sessionId,
            check: lookup('session_check') === '1',
            ...(sessionTimeout !== undefined ? { timeout: sessionTimeout } : {}),
          },
        }
      : {}),
  };
}

/** A request whose body is SQL (or multipart parameters), read whole. */
export function parseChRequest(
  url: URL,
  contentType: string | undefined,
  body: Buffer,
  method = 'POST',
): ChRequest {
  const boundary = multipartBoundary(contentType);
  if (boundary !== undefined) {
    // @clickhouse/client sends long query parameters this way (use_multipart_params).
    const entries: [string, string][] = [
      ...url.searchParams.entries(),
      ...parseMultipart(body.toString('utf8'), boundary),
    ];
    const head = headFromEntries(entries, method);
    return withSql(head, head.urlQuery);
  }
  const head = parseHead(url, method, contentType);
  if (head.urlQuery.trim().length > 0 && body.length > 0) {
    // ClickHouse reads the URL's query followed by the body as one statement.
    const { insert: _insert, ...rest } = head;
    return withSql(rest, `${head.urlQuery}\n${body.toString('utf8')}`);
  }
  return withSql(head, head.urlQuery.trim().length > 0 ? head.urlQuery : body.toString('utf8'));
}

function withSql(head: RequestHead, sql: string): ChRequest {
  if (sql.trim().length === 0) throw new ChError(62, 'SYNTAX_ERROR', 'Empty query');
  return { ...head, sql };
}

function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!isMultipart(contentType)) return undefined;
  const m = /boundary="?([^";]+)"?/i.exec(contentType ?? '');
  if (!m?.[1]) throw new ChError(36, 'BAD_ARGUMENTS', 'multipart/form-data without boundary');
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
