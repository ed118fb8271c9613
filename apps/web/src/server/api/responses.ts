import { errorCodes, TributaryError } from '@tributary/contracts';
import { withAuditRequest } from '@tributary/db';
import { requestMeta } from '../auth/request-meta.ts';
import { classifyError } from '../errors/classify.ts';

export interface ApiErrorBody {
  error: { code: string; message: string; retryable?: boolean; details?: unknown };
}

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
}

/**
 * The management API's one error shape; statuses come from contracts' errorCodes. A failure
 * nobody threw on purpose is classified like the console's (Postgres down is a 503 a CI job may
 * retry, not a bare 500) and answered in plain words, its raw text kept for the log.
 */
export function errorResponse(err: unknown): Response {
  const deliberate = err instanceof TributaryError && err.code !== 'internal' && err.code !== 'unavailable';
  const e = deliberate ? err : classifyError(err);
  const body: ApiErrorBody = { error: { code: e.code, message: e.message, retryable: e.retryable } };
  if (deliberate && err.details !== undefined) body.error.details = err.details;
  if (!deliberate && errorCodes[e.code].http >= 500) console.error('api: request failed', err);
  const res = json(body, errorCodes[e.code].http);
  if (e.code === 'unauthorized') res.headers.set('www-authenticate', 'Bearer realm="tributary"');
  return res;
}

/** Runs a handler and turns whatever it throws into the API's error response. */
export async function handle(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    return errorResponse(err);
  }
}

/**
 * `handle` for a request whose work may write audit rows: they record its IP, user agent and
 * request id (echoed as X-Request-Id, so a caller can quote it).
 */
export async function handleAudited(req: Request, fn: () => Promise<Response>): Promise<Response> {
  const meta = requestMeta(req.headers);
  const res = await withAuditRequest(meta, () => handle(fn));
  res.headers.set('x-request-id', meta.requestId);
  return res;
}
