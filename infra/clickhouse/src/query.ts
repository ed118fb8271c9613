// A statement whose body is SQL: streamed from the engine chunk by chunk when the engine can
// stream it (SELECT and friends), run in one call otherwise (DDL, SET, INSERT … SELECT).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Session } from 'chdb';
import { withConnection, type RunContext } from './connection.ts';
import { midStreamException, toChException } from './exception.ts';
import type { ChRequest } from './http-request.ts';
import { chooseEncoding, ResponseWriter } from './response.ts';
import { sampleProgress, type ProgressSample } from './progress.ts';
import { baseHeaders, contentTypeFor, explicitFormat, summaryHeader, type ServerInfo } from './headers.ts';

interface Chunk {
  bytes: Uint8Array;
  rows: number;
}

/** The result of a statement, pulled one chunk at a time. */
interface ResultSource {
  next(): Promise<Chunk | undefined>;
  cancel(): void;
  readRows: number;
  readBytes: number;
}

const NOT_STREAMABLE_RE = /Streaming query is not supported/;
// NOTE: chDB writes each streamed chunk of these formats as a complete file of its own (measured:
// a 500k-row Parquet result came as 8 concatenated files, read back as 42,137 rows), so their
// results are produced in one call; the per-query memory limit still bounds the work.
const WHOLE_FILE_FORMATS = /^(Parquet|Arrow|ArrowStream|ORC|Avro|Npy)$/i;

async function open(
  session: Session,
  sql: string,
  format: string,
  signal: AbortSignal,
): Promise<ResultSource> {
  if (WHOLE_FILE_FORMATS.test(explicitFormat(sql) ?? format)) return runWhole(session, sql, format, signal);
  let it: AsyncIterator<{ raw(): Uint8Array; numRows: number }> | undefined;
  let stream: { cancel(): void } | undefined;
  let first: IteratorResult<{ raw(): Uint8Array; numRows: number }> | undefined;
  try {
    const s = session.queryStream(sql, { format, signal });
    stream = s;
    it = s[Symbol.asyncIterator]();
    first = await it.next();
  } catch (err) {
    stream?.cancel();
    if (!NOT_STREAMABLE_RE.test((err as Error).message ?? '')) throw err;
    // Nothing ran: the engine refused to stream this kind of statement before starting it.
    return runWhole(session, sql, format, signal);
  }
  let pending: typeof first | undefined = first;
  const iterator = it;
  const source: ResultSource = {
    readRows: 0,
    readBytes: 0,
    async next() {
      const step = pending ?? (await iterator.next());
      pending = undefined;
      if (step.done) return undefined;
      const bytes = step.value.raw();
      source.readRows += step.value.numRows;
      source.readBytes += bytes.byteLength;
      return { bytes, rows: step.value.numRows };
    },
    cancel: () => stream?.cancel(),
  };
  return source;
}

/** The statement in one engine call; its result is one chunk. */
async function runWhole(
  session: Session,
  sql: string,
  format: string,
  signal: AbortSignal,
): Promise<ResultSource> {
  const r = await session.queryAsync(sql, { format, signal });
  let done = false;
  return {
    next: () => {
      if (done) return Promise.resolve(undefined);
      done = true;
      const bytes = r.bytes();
      return Promise.resolve(bytes.byteLength > 0 ? { bytes, rows: r.rowsRead } : undefined);
    },
    cancel: () => {},
    readRows: r.rowsRead,
    readBytes: r.bytesRead,
  };
}

export async function runQuery(
  ctx: RunContext,
  info: ServerInfo,
  req: IncomingMessage,
  res: ServerResponse,
  parsed: ChRequest,
  signal: AbortSignal,
): Promise<void> {
  const release = await ctx.engine.reads.acquire(signal);
  try {
    await withConnection(
      ctx,
      parsed,
      async ({ session, tag }) => {
        const kill = () => void ctx.engine.kill(tag).catch(() => {});
        signal.addEventListener('abort', kill, { once: true });
        const progress = wantsProgress(parsed)
          ? sampleProgress(ctx.engine, tag, progressInterval(parsed))
          : undefined;
        let source: ResultSource | undefined;
        try {
          source = await ctx.engine.track(open(session, parsed.sql, parsed.defaultFormat, signal));
          await respond(ctx, info, req, res, parsed, source, () => progress?.stop() ?? []);
        } finally {
          progress?.stop();
          signal.removeEventListener('abort', kill);
          source?.cancel();
          if (signal.aborted) kill();
        }
      },
      parsed.sql,
    );
  } finally {
    release();
  }
}

