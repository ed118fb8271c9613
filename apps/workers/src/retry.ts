/** Raised when the service stops or the batch was given up: the batch in flight must not be committed. */
export class StoppingError extends Error {
  constructor(message = 'worker is stopping') {
    super(message);
    this.name = 'StoppingError';
  }
}

export interface RetryOptions {
  isTransient: (err: unknown) => boolean;
  stopping: () => boolean;
  /**
   * Aborted when the consumer gives the batch up (partition revoked, consumer rebuilt): no new
   * attempt starts, and a backoff sleep ends at once.
   */
  signal?: AbortSignal;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Called after an attempt succeeded (e.g. to clear a dependency's "unavailable" mark). */
  onSuccess?: () => void;
  baseMs?: number;
  maxMs?: number;
}

/**
 * Retries `fn` while `isTransient(err)` holds, with capped exponential backoff (100 ms → 5 s,
 * ±20 % jitter), until it succeeds, the service stops or the batch is given up. Outages of
 * ClickHouse, Redis or Kafka wait here, however long: they never turn events into dead letters.
 */
export async function retryTransient<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const base = opts.baseMs ?? 100;
  const max = opts.maxMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw abandoned(opts.signal);
    try {
      const value = await fn();
      opts.onSuccess?.();
      return value;
    } catch (err) {
      if (!opts.isTransient(err)) throw err;
      if (opts.stopping()) throw new StoppingError();
      if (opts.signal?.aborted) throw abandoned(opts.signal);
      const delay = Math.min(max, base * 2 ** Math.min(attempt - 1, 16)) * (0.8 + Math.random() * 0.4);
      opts.onRetry?.(err, attempt, delay);
      await sleep(delay, opts.signal);
      if (opts.signal?.aborted) throw abandoned(opts.signal);
    }
  }
}

function abandoned(signal: AbortSignal): StoppingError {
  const reason: unknown = signal.reason;
  return new StoppingError(`batch given up: ${reason instanceof Error ? reason.message : String(reason)}`);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
