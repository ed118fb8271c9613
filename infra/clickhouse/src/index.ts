import { once } from 'node:events';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { resolveLimits, type ServerLimits } from './limits.ts';
import { newStats } from './metrics.ts';
import { loadUsers } from './access.ts';

export interface EmbeddedClickHouseOptions {
  /** 8123 by default; 0 picks a free port. */
  port?: number;
  /** The chDB data directory; one process at a time may own it. */
  dataDir?: string;
  host?: string;
  /** Overrides of the limits (defaults: limits.ts, then TRIBUTARY_CH_* environment variables). */
  limits?: Partial<ServerLimits>;
  /** A JSON file of users (access.ts); without one the server asks nobody who they are. */
  usersFile?: string;
  /** Further host names clients may use to reach the server (beyond loopback and the bind address). */
  allowedHosts?: string[];
}

export interface EmbeddedClickHouse {
  url: string;
  port: number;
  /** The engine's ClickHouse version. */
  version: string;
  limits: ServerLimits;
  /** Names of the configured users (none: no authentication). */
  users: string[];
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export const DEFAULT_DATA_DIR = resolve(import.meta.dirname, '../../../.tributary/clickhouse');

export async function startEmbeddedClickHouse(
  options: EmbeddedClickHouseOptions = {},
): Promise<EmbeddedClickHouse> {
  const { port = 8123, dataDir = DEFAULT_DATA_DIR, host = '127.0.0.1' } = options;
  const limits = resolveLimits(process.env, options.limits);
  const users = options.usersFile ? loadUsers(options.usersFile) : undefined;
  if (!users && !LOOPBACK.has(host)) {
    throw new Error(`refusing to listen on ${host} without users: anyone could query (give --users)`);
  }
  // Loaded on demand: importing this module (e.g. for spawnEmbeddedClickHouse) must not load
  // the 570 MB engine library into a process that never runs it.
  const [{ Engine }, { createChServer }, { SessionRegistry }] = await Promise.all([
    import('./engine.ts'),
    import('./server.ts'),
    import('./sessions.ts'),
  ]);
  const engine = await Engine.open({ dataDir: resolve(dataDir), limits });
  const info = await engine.serverInfo();
  const sessions = new SessionRegistry(() => engine.connect(), limits);
  const allowedHosts = new Set(
    ['localhost', '127.0.0.1', '[::1]', host, ...(options.allowedHosts ?? [])].map((h) => h.toLowerCase()),
  );
  const server = createChServer(
    { engine, sessions, limits, allowedHosts, ...(users ? { users } : {}) },
    info,
    newStats(),
  );
  try {
    server.listen(port, host);
    await once(server, 'listening');
  } catch (err) {
    await engine.close();
    throw err;
  }
  const actualPort = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      sessions.closeAll();
      await engine.close();
      // Keep-alive sockets that are mid-request finish above; anything still open is idle.
      server.closeAllConnections();
      await closed;
    })();
    return stopping;
  };
  return {
    url: `http://${host}:${actualPort}`,
    port: actualPort,
    version: info.version,
    limits,
    users: users?.map((u) => u.name) ?? [],
    stop,
  };
}

export { spawnEmbeddedClickHouse, type SpawnedClickHouse } from './spawn.ts';
export { defaultLimits, resolveLimits, type ServerLimits } from './limits.ts';
export { hashPassword } from './access.ts';
