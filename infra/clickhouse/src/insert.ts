// `INSERT … FORMAT x` with the rows in the body. Three ways in, by what chDB can take:
// - line-delimited formats stream into the engine in bounded chunks with backpressure, so an
//   insert of any size holds a few MiB of memory;
// - other text formats, and any insert carrying insert_deduplication_token (its token must
//   cover one statement, not one per chunk), are read whole within a limit and handed over
//   as bytes;
// - binary formats (RowBinary, Parquet, Native, …) are spooled to a temporary file that the
//   engine reads with FROM INFILE.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { openBody, readAll } from './body.ts';
import { ChError } from './ch-error.ts';
import { withConnection, type RunContext } from './connection.ts';
import { baseHeaders, summaryHeader, type ServerInfo } from './headers.ts';
import {
  RAW_INSERT_FORMATS,
  STREAM_INSERT_FORMATS,
  type InsertTarget,
  type RequestHead,
} from './http-request.ts';
import { quoteLiteral } from './settings.ts';
import { seconds } from './query.ts';

interface InsertSummary {
  writtenRows: number;
  writtenBytes: number;
  readRows: number;
  readBytes: number;
  elapsedSeconds: number;
}

const MAX_CHUNK_BYTES = 8 * 1024 * 1024;

function canonical<T extends string>(list: readonly T[], format: string): T | undefined {
  return list.find((f) => f.toLowerCase() === format.toLowerCase());
}

export async function runInsert(
  ctx: RunContext,
  info: ServerInfo,
  req: IncomingMessage,
  res: ServerResponse,
  head: RequestHead & { insert: InsertTarget },
  signal: AbortSignal,
): Promise<void> {
  const release = await ctx.engine.inserts.acquire(signal);
  try {
    const summary = await withConnection(ctx, head, async ({ session, tag }) => {
      const kill = () => void ctx.engine.kill(tag).catch(() => {});
      signal.addEventListener('abort', kill, { once: true });
      const { table, columns } = head.insert;
      const receiveTimeoutMs = seconds(head.httpSettings.http_receive_timeout) ?? ctx.limits.receiveTimeoutMs;
      const started = performance.now();
      try {
        const streamFormat = canonical(STREAM_INSERT_FORMATS, head.insert.format);
        if (streamFormat && head.engineSettings.insert_deduplication_token === undefined) {
          const body = openBody(req, ctx.limits.maxBodyBytes, receiveTimeoutMs);
          // chDB wraps a failing source in its own error; the body's own error (too large,
          // too slow) is the one to answer with.
          let bodyError: unknown;
          body.once('error', (err) => (bodyError = err));
          const s = await ctx.engine
            .track(
              session.insert({
                table,
                values: body,
                format: streamFormat,
                maxChunkBytes: MAX_CHUNK_BYTES,
                signal,
                ...(columns ? { columns } : {}),
              }),
            )
            .catch((err: unknown) => {
              throw bodyError instanceof ChError ? bodyError : err;
            });
          return {
            writtenRows: s.rowsWritten,
            writtenBytes: s.bytesWritten,
            readRows: s.rowsSent,
            readBytes: s.bytesSent,
            elapsedSeconds: s.elapsed,
          };
        }
        const rawFormat = canonical(RAW_INSERT_FORMATS, head.insert.format);
        if (rawFormat) {
          const data = await readAll(
            openBody(req, ctx.limits.maxBufferedBodyBytes, receiveTimeoutMs),
            ctx.limits.maxBufferedBodyBytes,
          );
          if (data.length === 0) return empty();
          const s = await ctx.engine.track(
            session.insert({
              table,
              values: data,
              format: rawFormat,
              signal,
              ...(columns ? { columns } : {}),
            }),
          );
          return {
            writtenRows: s.rowsWritten,
            writtenBytes: s.bytesWritten,
            readRows: s.rowsSent ?? s.rowsWritten,
            readBytes: s.bytesSent,
            elapsedSeconds: s.elapsed,
          };
        }
        const file = join(tmpdir(), `tributary-ch-insert-${randomUUID()}`);
        try {
          await pipeline(openBody(req, ctx.limits.maxBodyBytes, receiveTimeoutMs), createWriteStream(file));
          const cols = columns ? ` (${columns.join(', ')})` : '';
          const r = await ctx.engine.track(
            session.queryAsync(
              `INSERT INTO ${table}${cols} FROM INFILE ${quoteLiteral(file)} FORMAT ${head.insert.format}`,
              { signal },
            ),
          );
          return {
            writtenRows: r.rowsRead,
            writtenBytes: r.bytesRead,
            readRows: r.rowsRead,
            readBytes: r.bytesRead,
            elapsedSeconds: (performance.now() - started) / 1000,
          };
        } finally {
          await rm(file, { force: true });
        }
      } finally {
        signal.removeEventListener('abort', kill);
      }
    });
    const headers = {
      ...baseHeaders(info, head.queryId),
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Summary': summaryHeader(summary),
      'Content-Length': '0',
    };
    res.writeHead(200, headers);
    res.end();
  } finally {
    release();
  }
}

function empty(): InsertSummary {
  return { writtenRows: 0, writtenBytes: 0, readRows: 0, readBytes: 0, elapsedSeconds: 0 };
}
