import { MAX_ERROR_DETAILS_CHARS, TributaryError } from '@tributary/contracts';

// The errors the classifier itself produced: their words are not raw text, and classifying one
// again (tRPC wraps what the middleware threw) must give it back unchanged.
const classified = new WeakSet<TributaryError>();

export function markClassified(err: TributaryError): TributaryError {
  classified.add(err);
  return err;
}

export function isClassified(err: unknown): err is TributaryError {
  return err instanceof TributaryError && classified.has(err);
}

/** Every error in a tree (causes, AggregateError members), root first, bounded. */
export function errorTree(err: unknown): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number) => {
    if (depth > 8 || out.length >= 32 || e === null || e === undefined || seen.has(e)) return;
    seen.add(e);
    out.push(e);
    if (typeof e !== 'object') return;
    const { errors, cause } = e as { errors?: unknown; cause?: unknown };
    if (Array.isArray(errors)) for (const inner of errors.slice(0, 4)) visit(inner, depth + 1);
    visit(cause, depth + 1);
    // @tributary/clickhouse's selectRows keeps the socket error only as text, in details.cause.
    const detailCause = (e as { details?: { cause?: unknown } }).details?.cause;
    if (e instanceof TributaryError && typeof detailCause === 'string') visit(detailCause, depth + 1);
  };
  visit(err, 0);
  return out;
}

/** @clickhouse/client's ClickHouseError: a numeric string code and an upper-case type. */
export function isClickHouseError(node: unknown): node is Error & { code: string; type: string } {
  if (!(node instanceof Error)) return false;
  // By shape, not instanceof: a second copy of the client (bundling) has a class of its own.
  const { code, type } = node as { code?: unknown; type?: unknown };
  return (
    typeof code === 'string' &&
    /^\d+$/.test(code) &&
    typeof type === 'string' &&
    /^[A-Z][A-Z0-9_]+$/.test(type)
  );
}

/**
 * The raw text of a failure for the "Details" toggle: each error's message once, its causes
 * after it, no stack frames, no Prisma call-site excerpts (they quote server source), truncated.
 */
export function rawText(err: unknown): string | null {
  const lines: string[] = [];
  for (const node of errorTree(err)) {
    const line = describe(node);
    if (line && !lines.some((l) => l.includes(line))) lines.push(line);
  }
  if (lines.length === 0) return null;
  const text = lines.join('\ncaused by: ');
  return text.length > MAX_ERROR_DETAILS_CHARS ? `${text.slice(0, MAX_ERROR_DETAILS_CHARS)}…` : text;
}

function describe(node: unknown): string | null {
  if (typeof node === 'string') return stripFrames(node).trim() || null;
  if (!(node instanceof Error)) return null;
  // tRPC's wrapper repeats its cause's message; the classifier's words are not raw text.
  if (node.name === 'TRPCError' && node.cause !== undefined) return null;
  if (isClassified(node)) return null;
  if (isClickHouseError(node)) return `${stripFrames(node.message).trim()} (${node.type}, code ${node.code})`;
  let message = node.message;
  if (node.name.startsWith('PrismaClient')) {
    // "Invalid `db.x.findFirst()` invocation in /srv/file.ts:14:19 … → 14 await db…" then the reason.
    message =
      message
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .at(-1) ?? '';
  }
  message = stripFrames(message).trim();
  if (!message) return null;
  // A socket error's code says more than its text ('read ECONNRESET' does; 'socket hang up' not).
  const code = node instanceof TributaryError ? undefined : (node as { code?: unknown }).code;
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}

function stripFrames(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^\s*at\s+\S/.test(l))
    .join('\n');
}
