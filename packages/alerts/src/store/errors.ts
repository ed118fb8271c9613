import { TributaryError } from '@tributary/contracts';
import type { z } from 'zod';

/** Alert config writes wait for a busy pool, and give up well before a request would. */
export const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

/** The zod issues of a refused input, as one sentence naming each path (as dashboards do). */
export function refusal(error: z.ZodError, what: string): TributaryError {
  const problems = error.issues.map((i) => ({ path: i.path.join('.') || what, message: i.message }));
  const text = problems
    .slice(0, 5)
    .map((p) => `${p.path}: ${p.message}`)
    .join('; ');
  return new TributaryError('bad_request', `${what} refused: ${text}`, { errors: problems });
}

export function parseOrRefuse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw refusal(result.error, what);
  return result.data;
}

/** A refusal about one field, in the same shape as a schema refusal. */
export function fieldRefusal(what: string, path: string, message: string): TributaryError {
  return new TributaryError('bad_request', `${what} refused: ${path}: ${message}`, {
    errors: [{ path, message }],
  });
}

export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}

export function notFound(what: string, name: string): TributaryError {
  return new TributaryError('not_found', `no ${what} ${JSON.stringify(name)}`);
}

export function staleRevision(what: string, name: string, current: number, given: number): TributaryError {
  return new TributaryError(
    'conflict',
    `${what} ${JSON.stringify(name)} is at revision ${current}, not ${given}: ` +
      'someone saved it meanwhile; reload and apply the change again',
    { revision: current },
  );
}

/** A JSON value as Prisma stores it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A validated value as plain JSON (undefined fields dropped), for Json columns and audit rows:
 * interfaces such as the policy tree's carry no index signature, so Prisma's types refuse them.
 */
export function toJson(value: object): { [key: string]: JsonValue } {
  return JSON.parse(JSON.stringify(value)) as { [key: string]: JsonValue };
}
