// The chDB engine behind the HTTP server: one data directory, a chDB connection per request
// (or per named session), a server-wide memory limit, and cancellation by query tag.
import { mkdirSync } from 'node:fs';
import { Session } from 'chdb';
import { quoteLiteral } from './settings.ts';
import { Slots } from './slots.ts';
import type { ServerLimits } from './limits.ts';

export interface EngineOptions {
  dataDir: string;
  limits: ServerLimits;
}

/**
 * NOTE: each request gets its own chDB connection (a `Session` on the same directory).
 * A connection keeps `SET` state and serializes its queries, so sharing one would leak one
 * request's settings into the next and make every request wait for the slowest. A fresh
 * connection costs about half a millisecond; the anchor session keeps the directory loaded
 * and locked for the life of the server, and is the one that fixes the server-wide settings
 * (chDB reads engine arguments from the first connection to a directory only).
 */
/**
 * NOTE: the engine's caches default to sizes meant for a dedicated server (marks and primary
 * index 5 GiB each); on a shared machine they would grow with the data until the server limit.
 * Together they get at most a tenth of the server-wide limit.
 */
function cacheArgs(limits: ServerLimits): string[] {
  const budget = Math.floor(limits.maxServerMemoryBytes / 10);
  return [
    `--mark_cache_size=${Math.floor(budget * 0.4)}`,
    `--primary_index_cache_size=${Math.floor(budget * 0.2)}`,
    `--index_mark_cache_size=${Math.floor(budget * 0.1)}`,
    `--index_uncompressed_cache_size=${Math.floor(budget * 0.1)}`,
    `--query_condition_cache_size=${Math.floor(budget * 0.05)}`,
    `--compiled_expression_cache_size=${Math.floor(budget * 0.05)}`,
    '--uncompressed_cache_size=0',
  ];
}

export class Engine {
  readonly #dataDir: string;
  readonly #anchor: Session;
  readonly reads: Slots;
  readonly inserts: Slots;
  readonly #inflight = new Set<Promise<unknown>>();
  #closed = false;
  readonly #purgeTimer: NodeJS.Timeout | undefined;

  private constructor(dataDir: string, anchor: Session, limits: ServerLimits) {
    this.#dataDir = dataDir;
    this.#anchor = anchor;
    this.reads = new Slots(limits.maxConcurrentReads, limits.queueTimeoutMs);
    this.inserts = new Slots(limits.maxConcurrentInserts, limits.queueTimeoutMs);
    if (limits.memoryPurgeIntervalMs > 0) {
      this.#purgeTimer = setInterval(() => void this.purgeFreedMemory(), limits.memoryPurgeIntervalMs);
      this.#purgeTimer.unref();
    }
  }

  /**
   * NOTE: the allocator keeps pages that queries freed and gives them back only on its own
   * decay clock, which a busy engine never lets run: in a soak (steady inserts, console polls,
   * a streaming reader) RSS climbed while the engine's tracked memory stayed flat, with jemalloc
   * holding hundreds of MB of freed pages. A ClickHouse server's memory worker purges them; the
   * embedded engine has none, so the server does it on a timer (see docs/decisions/embedded-clickhouse.md).
   */
  async purgeFreedMemory(): Promise<void> {
    if (this.#closed) return;
    await this.#anchor.queryAsync('SYSTEM JEMALLOC PURGE', { format: 'TabSeparated' }).catch(() => undefined);
  }

  static async open({ dataDir, limits }: EngineOptions): Promise<Engine> {
    mkdirSync(dataDir, { recursive: true });
    const anchor = new Session(dataDir, {
      connectionArgs: [`--max_server_memory_usage=${limits.maxServerMemoryBytes}`, ...cacheArgs(limits)],
    });
    try {
      // Fails fast when the directory is unusable, before the port is announced.
      await anchor.queryAsync('SELECT 1', { format: 'TabSeparated' });
    } catch (err) {
      anchor.close();
      throw err;
    }
    return new Engine(dataDir, anchor, limits);
  }

  get closed(): boolean {
    return this.#closed;
  }

  async serverInfo(): Promise<{ version: string; timezone: string }> {
    const r = await this.#anchor.queryAsync('SELECT version() AS version, timezone() AS timezone', {
      format: 'JSONEachRow',
    });
    return r.json<{ version: string; timezone: string }>();
  }

  /** A new chDB connection on the data directory; the caller closes it. */
  connect(): Session {
    if (this.#closed) throw new Error('Embedded ClickHouse is shutting down');
    return new Session(this.#dataDir);
  }

  /** Keeps track of running work so close() can wait for it. */
  track<T>(p: Promise<T>): Promise<T> {
    this.#inflight.add(p);
    const forget = () => this.#inflight.delete(p);
    p.then(forget, forget);
    return p;
  }

  /**
   * Cancels whatever runs under `tag` (the query's log_comment). KILL QUERY reaches a query
   * that is inside one long engine call (an aggregation over billions of rows, a blocking
   * fetch of a stream) where a stream's own cancel would only land after that call returns.
   * Measured: the engine answers QUERY_WAS_CANCELLED ≈ 50 ms after the KILL.
   */
  async kill(tag: string): Promise<void> {
    if (this.#closed) return;
    const session = new Session(this.#dataDir);
    try {
      await session.queryAsync(`KILL QUERY WHERE Settings['log_comment'] = ${quoteLiteral(tag)} ASYNC`, {
        format: 'TabSeparated',
      });
    } finally {
      session.close();
    }
  }

  /** The engine's own figure of the memory it tracks, bytes. */
  async trackedMemoryBytes(): Promise<number> {
    const r = await this.#anchor.queryAsync(
      "SELECT value FROM system.metrics WHERE metric = 'MemoryTracking'",
      { format: 'TabSeparated' },
    );
    return Number(r.text().trim()) || 0;
  }

  async runningQueries(): Promise<number> {
    const r = await this.#anchor.queryAsync('SELECT count() FROM system.processes', {
      format: 'TabSeparated',
    });
    // The counting query itself is one of them.
    return Math.max(0, (Number(r.text().trim()) || 1) - 1);
  }

  /** Waits for running requests, then releases the data directory. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#purgeTimer);
    await Promise.allSettled([...this.#inflight]);
    this.#anchor.close();
  }
}
