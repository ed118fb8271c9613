// The chDB engine behind the HTTP server: one data directory, one short-lived chDB
// connection per request.
import { mkdirSync } from 'node:fs';
import { Session } from 'chdb';
import type { ChRequest } from './http-request.ts';
import { buildSetStatement } from './settings.ts';

export interface EngineResult {
  body: Uint8Array;
  readRows: number;
  readBytes: number;
  writtenRows: number;
  writtenBytes: number;
  elapsedSeconds: number;
}

export interface EngineOptions {
  dataDir: string;
  /** Requests running in the engine at once; more wait their turn. */
  maxConcurrent?: number;
}

/**
 * NOTE: each request gets its own chDB connection (a `Session` on the same directory).
 * A connection keeps `SET` state and serializes its queries, so sharing one would leak one
 * request's settings into the next and make every request wait for the slowest. A fresh
 * connection costs about half a millisecond; the anchor session keeps the directory loaded
 * and locked for the life of the server.
 */
export class Engine {
  readonly #dataDir: string;
  readonly #anchor: Session;
  readonly #slots: Semaphore;
  readonly #inflight = new Set<Promise<unknown>>();
  #closed = false;

  private constructor(dataDir: string, anchor: Session, maxConcurrent: number) {
    this.#dataDir = dataDir;
    this.#anchor = anchor;
    this.#slots = new Semaphore(maxConcurrent);
  }

  static async open({ dataDir, maxConcurrent = 8 }: EngineOptions): Promise<Engine> {
    mkdirSync(dataDir, { recursive: true });
    const anchor = new Session(dataDir);
    try {
      // Fails fast when the directory is unusable, before the port is announced.
      await anchor.queryAsync('SELECT 1', { format: 'TabSeparated' });
    } catch (err) {
      anchor.close();
      throw err;
    }
    return new Engine(dataDir, anchor, maxConcurrent);
  }

  async serverInfo(): Promise<{ version: string; timezone: string }> {
    const r = await this.#anchor.queryAsync('SELECT version() AS version, timezone() AS timezone', {
      format: 'JSONEachRow',
    });
    return r.json<{ version: string; timezone: string }>();
  }

  run(req: ChRequest): Promise<EngineResult> {
    if (this.#closed) return Promise.reject(new Error('Embedded ClickHouse is shutting down'));
    const p = this.#slots.use(() => this.#runOnFreshSession(req));
    this.#inflight.add(p);
    const forget = () => this.#inflight.delete(p);
    p.then(forget, forget);
    return p;
  }

  async #runOnFreshSession(req: ChRequest): Promise<EngineResult> {
    const session = new Session(this.#dataDir);
    try {
      const set = buildSetStatement(req.engineSettings, req.queryParams);
      if (set) await session.queryAsync(set);
      if (req.database) await session.queryAsync(`USE ${quoteIdentifier(req.database)}`);
      if (req.insert) {
        if (req.insert.data.length === 0) return emptyResult();
        const s = await session.insert({
          table: req.insert.table,
          values: req.insert.data,
          format: req.insert.format,
          ...(req.insert.columns ? { columns: req.insert.columns } : {}),
        });
        return {
          body: new Uint8Array(0),
          readRows: s.rowsSent ?? s.rowsWritten,
          readBytes: s.bytesSent,
          writtenRows: s.rowsWritten,
          writtenBytes: s.bytesWritten,
          elapsedSeconds: s.elapsed,
        };
      }
      const r = await session.queryAsync(req.sql, { format: req.defaultFormat });
      return {
        body: r.bytes(),
        readRows: r.rowsRead,
        readBytes: r.bytesRead,
        writtenRows: 0,
        writtenBytes: 0,
        elapsedSeconds: r.elapsed,
      };
    } finally {
      session.close();
    }
  }

  /** Waits for running requests, then releases the data directory. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inflight]);
    this.#anchor.close();
  }
}

function emptyResult(): EngineResult {
  return {
    body: new Uint8Array(0),
    readRows: 0,
    readBytes: 0,
    writtenRows: 0,
    writtenBytes: 0,
    elapsedSeconds: 0,
  };
}

function quoteIdentifier(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}
