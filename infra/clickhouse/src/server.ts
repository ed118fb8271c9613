// The part of ClickHouse's HTTP interface that @clickhouse/client and curl use, served by chDB.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Engine, EngineResult } from './engine.ts';
import { toChException } from './exception.ts';
import { BadRequestError, parseChRequest, type ChRequest } from './http-request.ts';

const gzipAsync = promisify(gzip);

export interface ServerInfo {
  version: string;
  timezone: string;
}

export function createChServer(engine: Engine, info: ServerInfo): Server {
  const server = createServer((req, res) => {
    handle(engine, info, req, res).catch((err: unknown) => {
      // Only reached when writing the answer itself failed (client gone).
      if (!res.headersSent) sendError(res, info, undefined, err);
      else res.destroy();
    });
  });
  // Matches ClickHouse's keep_alive_timeout; the client reads it from the Keep-Alive header.
  server.keepAliveTimeout = 10_000;
  // Long queries and large inserts are legitimate: no overall request deadline.
  server.requestTimeout = 0;
  return server;
}

async function handle(
  engine: Engine,
  info: ServerInfo,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const isReadMethod = method === 'GET' || method === 'HEAD';

  // NOTE: /ping never touches the engine, so a long query cannot make the server look dead.
  if (url.pathname === '/ping' || (url.pathname === '/' && isReadMethod && !url.searchParams.has('query'))) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' });
    res.end(method === 'HEAD' ? undefined : 'Ok.\n');
    return;
  }
  if (url.pathname !== '/' || !(isReadMethod || method === 'POST')) {
    req.resume();
    sendError(
      res,
      info,
      undefined,
      new BadRequestError(`There is no handle ${url.pathname}`, 36, 'BAD_ARGUMENTS'),
      404,
    );
    return;
  }

  let parsed: ChRequest | undefined;
  try {
    const body = await readBody(req);
    parsed = parseChRequest(url, req.headers['content-type'], body);
    const result = await engine.run(parsed);
    await sendResult(res, info, req, parsed, result);
  } catch (err) {
    sendError(res, info, parsed?.queryId ?? url.searchParams.get('query_id') ?? undefined, err);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
  let source: Readable = req;
  if (encoding === 'gzip') source = req.pipe(createGunzip());
  else if (encoding === 'deflate') source = req.pipe(createInflate());
  else if (encoding === 'br') source = req.pipe(createBrotliDecompress());
  else if (encoding !== '' && encoding !== 'identity') {
    req.resume();
    throw new BadRequestError(`Unknown HTTP compression method '${encoding}'`, 36, 'BAD_ARGUMENTS');
  }
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of source) chunks.push(chunk as Buffer);
  } catch (err) {
    throw new BadRequestError(`Cannot read request body: ${(err as Error).message}`, 36, 'BAD_ARGUMENTS');
  }
  return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks);
}

async function sendResult(
  res: ServerResponse,
  info: ServerInfo,
  req: IncomingMessage,
  parsed: ChRequest,
  result: EngineResult,
): Promise<void> {
  const format = parsed.insert ? undefined : (explicitFormat(parsed.sql) ?? parsed.defaultFormat);
  const headers: Record<string, string> = {
    'Content-Type': contentTypeFor(format),
    'X-ClickHouse-Query-Id': parsed.queryId,
    'X-ClickHouse-Timezone': info.timezone,
    'X-ClickHouse-Server-Display-Name': 'tributary-embedded',
    'X-ClickHouse-Summary': JSON.stringify({
      read_rows: String(result.readRows),
      read_bytes: String(result.readBytes),
      written_rows: String(result.writtenRows),
      written_bytes: String(result.writtenBytes),
      total_rows_to_read: '0',
      result_rows: String(parsed.insert ? 0 : result.readRows),
      result_bytes: String(result.body.byteLength),
      elapsed_ns: String(Math.round(result.elapsedSeconds * 1e9)),
    }),
  };
  if (format) headers['X-ClickHouse-Format'] = format;
  let body: Uint8Array = result.body;
  if (wantsGzip(parsed, req) && body.byteLength > 0) {
    const level = Number(parsed.httpSettings.http_zlib_compression_level ?? 3);
    body = await gzipAsync(body, { level: Number.isInteger(level) && level >= 1 && level <= 9 ? level : 3 });
    headers['Content-Encoding'] = 'gzip';
  }
  headers['Content-Length'] = String(body.byteLength);
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendError(
  res: ServerResponse,
  info: ServerInfo,
  queryId: string | undefined,
  err: unknown,
  status?: number,
): void {
  const ex = toChException(err);
  const text = `${ex.text} (version ${info.version})\n`;
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain; charset=UTF-8',
    'X-ClickHouse-Exception-Code': String(ex.code),
    'Content-Length': String(Buffer.byteLength(text)),
  };
  if (queryId) headers['X-ClickHouse-Query-Id'] = queryId;
  res.writeHead(status ?? ex.status, headers);
  res.end(text);
}

function wantsGzip(parsed: ChRequest, req: IncomingMessage): boolean {
  const enabled = parsed.httpSettings.enable_http_compression;
  if (enabled !== '1' && enabled?.toLowerCase() !== 'true') return false;
  return /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''));
}

const FORMAT_RE = /\bFORMAT\s+([A-Za-z0-9]+)\s*;?\s*$/i;

function explicitFormat(sql: string): string | undefined {
  return FORMAT_RE.exec(sql)?.[1];
}

function contentTypeFor(format: string | undefined): string {
  if (!format) return 'text/plain; charset=UTF-8';
  if (/^JSON(Compact)?(Strings)?(EachRow)?/i.test(format) && /EachRow/i.test(format)) {
    return 'application/x-ndjson; charset=UTF-8';
  }
  if (/^JSON/i.test(format)) return 'application/json; charset=UTF-8';
  if (/^CSV/i.test(format)) return 'text/csv; charset=UTF-8; header=absent';
  if (/^(TabSeparated|TSV)/i.test(format)) return 'text/tab-separated-values; charset=UTF-8';
  return 'text/plain; charset=UTF-8';
}
