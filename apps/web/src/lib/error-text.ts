/**
 * What to tell a person about a failed request. The server already speaks in plain words (see
 * server/classify-error.ts); this reads its answer, and words the failures that never reached
 * it (the console server itself unreachable). Safe for the browser and the server alike.
 */

/** The parts of a tRPC client error (or any error) the console reads. */
export interface ErrorLike {
  message: string;
  data?: {
    httpStatus?: number;
    tributaryCode?: string | null;
    retryable?: boolean;
    details?: string | null;
  } | null;
}

export interface FailureView {
  /** The stable code from contracts' errorCodes; null when the server never answered. */
  code: string | null;
  message: string;
  retryable: boolean;
  /** The raw text of what failed underneath, for the "Details" toggle. */
  details: string | null;
}

const NETWORK_FAILURE = /failed to fetch|networkerror|load failed|fetch failed/i;

export function describeFailure(err: ErrorLike | null | undefined): FailureView | null {
  if (!err) return null;
  const data = err.data ?? null;
  if (!data && NETWORK_FAILURE.test(err.message)) {
    return {
      code: null,
      message: 'The console server is not answering; check your connection',
      retryable: true,
      details: err.message,
    };
  }
  return {
    code: data?.tributaryCode ?? null,
    message: errorText(err),
    retryable: isRetryable(err),
    details: typeof data?.details === 'string' && data.details !== '' ? data.details : null,
  };
}

/** A failure a procedure returned as data (a partial answer), read like a thrown one. */
export function fromPublicError(e: {
  code: string;
  message: string;
  retryable: boolean;
  details: string | null;
}): ErrorLike {
  return { message: e.message, data: { tributaryCode: e.code, retryable: e.retryable, details: e.details } };
}

export function errorText(err: ErrorLike | null | undefined): string {
  if (!err) return '';
  const issues = parseIssues(err.message);
  if (issues) return issuesText(issues);
  if (!err.data && NETWORK_FAILURE.test(err.message)) {
    return 'the console server could not be reached; check your connection and try again';
  }
  return err.message;
}

/**
 * Whether trying again may help. The server says so; a failure with no answer from the server
 * (network, a proxy's HTML page) may pass later, and so may any 5xx from an older server.
 */
export function isRetryable(err: ErrorLike | null | undefined): boolean {
  if (!err) return false;
  const data = err.data;
  if (typeof data?.retryable === 'boolean') return data.retryable;
  if (!data) return true;
  return (data.httpStatus ?? 500) >= 500;
}

/**
 * React Query's retry policy: keep retrying what may pass (with its exponential backoff, capped
 * at 30 s), never what will fail the same way (a refusal, a query too large).
 */
export function shouldRetry(_failureCount: number, err: ErrorLike): boolean {
  return isRetryable(err);
}

/**
 * A polling interval that stops once a query failed for good: re-running a query that is too
 * large every few seconds only loads ClickHouse. A new key (other filter or window) polls again.
 * `afterFailureMs` polls at that slower pace instead of stopping: a dashboard left on a wall keeps
 * one key for hours, and one query that ran out of time on a busy moment must not freeze it.
 */
export function pollUnlessFailed(ms: number, opts: { afterFailureMs?: number } = {}) {
  return (query: { state: { error: unknown } }): number | false => {
    const error = query.state.error as ErrorLike | null;
    if (!error || isRetryable(error)) return ms;
    return opts.afterFailureMs === undefined ? false : Math.max(ms, opts.afterFailureMs);
  };
}

// Input objects that wrap the fields a person actually typed.
const WRAPPERS = new Set(['filter', 'selection', 'input']);

export interface Issue {
  code?: string;
  path: Array<string | number>;
  message: string;
}

/** Input issues (zod's) as sentences: a generic message gets its field name. */
export function issuesText(issues: Issue[]): string {
  return issues
    .map((i) => {
      const field = i.path.filter((p) => typeof p === 'string' && !WRAPPERS.has(p)).at(-1);
      // A message the contracts wrote names its field already; a generic one gets the field name.
      return field && !i.message.toLowerCase().includes(String(field).toLowerCase()) && i.code !== 'custom'
        ? `${String(field)}: ${i.message}`
        : i.message;
    })
    .join('; ');
}

/** Reads a list of issues, whether given as values or as the JSON text tRPC sends. */
export function parseIssues(input: unknown): Issue[] | null {
  let parsed = input;
  if (typeof input === 'string') {
    if (!input.trimStart().startsWith('[')) return null;
    try {
      parsed = JSON.parse(input);
    } catch {
      return null;
    }
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return null;
  const issues: Issue[] = [];
  for (const item of parsed) {
    if (typeof item !== 'object' || item === null) return null;
    const { message: m, path, code } = item as Record<string, unknown>;
    if (typeof m !== 'string') return null;
    issues.push({
      message: m,
      code: typeof code === 'string' ? code : undefined,
      path: Array.isArray(path)
        ? path
            .map((p) => (typeof p === 'object' && p !== null && 'key' in p ? (p as { key: unknown }).key : p))
            .filter((p): p is string | number => typeof p === 'string' || typeof p === 'number')
        : [],
    });
  }
  return issues;
}
