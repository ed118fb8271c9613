/** Raised when the service is stopping: the batch in flight must not be committed. */
export class StoppingError extends Error {
  constructor() {
    super('worker is stopping');
    this.name = 'StoppingError';
  }
}

/**
 * Retries `fn` while `isTransient(err)` holds, with capped exponential backoff, until it
 * succeeds or the service stops. Outages of ClickHouse, Redis or Kafka wait here: they never
 * turn events into dead letters.
 */
export async function retryTransient<T>(
  fn: () => Promise<T>,
  opts: {
    isTransient: (err: unknown) => boolean;
    stopping: () => boolean;
    onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
    baseMs?: number;
    maxMs?: number;
  },
): Promise<T> {
  const base = opts.baseMs ?? 100;
  const max = opts.maxMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!opts.isTransient(err)) throw err;
      if (opts.stopping()) throw new StoppingError();
      const delay = Math.min(max, base * 2 ** Math.min(attempt - 1, 16)) * (0.8 + Math.random() * 0.4);
      opts.onRetry?.(err, attempt, delay);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
