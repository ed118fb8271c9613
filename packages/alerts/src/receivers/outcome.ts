/**
 * How a delivery went, as data: a receiver failing is an everyday event the jobs service records
 * in history, not an exception that could end its loop.
 */
export type DeliveryOutcome =
  | { kind: 'ok'; detail: string }
  /**
   * retriable: trying again may succeed (a 5xx or 429 answer, a network error, an SMTP 4xx);
   * not when the answer says the request itself is wrong (a 4xx, a redirect, refused login).
   */
  | { kind: 'failed'; reason: string; retriable: boolean }
  | { kind: 'timed_out'; reason: string };

/** Default limit on one delivery, connecting and answering included. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** Why an error happened, in one line (fetch hides the socket's error in `cause`). */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${err.message}: ${typeof code === 'string' ? `${code} ` : ''}${cause.message}`.trim();
  }
  return err.message;
}
