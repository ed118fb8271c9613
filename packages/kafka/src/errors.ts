/**
 * Sorting client errors into "Kafka is unreachable or busy, try again" and "this request can
 * never succeed". Only the second kind reaches callers as itself; the first becomes
 * KafkaUnavailableError once the delivery deadline passed.
 */
const PERMANENT_PROTOCOL_ERRORS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TOPIC_EXCEPTION',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'INVALID_REQUIRED_ACKS',
  'UNSUPPORTED_VERSION',
  'UNKNOWN_TOPIC_ID',
]);

interface ErrorLike {
  code?: unknown;
  apiId?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/** Every error in an error tree (AggregateError members and causes), root first. */
export function flattenErrors(err: unknown, out: ErrorLike[] = [], depth = 0): ErrorLike[] {
  if (depth > 8 || err === null || typeof err !== 'object') return out;
  const e = err as ErrorLike;
  out.push(e);
  if (Array.isArray(e.errors)) for (const inner of e.errors) flattenErrors(inner, out, depth + 1);
  if (e.cause) flattenErrors(e.cause, out, depth + 1);
  return out;
}

export function isPermanentKafkaError(err: unknown): boolean {
  return flattenErrors(err).some(
    (e) =>
      e.code === 'PLT_KFK_USER' || (typeof e.apiId === 'string' && PERMANENT_PROTOCOL_ERRORS.has(e.apiId)),
  );
}

export function hasProtocolError(err: unknown, apiId: string): boolean {
  return flattenErrors(err).some((e) => e.apiId === apiId);
}

export function describeError(err: unknown): string {
  const leaves = flattenErrors(err)
    .filter((e) => !Array.isArray(e.errors) || e.errors.length === 0)
    .map((e) => {
      const apiId = typeof e.apiId === 'string' ? ` (${e.apiId})` : '';
      return e instanceof Error ? `${e.message}${apiId}` : String(e);
    });
  const top = err instanceof Error ? err.message : String(err);
  const detail = [...new Set(leaves)].filter((m) => m !== top).slice(0, 3);
  return detail.length ? `${top}: ${detail.join('; ')}` : top;
}
