import { ClickHouseError, type QueryTarget } from '@tributary/clickhouse';
import { PANEL_MAX_SERIES, resolvePanelInterval, TributaryError } from '@tributary/contracts';
import { z } from 'zod';
import type { PanelPoint, PanelResult, PanelSeries } from '../query/run.ts';
import { astProblems } from './ast.ts';
import { checkStatement } from './statement.ts';

/** Limits of one SQL panel run (docs/decisions/raw-sql-panels.md). */
export const SQL_PANEL_LIMITS = {
  maxExecutionSeconds: 30,
  maxResultRows: 10_000,
  maxResultBytes: 10 * 1024 * 1024,
  /** Below the analyst user's own ceiling (10 billion), so the panel's limit is the one hit. */
  maxRowsToRead: 2_000_000_000,
} as const;

export interface SqlPanelOptions {
  /** The dashboard's range (epoch ms): `{from:DateTime64(3)}` / `{to:DateTime64(3)}`. */
  range: { from: number; to: number };
  signal?: AbortSignal;
  maxExecutionSeconds?: number;
  maxResultRows?: number;
  maxResultBytes?: number;
  maxRowsToRead?: number;
}

export interface SqlColumn {
  name: string;
  type: string;
}

export interface SqlPanelResult extends PanelResult {
  source: 'sql';
  /** The result as ClickHouse gave it (a table panel can show it as is). */
  columns: SqlColumn[];
  rows: unknown[][];
}

/** The parameters every panel SQL may use. */
export function sqlPanelParams(range: { from: number; to: number }): Record<string, string | number> {
  return {
    // Unix seconds with milliseconds: read the same whatever the server's time zone.
    from: (range.from / 1000).toFixed(3),
    to: (range.to / 1000).toFixed(3),
    interval: resolvePanelInterval({ interval: 'auto', range }),
  };
}

const refused = (why: string) => new TributaryError('bad_request', `refused: ${why}`);

/** ClickHouse's own sentence, without the code, the exception type and the version. */
function engineText(err: ClickHouseError): string {
  return err.message
    .replace(/^Code: \d+\. DB::Exception: /, '')
    .replace(/\s*\(version [^)]*\)\s*$/, '')
    .replace(/\s*\([A-Z_]+\)\s*$/, '')
    .replace(/\s+in scope [\s\S]*$/, '')
    .trim();
}

/** A failure of the run, in words for the panel. */
function runError(
  err: unknown,
  seconds: number,
  options: Required<Omit<SqlPanelOptions, 'range' | 'signal'>>,
): unknown {
  if (!(err instanceof ClickHouseError)) return err;
  const text = engineText(err);
  switch (err.type) {
    case 'TIMEOUT_EXCEEDED':
      return new TributaryError(
        'query_too_large',
        `stopped after ${seconds} s: the query ran longer than a panel may (${seconds} s); narrow the range, filter or aggregate more`,
        { clickhouse: text },
        { cause: err },
      );
    case 'TOO_MANY_ROWS_OR_BYTES':
      return new TributaryError(
        'query_too_large',
        `the result is larger than a panel may show (${options.maxResultRows.toLocaleString('en-US')} rows, ${Math.round(options.maxResultBytes / 1048576)} MB): aggregate more or add a LIMIT`,
        { clickhouse: text },
        { cause: err },
      );
    case 'TOO_MANY_ROWS':
    case 'TOO_MANY_BYTES':
      return new TributaryError(
        'query_too_large',
        `the query reads more rows than a panel may (${options.maxRowsToRead.toLocaleString('en-US')}): use {from:DateTime64(3)} / {to:DateTime64(3)} to read the dashboard's range only`,
        { clickhouse: text },
        { cause: err },
      );
    case 'UNKNOWN_IDENTIFIER':
    case 'UNKNOWN_TABLE':
    case 'NO_SUCH_COLUMN_IN_TABLE':
    case 'UNKNOWN_FUNCTION':
    case 'UNKNOWN_DATABASE':
    case 'ILLEGAL_TYPE_OF_ARGUMENT':
    case 'TYPE_MISMATCH':
    case 'NUMBER_OF_ARGUMENTS_DOESNT_MATCH':
      return new TributaryError('bad_request', `ClickHouse cannot run this SQL: ${text}`, undefined, {
        cause: err,
      });
    default:
      return new TributaryError('query_failed', `ClickHouse could not run this SQL: ${text}`, undefined, {
        cause: err,
      });
  }
}

