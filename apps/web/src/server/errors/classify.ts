import { defaultErrorMessages, TributaryError, type ErrorCode, type PublicError } from '@tributary/contracts';
import { issuesText, parseIssues } from '../../lib/error-text.ts';
import { byClickHouseCode, fromClickHouseText, type Verdict } from './clickhouse-codes.ts';
import { dependencyOf, type Endpoint } from './endpoints.ts';
import { errorTree, isClassified, isClickHouseError, markClassified, rawText } from './error-tree.ts';

/**
 * Sorts any failure a console request can meet into the shared vocabulary (contracts'
 * errorCodes): a stable code, words for a person, whether retrying may help, and the raw text
 * kept apart for the "Details" toggle. It reads what the console's dependencies actually throw:
 * - ClickHouseError from @clickhouse/client (`code` '241', `type` 'MEMORY_LIMIT_EXCEEDED'), and
 *   the same failures after @tributary/clickhouse's selectRows wrapped them in a TributaryError
 *   that quotes only the server's message ('ClickHouse query failed: ...');
 * - Node socket errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ...) and undici's UND_ERR_*,
 *   directly or as the cause of another error, attributed to a dependency by address;
 * - Prisma's errors over the pg adapter (P1001, driver kinds such as DatabaseNotReachable);
 * - @platformatic/kafka's network errors and @tributary/kafka's KafkaUnavailableError;
 * - tRPC's own refusals (input validation keeps its message, worded per field).
 * A TributaryError thrown on purpose (not_found, conflict, ...) keeps its code and its words.
 */

export interface ClassifyContext {
  /** Where each dependency listens, to name the one a bare socket error came from. */
  endpoints?: readonly Endpoint[];
}

export function classifyError(err: unknown, context: ClassifyContext = {}): TributaryError {
  const tree = errorTree(err);
  // Classified once already (the middleware did, and tRPC wrapped the result): keep that.
  const done = tree.find(isClassified);
  if (done) return done;
  let verdict: Verdict | null = null;
  for (const node of tree) {
    verdict = recognize(node, context);
    if (verdict) break;
  }
  verdict ??= fallback(err);
  return markClassified(
    new TributaryError(verdict.code, verdict.message ?? defaultErrorMessages[verdict.code], undefined, {
      cause: err,
      ...(verdict.retryable === undefined ? {} : { retryable: verdict.retryable }),
    }),
  );
}

/** What a client receives: plain words, the code, the retry flag, and the raw text (no stack). */
export function toPublicError(err: TributaryError): PublicError {
  const raw = err.cause === undefined ? null : rawText(err.cause);
  return {
    code: err.code,
    message: err.message,
    retryable: err.retryable,
    // A domain error thrown on purpose has nothing beneath its words.
    details: raw === err.message ? null : raw,
  };
}

export function publicError(err: unknown, context: ClassifyContext = {}): PublicError {
  return toPublicError(classifyError(err, context));
}

function recognize(node: unknown, context: ClassifyContext): Verdict | null {
  if (typeof node === 'string' || !(node instanceof Error)) return null;
  return (
    fromTributaryError(node) ??
    fromTrpcError(node) ??
    (isClickHouseError(node) ? byClickHouseCode(node.code, node.message) : null) ??
    fromPrisma(node) ??
    fromKafka(node) ??
    fromClickHouseText(node.message, node instanceof TributaryError && /^ClickHouse /.test(node.message)) ??
    fromSocket(node, context)
  );
}

function fallback(err: unknown): Verdict {
  // A generic 'unavailable' nobody could refine was still worded on purpose.
  if (err instanceof TributaryError && err.code === 'unavailable')
    return { code: 'unavailable', message: err.message };
  return { code: 'internal' };
}

function fromTributaryError(node: Error): Verdict | null {
  if (!(node instanceof TributaryError)) return null;
  // Thrown on purpose with a precise code: its words are already meant for a person.
  if (node.code !== 'internal' && node.code !== 'unavailable') {
    return { code: node.code, message: node.message, retryable: node.retryable };
  }
  if (node.code === 'unavailable' && /clickhouse/i.test(node.message)) {
    // selectRows names the dependency and keeps what failed only as text; it takes any message
    // with "timeout" in it for an outage, ClickHouse's own TIMEOUT_EXCEEDED included.
    const cause = (node.details as { cause?: unknown } | undefined)?.cause;
    const engine = typeof cause === 'string' ? fromClickHouseText(cause, true) : null;
    return engine && engine.code !== 'query_failed' ? engine : { code: 'clickhouse_unavailable' };
  }
  return null;
}

