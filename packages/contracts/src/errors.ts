import { z } from 'zod';

/**
 * One error vocabulary for ingest, workers and the console. Each code maps to an HTTP status
 * (ingest, management API), a tRPC code (console) and whether trying the same request again
 * later may succeed, so a failure reads the same everywhere.
 *
 * The first group is about the request; the second names what failed underneath, so a person
 * reads "ClickHouse is not answering" instead of a socket error, and a client knows whether to
 * retry. NOTE: codes are a public contract (API bodies, tests, dashboards): add, never rename.
 */
export const errorCodes = {
  bad_request: { http: 400, trpc: 'BAD_REQUEST', retryable: false },
  unauthorized: { http: 401, trpc: 'UNAUTHORIZED', retryable: false },
  forbidden: { http: 403, trpc: 'FORBIDDEN', retryable: false },
  not_found: { http: 404, trpc: 'NOT_FOUND', retryable: false },
  conflict: { http: 409, trpc: 'CONFLICT', retryable: false },
  payload_too_large: { http: 413, trpc: 'PAYLOAD_TOO_LARGE', retryable: false },
  unsupported_media_type: { http: 415, trpc: 'UNSUPPORTED_MEDIA_TYPE', retryable: false },
  rate_limited: { http: 429, trpc: 'TOO_MANY_REQUESTS', retryable: true },
  internal: { http: 500, trpc: 'INTERNAL_SERVER_ERROR', retryable: false },
  /** Some dependency is down and it is not known which (ingest: Kafka did not acknowledge). */
  unavailable: { http: 503, trpc: 'SERVICE_UNAVAILABLE', retryable: true },

  /** Refused connection, reset, timeout: ClickHouse did not answer. */
  clickhouse_unavailable: { http: 503, trpc: 'SERVICE_UNAVAILABLE', retryable: true },
  /** ClickHouse answered but has no room right now (server-wide memory, query slots). */
  clickhouse_busy: { http: 503, trpc: 'SERVICE_UNAVAILABLE', retryable: true },
  /** Tributary's ClickHouse database or tables are missing: migrations were not applied. */
  clickhouse_schema_missing: { http: 503, trpc: 'SERVICE_UNAVAILABLE', retryable: false },
  /** The query hit a per-query limit (memory, rows/bytes read, execution time). */
  query_too_large: { http: 422, trpc: 'UNPROCESSABLE_CONTENT', retryable: false },
  /** ClickHouse cancelled the query (KILL QUERY, server shutting down). */
  query_cancelled: { http: 503, trpc: 'SERVICE_UNAVAILABLE', retryable: true },
  /** ClickHouse refused the query for another reason; the same query would fail again. */
  query_failed: { http: 500, trpc: 'INTERNAL_SERVER_ERROR', retryable: false },
  postgres_unavailable: { http: 503, trpc: 'SERVICE_UNAVAILABLE', retryable: true },
  kafka_unavailable: { http: 503, trpc: 'SERVICE_UNAVAILABLE', retryable: true },
} as const;
export type ErrorCode = keyof typeof errorCodes;
export const errorCodeNames = Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]];

/** What to tell a person when there is nothing more specific to say. */
export const defaultErrorMessages: Record<ErrorCode, string> = {
  bad_request: 'The request was refused as invalid',
  unauthorized: 'Sign in or send an API key',
  forbidden: 'You may not do this',
  not_found: 'Not found',
  conflict: 'This conflicts with the current state',
  payload_too_large: 'The request is too large',
  unsupported_media_type: 'This content type is not accepted',
  rate_limited: 'Too many requests',
  internal: 'Something went wrong on the server',
  unavailable: 'A service Tributary depends on is not answering',
  clickhouse_unavailable: 'ClickHouse is not answering',
  clickhouse_busy: 'ClickHouse is busy',
  clickhouse_schema_missing: 'ClickHouse has no Tributary tables yet — apply the ClickHouse migrations',
  query_too_large: 'This query is too large — narrow the time range or the filters',
  query_cancelled: 'ClickHouse cancelled the query',
  query_failed: 'ClickHouse could not run this query',
  postgres_unavailable: 'The configuration database (Postgres) is not answering',
  kafka_unavailable: 'Kafka is not answering',
};

export interface TributaryErrorOptions {
  /** The failure underneath (kept for logs and for the raw text; never sent with its stack). */
  cause?: unknown;
  /** Overrides the code's default when this particular failure is known to pass (or not) later. */
  retryable?: boolean;
}

export class TributaryError extends Error {
  readonly #retryable: boolean | undefined;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options: TributaryErrorOptions = {},
  ) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'TributaryError';
    this.#retryable = options.retryable;
  }
  get httpStatus(): number {
    return errorCodes[this.code].http;
  }
  /** Whether the same request may succeed later without anyone changing it. */
  get retryable(): boolean {
    return this.#retryable ?? errorCodes[this.code].retryable;
  }
}

/** Upper bound on the raw text shown behind "Details"; ClickHouse messages can quote a whole query. */
export const MAX_ERROR_DETAILS_CHARS = 2000;

/**
 * A failure as a client receives it: a stable code, words for a person, whether retrying may
 * help, and the raw text of what failed underneath (truncated, never a stack) for whoever
 * needs to dig.
 */
export const publicErrorSchema = z.object({
  code: z.enum(errorCodeNames),
  message: z.string(),
  retryable: z.boolean(),
  details: z
    .string()
    .max(MAX_ERROR_DETAILS_CHARS + 1)
    .nullable(),
});
export type PublicError = z.infer<typeof publicErrorSchema>;
