import type { Redis } from 'ioredis';
import type { Logger } from '@tributary/telemetry';
import type { CompileFailure, ProcessorSet } from './processor-registry.ts';

/** Refresh period of the key, and its expiry: a worker gone for 15 s drops out of the console. */
export const ACK_REFRESH_MS = 5000;
export const ACK_TTL_SECONDS = 15;

/** `${prefix}workers:running:<instance>`: what the console reads to show each worker's versions. */
export function runningKey(prefix: string, instance: string): string {
  return `${prefix}workers:running:${instance}`;
}

/**
 * Tells the console which versions this worker runs: written at start, right after each switch,
 * and every 5 s with a 15 s expiry. A version that failed to compile is listed under `failed`.
 */
export function createRunningAck(opts: {
  redis: Redis;
  prefix: string;
  instance: string;
  current: () => ProcessorSet;
  failures: () => ReadonlyMap<string, CompileFailure>;
  logger: Logger;
}) {
  const key = runningKey(opts.prefix, opts.instance);
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  function body(): string {
    const processors: Record<string, { version: number; since: string }> = {};
    for (const p of opts.current().processors) {
      processors[p.name] = { version: p.version, since: new Date(p.since).toISOString() };
    }
    const failed: Record<string, { version: number; reason: string; at: string }> = {};
    for (const f of opts.failures().values()) {
      failed[f.name] = { version: f.version, reason: f.reason, at: new Date(f.at).toISOString() };
    }
    return JSON.stringify({ instance: opts.instance, at: new Date().toISOString(), processors, failed });
  }

  /** Writes the key now (after the previous write), never throwing: the next refresh retries. */
  function write(): Promise<void> {
    writing = writing.then(async () => {
      try {
        await opts.redis.set(key, body(), 'EX', ACK_TTL_SECONDS);
      } catch (err) {
        opts.logger.warn({ err: String(err) }, 'writing the running-processors key failed; will retry');
      }
    });
    return writing;
  }

  return {
    key,
    write,
    start() {
      void write();
      timer = setInterval(() => void write(), ACK_REFRESH_MS);
      timer.unref();
    },
    /** Stops refreshing and removes the key: a stopped worker runs nothing. */
    async stop() {
      if (timer) clearInterval(timer);
      await writing;
      await opts.redis.del(key).catch(() => {});
    },
  };
}
export type RunningAck = ReturnType<typeof createRunningAck>;
