// The part of ClickHouse's HTTP interface that @clickhouse/client and curl use, served by chDB.
// Every request is bounded: its body (size, decoded size, silence), its wait for a slot, its
// memory, and its life: a client that disconnects or aborts cancels its query.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { discardRest, openBody, readAll } from './body.ts';
import { ChError } from './ch-error.ts';
import type { RunContext } from './connection.ts';
import { toChException } from './exception.ts';
import { authenticate, credentialsOf, insertAllowed } from './access.ts';
import { baseHeaders, type ServerInfo } from './headers.ts';
import { parseChRequest, parseHead, type InsertTarget, type RequestHead } from './http-request.ts';
import { runInsert } from './insert.ts';
import { renderMetrics, type ServerStats } from './metrics.ts';
import { runQuery } from './query.ts';
import { ClientGoneError } from './response.ts';

export type { ServerInfo } from './headers.ts';

export function createChServer(ctx: RunContext, info: ServerInfo, stats: ServerStats): Server {
  const server = createServer((req, res) => {
    handle(ctx, info, stats, req, res).catch((err: unknown) => {
      // Only reached when writing the answer itself failed (client gone).
      if (!res.headersSent) sendError(res, info, undefined, err);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = ctx.limits.keepAliveTimeoutMs;
  server.headersTimeout = ctx.limits.headersTimeoutMs;
  // Long queries and large inserts are legitimate: no overall deadline; silence is bounded
  // instead (body receive timeout, send timeout).
  server.requestTimeout = 0;
  return server;
}

async function handle(
  ctx: RunContext,
  info: ServerInfo,
  stats: ServerStats,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const isReadMethod = method === 'GET' || method === 'HEAD';

  // NOTE: /ping never touches the engine, so a long query cannot make the server look dead.
  if (url.pathname === '/ping' || (url.pathname === '/' && isReadMethod && !url.searchParams.has('query'))) {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': '4' });
    res.end(method === 'HEAD' ? undefined : 'Ok.\n');
    return;
  }
  if (url.pathname === '/metrics' && isReadMethod) {
    req.resume();
    const text = await renderMetrics(ctx, stats);
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=UTF-8' });
    res.end(method === 'HEAD' ? undefined : text);
    return;
  }
  if (url.pathname !== '/' || !(isReadMethod || method === 'POST')) {
    req.resume();
    sendError(
      res,
      info,
      undefined,
      new ChError(36, 'BAD_ARGUMENTS', `There is no handle ${url.pathname}`, 404),
    );
    return;
  }

  // The client going away — an abort, a closed socket — cancels the query it asked for.
  const ac = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) {
      stats.cancelled++;
      ac.abort(new ClientGoneError('Client closed the connection'));
    }
  });
  stats.requests++;
  let head: RequestHead | undefined;
  try {
    checkHost(ctx, req);
    const user = ctx.users ? authenticate(ctx.users, credentialsOf(req, url)) : undefined;
    head = { ...parseHead(url, method, req.headers['content-type']), ...(user ? { user } : {}) };
    if (head.insert) {
      if (user && !insertAllowed(user, head.insert.table)) {
        throw new ChError(
          497,
          'ACCESS_DENIED',
          `${user.name}: Not enough privileges: INSERT INTO ${head.insert.table}`,
          403,
        );
      }
      await runInsert(ctx, info, req, res, head as RequestHead & { insert: InsertTarget }, ac.signal);
      return;
    }
    const body = await readAll(
      openBody(req, ctx.limits.maxBufferedBodyBytes, ctx.limits.receiveTimeoutMs),
      ctx.limits.maxBufferedBodyBytes,
    );
    const parsed = {
      ...parseChRequest(url, req.headers['content-type'], body, method),
      ...(user ? { user } : {}),
    };
    head = parsed;
    await runQuery(ctx, info, req, res, parsed, ac.signal);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (ac.signal.aborted) {
      res.destroy();
      return;
    }
    stats.errors++;
    const drained = await discardRest(req, ctx.limits.maxBodyBytes, ctx.limits.receiveTimeoutMs);
    if (res.destroyed) return;
    sendError(res, info, head?.queryId ?? url.searchParams.get('query_id') ?? undefined, err, !drained);
  }
}

/**
 * NOTE: a page in a browser can make requests to 127.0.0.1 under a name that resolves there
 * (DNS rebinding); only the names this server is really reached by are answered.
 */
function checkHost(ctx: RunContext, req: IncomingMessage): void {
  const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  if (ctx.allowedHosts.has(host)) return;
  throw new ChError(497, 'ACCESS_DENIED', `Host '${host}' is not one this server answers to`, 403);
}

function sendError(
  res: ServerResponse,
  info: ServerInfo,
  queryId: string | undefined,
  err: unknown,
  bodyUnread = false,
): void {
  const ex = toChException(err);
  const text = `${ex.text} (version ${info.version})\n`;
  const headers: Record<string, string> = {
    ...baseHeaders(info, queryId),
    'Content-Type': 'text/plain; charset=UTF-8',
    'X-ClickHouse-Exception-Code': String(ex.code),
    'Content-Length': String(Buffer.byteLength(text)),
  };
  // A refused body that is still arriving is not read to its end: the connection goes.
  if (bodyUnread) headers.Connection = 'close';
  res.writeHead(ex.status, headers);
  res.end(text);
}