async function respond(
  ctx: RunContext,
  info: ServerInfo,
  req: IncomingMessage,
  res: ServerResponse,
  parsed: ChRequest,
  source: ResultSource,
  progressSoFar: () => ProgressSample[],
): Promise<void> {
  const format = explicitFormat(parsed.sql) ?? parsed.defaultFormat;
  const waitEnd =
    isOn(parsed.httpSettings.wait_end_of_query) || isOn(parsed.httpSettings.http_wait_end_of_query);
  // The first chunk (or the whole result, up to a bound, with wait_end_of_query) comes before
  // the headers: an error up to then is answered with its own status code.
  const held: Chunk[] = [];
  let heldBytes = 0;
  let ended = false;
  for (;;) {
    const chunk = await source.next();
    if (!chunk) {
      ended = true;
      break;
    }
    held.push(chunk);
    heldBytes += chunk.bytes.byteLength;
    if (!waitEnd || heldBytes >= ctx.limits.maxBufferedBodyBytes) break;
  }
  const progress = progressSoFar();
  const tag = randomBytes(8).toString('hex');
  const headers: Record<string, string | string[]> = {
    ...baseHeaders(info, parsed.queryId),
    'Content-Type': contentTypeFor(format),
    'X-ClickHouse-Format': format,
    'X-ClickHouse-Exception-Tag': tag,
    'X-ClickHouse-Summary': summaryHeader({
      readRows: source.readRows,
      readBytes: source.readBytes,
      resultRows: held.reduce((n, c) => n + c.rows, 0),
      resultBytes: heldBytes,
    }),
  };
  if (progress.length > 0) headers['X-ClickHouse-Progress'] = progress.map((p) => JSON.stringify(p));
  const level = Number(parsed.httpSettings.http_zlib_compression_level ?? 3);
  const sendTimeoutMs = seconds(parsed.httpSettings.http_send_timeout) ?? ctx.limits.sendTimeoutMs;
  const encoding = chooseEncoding(req, parsed.httpSettings);
  const writer = new ResponseWriter(res, {
    ...(encoding ? { encoding } : {}),
    level: Number.isInteger(level) && level >= 1 && level <= 9 ? level : 3,
    sendTimeoutMs,
    head: req.method === 'HEAD',
  });
  if (ended && !encoding) headers['Content-Length'] = String(heldBytes);
  writer.begin(200, headers);
  if (req.method === 'HEAD') {
    await writer.end();
    return;
  }
  try {
    for (const c of held) await writer.write(c.bytes);
    held.length = 0;
    if (!ended) {
      for (let c = await source.next(); c; c = await source.next()) await writer.write(c.bytes);
    }
  } catch (err) {
    if (res.destroyed) throw err;
    // Headers are gone: the error travels in the body, the way a ClickHouse server sends it.
    await writer.end(midStreamException(tag, toChException(err).text.concat(` (version ${info.version})`)));
    return;
  }
  await writer.end();
}

function wantsProgress(parsed: ChRequest): boolean {
  return isOn(parsed.httpSettings.send_progress_in_http_headers);
}

function progressInterval(parsed: ChRequest): number {
  const ms = Number(parsed.httpSettings.http_headers_progress_interval_ms ?? 100);
  return Number.isFinite(ms) && ms >= 100 ? ms : 100;
}

export function isOn(v: string | undefined): boolean {
  return v === '1' || v?.toLowerCase() === 'true';
}

/** A ClickHouse timeout setting in seconds → ms. */
export function seconds(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n * 1000 : undefined;
}
