// NOTE: moved to @tributary/testing; this re-export keeps tests that still import it here working.
import { eventually } from '@tributary/testing';

export { startTestBroker, uniquePrefix, type TestBroker } from '@tributary/testing';

/** `eventually` with the description first (the older signature). */
export function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  return eventually(check, timeoutMs, { what });
}