/**
 * Checks a panel's SQL without running it: the lexical check, then the engine's parser. Throws a
 * TributaryError (bad_request, "refused: …") naming every problem; returns the SQL to send.
 */
export async function checkPanelSql(
  target: QueryTarget,
  input: string,
  range: { from: number; to: number },
  signal?: AbortSignal,
): Promise<string> {
  const { sql, problem } = checkStatement(input);
  if (problem) throw refused(problem);
  let ast: string;
  try {
    // exec, not query: query() would append a FORMAT clause, which the AST would show as the
    // statement's own. The HTTP default format (TabSeparated) escapes nothing the check reads.
    const rs = await target.client.exec({
      query: `EXPLAIN AST ${sql}`,
      query_params: sqlPanelParams(range),
      ...(signal ? { abort_signal: signal } : {}),
      clickhouse_settings: { max_execution_time: 10 },
    });
    const chunks: Buffer[] = [];
    for await (const chunk of rs.stream) chunks.push(Buffer.from(chunk as Uint8Array));
    ast = Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    if (!(err instanceof ClickHouseError)) throw err;
    const text = engineText(err);
    if (err.type === 'SYNTAX_ERROR') {
      throw new TributaryError(
        'bad_request',
        /Multi-statements/.test(text)
          ? 'refused: one statement only: the SQL has more than one (separated by ;)'
          : `the SQL does not parse: ${text}`,
      );
    }
    if (err.type === 'UNKNOWN_QUERY_PARAMETER') {
      throw new TributaryError(
        'bad_request',
        `${text}: a panel binds {from:DateTime64(3)}, {to:DateTime64(3)} and {interval:UInt32} only`,
      );
    }
    // The server's own access check (a ClickHouse user without the grant) says the same in its words.
    if (err.type === 'ACCESS_DENIED') throw refused(text.replace(/^[^:]*: Not enough privileges: /, ''));
    throw err;
  }
  const problems = astProblems(ast, target.database);
  if (problems.length > 0) throw refused(problems.join('; '));
  return sql;
}

const metaSchema = z.array(z.string());

function toMs(value: unknown, type: string): number | null {
  if (value === null || value === undefined) return null;
  if (/^(Nullable\()?Date(32)?\)?$/.test(type)) {
    const ms = Date.parse(`${String(value)}T00:00:00Z`);
    return Number.isFinite(ms) ? ms : null;
  }
  // DateTime(64) arrive as unix seconds (date_time_output_format=unix_timestamp); numbers as epoch
  // seconds when below 1e11 (year 5138), else milliseconds.
  const n = Number(value);
  if (!Number.isFinite(n)) return null;
  return /DateTime/.test(type) || Math.abs(n) < 1e11 ? Math.round(n * 1000) : Math.round(n);
}

const NUMERIC = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal.*|Bool)\)?$/;
const TIME = /^(Nullable\()?(Date|Date32|DateTime.*)\)?$/;

/**
 * Rows as panel series. The time is the column named `t` or the first Date/DateTime column; the
 * value is the column named `v` or the first numeric one (not the time); every other column is part
 * of the series key. Without a time column every row is one point at the range's start (stat,
 * pie and bar panels over a GROUP BY).
 */
export function rowsToSeries(columns: SqlColumn[], rows: unknown[][], from: number): PanelSeries[] {
  const idx = (name: string) => columns.findIndex((c) => c.name === name);
  let time = idx('t');
  if (time === -1) time = columns.findIndex((c) => TIME.test(c.type));
  let value = idx('v');
  if (value === -1) value = columns.findIndex((c, i) => i !== time && NUMERIC.test(c.type));
  if (value === -1) return [];
  const keyCols = columns.map((_, i) => i).filter((i) => i !== time && i !== value);
  const series = new Map<string, { key: string[]; points: PanelPoint[] }>();
  for (const row of rows) {
    const key = keyCols.map((i) => (row[i] === null || row[i] === undefined ? '' : String(row[i])));
    const id = JSON.stringify(key);
    let s = series.get(id);
    if (!s) {
      if (series.size >= PANEL_MAX_SERIES) continue;
      series.set(id, (s = { key, points: [] }));
    }
    const t = time === -1 ? from : toMs(row[time], columns[time]!.type);
    if (t === null) continue;
    const raw = row[value];
    const v = raw === null || raw === undefined ? null : Number(raw);
    s.points.push({ t, v: v !== null && Number.isFinite(v) ? v : null });
  }
  return [...series.values()].map((s) => ({ key: s.key, points: s.points.sort((a, b) => a.t - b.t) }));
}