const TRPC_TO_CODE: Record<string, ErrorCode> = {
  PARSE_ERROR: 'bad_request',
  BAD_REQUEST: 'bad_request',
  METHOD_NOT_SUPPORTED: 'bad_request',
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not_found',
  CONFLICT: 'conflict',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  TOO_MANY_REQUESTS: 'rate_limited',
  SERVICE_UNAVAILABLE: 'unavailable',
  TIMEOUT: 'unavailable',
  GATEWAY_TIMEOUT: 'unavailable',
};

function fromTrpcError(node: Error): Verdict | null {
  if (node.name !== 'TRPCError') return null;
  const trpcCode = (node as { code?: unknown }).code;
  // An unexpected failure, or what the middleware made of a domain error: read what is beneath.
  if (trpcCode === 'INTERNAL_SERVER_ERROR' || node.cause instanceof TributaryError) return null;
  const code = typeof trpcCode === 'string' ? TRPC_TO_CODE[trpcCode] : undefined;
  if (!code) return null;
  if (code === 'bad_request') {
    // Input validation: zod's issues, worded per field instead of a JSON dump.
    const issues =
      parseIssues((node.cause as { issues?: unknown } | undefined)?.issues) ?? parseIssues(node.message);
    if (issues) return { code, message: issuesText(issues) };
  }
  return { code, message: node.message || defaultErrorMessages[code] };
}

// Prisma over @prisma/adapter-pg: codes and driver-adapter kinds that mean "Postgres is not
// reachable right now", as opposed to a query Postgres refused (those stay internal).
const PRISMA_UNREACHABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const DRIVER_UNREACHABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'DatabaseDoesNotExist',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
]);

function fromPrisma(node: Error): Verdict | null {
  if (node.name === 'DriverAdapterError')
    return unreachableKind(node) ? { code: 'postgres_unavailable' } : null;
  if (!node.name.startsWith('PrismaClient')) return null;
  if (node.name === 'PrismaClientInitializationError') return { code: 'postgres_unavailable' };
  const { code, meta } = node as { code?: unknown; meta?: { driverAdapterError?: unknown } };
  if (typeof code === 'string' && PRISMA_UNREACHABLE_CODES.has(code)) return { code: 'postgres_unavailable' };
  return unreachableKind(meta?.driverAdapterError) ? { code: 'postgres_unavailable' } : null;
}

function unreachableKind(err: unknown): boolean {
  const kind = (err as { cause?: { kind?: unknown } } | null | undefined)?.cause?.kind;
  return typeof kind === 'string' && DRIVER_UNREACHABLE_KINDS.has(kind);
}

const KAFKA_UNREACHABLE_CODES = new Set(['PLT_KFK_NETWORK', 'PLT_KFK_TIMEOUT']);

function fromKafka(node: Error): Verdict | null {
  if (node.name === 'KafkaUnavailableError') return { code: 'kafka_unavailable' };
  const code = (node as { code?: unknown }).code;
  return typeof code === 'string' && KAFKA_UNREACHABLE_CODES.has(code) ? { code: 'kafka_unavailable' } : null;
}

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

function fromSocket(node: Error, context: ClassifyContext): Verdict | null {
  const code = (node as { code?: unknown }).code;
  const socket =
    (typeof code === 'string' && (SOCKET_CODES.has(code) || code.startsWith('UND_ERR_'))) ||
    /^socket hang up$/i.test(node.message);
  if (!socket) {
    // @clickhouse/client's own request timeout is a plain Error with exactly this text.
    return /^Timeout error\.?$/.test(node.message) ? { code: 'clickhouse_unavailable' } : null;
  }
  const dependency = dependencyOf(node, context.endpoints ?? []);
  return { code: dependency ? `${dependency}_unavailable` : 'unavailable' };
}
