// Bounded concurrency in the engine: a request waits for a slot for a while, then is refused
// the way a ClickHouse server refuses it (TOO_MANY_SIMULTANEOUS_QUERIES), and a request whose
// client went away stops waiting.
import { ChError } from './ch-error.ts';

export class Slots {
  #free: number;
  readonly #waiting: { grant: () => void; fail: (err: unknown) => void }[] = [];

  constructor(
    readonly size: number,
    readonly queueTimeoutMs: number,
  ) {
    this.#free = size;
  }

  get busy(): number {
    return this.size - this.#free;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** Resolves with a release function once a slot is held. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          cleanup();
          resolve(this.#releaser());
        },
        fail: (err: unknown) => {
          cleanup();
          reject(err);
        },
      };
      const drop = (err: unknown) => {
        const i = this.#waiting.indexOf(entry);
        if (i >= 0) this.#waiting.splice(i, 1);
        entry.fail(err);
      };
      const timer = setTimeout(
        () =>
          drop(
            new ChError(
              202,
              'TOO_MANY_SIMULTANEOUS_QUERIES',
              `Too many simultaneous queries: ${this.size} running, waited ${this.queueTimeoutMs} ms for a slot`,
            ),
          ),
        this.queueTimeoutMs,
      );
      const onAbort = () => drop(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.#waiting.push(entry);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next.grant();
      else this.#free++;
    };
  }
}
