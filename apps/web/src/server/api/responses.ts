import { errorCodes, TributaryError } from '@tributary/contracts';

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
}

/** The management API's one error shape; statuses come from contracts' errorCodes. */
export function errorResponse(err: unknown): Response {
  if (err instanceof TributaryError) {
    const body: ApiErrorBody = { error: { code: err.code, message: err.message } };
    if (err.details !== undefined) body.error.details = err.details;
    const res = json(body, errorCodes[err.code].http);
    if (err.code === 'unauthorized') res.headers.set('www-authenticate', 'Bearer realm="tributary"');
    return res;
  }
  // Unexpected failures are logged with their cause, answered without it.
  console.error('api: unexpected error', err);
  return json({ error: { code: 'internal', message: 'internal error' } } satisfies ApiErrorBody, 500);
}

/** Runs a handler and turns whatever it throws into the API's error response. */
export async function handle(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    return errorResponse(err);
  }
}
