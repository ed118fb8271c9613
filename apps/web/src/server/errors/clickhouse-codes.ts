import type { ErrorCode } from '@tributary/contracts';

/** What the classifier concluded about one error: a code, and words when the default won't do. */
export interface Verdict {
  code: ErrorCode;
  message?: string;
  retryable?: boolean;
}

const READS_TOO_MUCH =
  'This query would read more data than ClickHouse allows — narrow the time range or the filters';
const TOO_SLOW = 'This query took longer than ClickHouse allows — narrow the time range or the filters';
const TOO_MUCH_MEMORY =
  'This query needs more memory than ClickHouse allows — narrow the time range or the filters';
const REFUSED_CREDENTIALS = "ClickHouse refused the console's credentials or permissions";

// ClickHouse error codes (src/Common/ErrorCodes.cpp) the console has words for.
const BY_CODE: Record<string, Verdict> = {
  '158': { code: 'query_too_large', message: READS_TOO_MUCH }, // TOO_MANY_ROWS
  '307': { code: 'query_too_large', message: READS_TOO_MUCH }, // TOO_MANY_BYTES
  '396': { code: 'query_too_large', message: READS_TOO_MUCH }, // TOO_MANY_ROWS_OR_BYTES (result)
  '159': { code: 'query_too_large', message: TOO_SLOW }, // TIMEOUT_EXCEEDED
  '160': { code: 'query_too_large', message: TOO_SLOW }, // TOO_SLOW (estimated up front)
  '394': { code: 'query_cancelled' }, // QUERY_WAS_CANCELLED
  '202': { code: 'clickhouse_busy', message: 'ClickHouse is busy: too many queries at once' },
  '60': { code: 'clickhouse_schema_missing' }, // UNKNOWN_TABLE
  '81': { code: 'clickhouse_schema_missing' }, // UNKNOWN_DATABASE
  '209': { code: 'clickhouse_unavailable' }, // SOCKET_TIMEOUT
  '210': { code: 'clickhouse_unavailable' }, // NETWORK_ERROR
  '164': { code: 'query_failed', message: REFUSED_CREDENTIALS }, // READONLY
  '497': { code: 'query_failed', message: REFUSED_CREDENTIALS }, // ACCESS_DENIED
  '516': { code: 'query_failed', message: REFUSED_CREDENTIALS }, // AUTHENTICATION_FAILED
};

const CODE_BY_TYPE: Record<string, string> = {
  MEMORY_LIMIT_EXCEEDED: '241',
  TOO_MANY_ROWS: '158',
  TOO_MANY_BYTES: '307',
  TOO_MANY_ROWS_OR_BYTES: '396',
  TIMEOUT_EXCEEDED: '159',
  TOO_SLOW: '160',
  QUERY_WAS_CANCELLED: '394',
  TOO_MANY_SIMULTANEOUS_QUERIES: '202',
  UNKNOWN_TABLE: '60',
  UNKNOWN_DATABASE: '81',
  SOCKET_TIMEOUT: '209',
  NETWORK_ERROR: '210',
  READONLY: '164',
  ACCESS_DENIED: '497',
  AUTHENTICATION_FAILED: '516',
};

/** A ClickHouse error code (as the client reports it, a decimal string) in the console's words. */
export function byClickHouseCode(code: string, message: string): Verdict {
  if (code === '241') {
    // The server (or user) as a whole is out of memory: another try may fit. A query's own
    // limit is hit again by the same query.
    return /\(total\)|\(for user\)|total memory/i.test(message)
      ? { code: 'clickhouse_busy', message: 'ClickHouse is short of memory right now' }
      : { code: 'query_too_large', message: TOO_MUCH_MEMORY };
  }
  return BY_CODE[code] ?? { code: 'query_failed' };
}

// Engine text as the server prints it ('Code: 241. DB::Exception: ... (MEMORY_LIMIT_EXCEEDED)'),
// or only the message part, which is all @tributary/clickhouse's selectRows keeps of a
// ClickHouseError ('ClickHouse query failed: Query memory limit exceeded: would use ...').
const TEXT_CODE_RE = /Code: (\d+)\. DB::Exception/;
const TEXT_TYPE_RE = /\(([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\)/;
const TEXT_PATTERNS: Array<[RegExp, string]> = [
  [/memory limit (\(.{1,20}\) )?exceeded/i, '241'],
  [/limit for rows \(controlled by 'max_rows_to_read'|limit for rows.{0,40}exceeded, max rows/i, '158'],
  [/limit for (rows or )?bytes to read exceeded/i, '307'],
  [/limit for result exceeded/i, '396'],
  [/timeout exceeded: elapsed/i, '159'],
  [/estimated query execution time .{1,80} is too long/i, '160'],
  [/query was cancelled/i, '394'],
  [/too many simultaneous queries/i, '202'],
  [/database \S+ does not exist|unknown database/i, '81'],
  [/table \S+ does not exist|unknown table/i, '60'],
];

/** Reads ClickHouse's failure from its text; `quoted` says the text is known to be ClickHouse's. */
export function fromClickHouseText(text: string, quoted: boolean): Verdict | null {
  const codeMatch = TEXT_CODE_RE.exec(text);
  if (!quoted && !codeMatch) return null;
  const type = TEXT_TYPE_RE.exec(text)?.[1];
  const code = codeMatch?.[1] ?? (type ? CODE_BY_TYPE[type] : undefined);
  if (code) return byClickHouseCode(code, text);
  for (const [re, c] of TEXT_PATTERNS) if (re.test(text)) return byClickHouseCode(c, text);
  return { code: 'query_failed' };
}