/**
 * Runs a panel's SQL: checked first (checkPanelSql), then run with the panel's limits on the
 * given target, which should be the read-only analyst ClickHouse user. The range is bound as
 * `{from:DateTime64(3)}` / `{to:DateTime64(3)}`, and `{interval:UInt32}` is the interval an
 * 'auto' builder panel would use over the range.
 */
export async function runSqlPanel(
  target: QueryTarget,
  input: string,
  options: SqlPanelOptions,
): Promise<SqlPanelResult> {
  const limits = {
    maxExecutionSeconds: options.maxExecutionSeconds ?? SQL_PANEL_LIMITS.maxExecutionSeconds,
    maxResultRows: options.maxResultRows ?? SQL_PANEL_LIMITS.maxResultRows,
    maxResultBytes: options.maxResultBytes ?? SQL_PANEL_LIMITS.maxResultBytes,
    maxRowsToRead: options.maxRowsToRead ?? SQL_PANEL_LIMITS.maxRowsToRead,
  };
  const sql = await checkPanelSql(target, input, options.range, options.signal);
  options.signal?.throwIfAborted();
  const started = performance.now();
  let text: string;
  let summary: string | string[] | undefined;
  try {
    const rs = await target.client.query({
      query: sql,
      query_params: sqlPanelParams(options.range),
      format: 'JSONCompactEachRowWithNamesAndTypes',
      ...(options.signal ? { abort_signal: options.signal } : {}),
      clickhouse_settings: {
        max_execution_time: limits.maxExecutionSeconds,
        timeout_overflow_mode: 'throw',
        max_result_rows: String(limits.maxResultRows),
        max_result_bytes: String(limits.maxResultBytes),
        result_overflow_mode: 'throw',
        max_rows_to_read: String(limits.maxRowsToRead),
        output_format_json_quote_64bit_integers: 0,
        date_time_output_format: 'unix_timestamp',
        cancel_http_readonly_queries_on_client_close: 1,
        wait_end_of_query: 1,
      },
    });
    text = await rs.text();
    summary = rs.response_headers['x-clickhouse-summary'];
  } catch (err) {
    throw runError(err, limits.maxExecutionSeconds, limits);
  }
  const lines = text.split('\n').filter((l) => l !== '');
  const names = metaSchema.parse(JSON.parse(lines[0] ?? '[]'));
  const types = metaSchema.parse(JSON.parse(lines[1] ?? '[]'));
  const columns = names.map((name, i) => ({ name, type: types[i] ?? 'String' }));
  const rows = lines.slice(2).map((l) => z.array(z.unknown()).parse(JSON.parse(l)));
  const wallMs = performance.now() - started;
  const stats = parseSummary(summary);
  const interval = resolvePanelInterval({ interval: 'auto', range: options.range });
  return {
    series: rowsToSeries(columns, rows, options.range.from),
    source: 'sql',
    reason: 'raw SQL, read with the analyst user',
    interval,
    stats: {
      rowsRead: stats.read_rows,
      bytesRead: stats.read_bytes,
      elapsedMs: stats.elapsed_ns > 0 ? stats.elapsed_ns / 1e6 : wallMs,
    },
    columns,
    rows,
  };
}

const summarySchema = z.object({
  read_rows: z.coerce.number().default(0),
  read_bytes: z.coerce.number().default(0),
  elapsed_ns: z.coerce.number().default(0),
});

function parseSummary(header: string | string[] | undefined): z.output<typeof summarySchema> {
  const text = Array.isArray(header) ? header[0] : header;
  const empty = { read_rows: 0, read_bytes: 0, elapsed_ns: 0 };
  if (!text) return empty;
  try {
    const parsed = summarySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : empty;
  } catch {
    return empty;
  }
}
