import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';
import { startProcess, waitFor, type ManagedProcess } from './processes.ts';

/**
 * Postgres and Redis are the machine's own. When one is down and its binary is here, start
 * it; otherwise fail with one line that says how to fix it.
 */
export async function ensurePostgres(databaseUrl: string, log: (m: string) => void): Promise<void> {
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  if (await canConnectPostgres(adminUrl.toString())) return;
  const isLocal = ['127.0.0.1', 'localhost'].includes(adminUrl.hostname);
  if (isLocal && existsSync('/etc/postgresql') && commandExists('pg_ctlcluster')) {
    const version = readdirSync('/etc/postgresql')[0];
    log(`Postgres is down; starting cluster ${version}/main`);
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', String(version), 'main', 'start'], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 40; i++) {
      if (await canConnectPostgres(adminUrl.toString())) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(
    `Postgres is unreachable at ${redact(databaseUrl)}. Start it (e.g. 'pg_ctlcluster --skip-systemctl-redirect 15 main start') or set DATABASE_URL.`,
  );
}

export async function ensureRedis(redisUrl: string, log: (m: string) => void): Promise<void> {
  if (await canPingRedis(redisUrl)) return;
  const url = new URL(redisUrl);
  if (['127.0.0.1', 'localhost'].includes(url.hostname) && commandExists('redis-server')) {
    log('Redis is down; starting redis-server');
    spawnSync(
      'redis-server',
      [
        '--daemonize',
        'yes',
        '--bind',
        '127.0.0.1',
        '--port',
        url.port || '6379',
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 40; i++) {
      if (await canPingRedis(redisUrl)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(
    `Redis is unreachable at ${redisUrl}. Start it (e.g. 'redis-server --daemonize yes --bind 127.0.0.1 --save "" --appendonly no') or set REDIS_URL.`,
  );
}

async function canConnectPostgres(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function canPingRedis(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

function commandExists(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

/** Removes every key under a test run's prefix, so test runs leave Redis as they found it. */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * A redis-server owned by one test run, on its own port, that the test may stop and start
 * again. Nothing is persisted (no RDB, no AOF, its own working directory), so every start is
 * an empty Redis, as after losing a production Redis without persistence.
 */
export interface PrivateRedis {
  url: string;
  port: number;
  running(): boolean;
  /** SIGTERM, then waits until the process exited (the port is closed). */
  stop(): Promise<void>;
  /** Starts a fresh, empty server on the same port and waits until it answers PING. */
  start(): Promise<void>;
}

export async function startPrivateRedis(opts: {
  port: number;
  dir: string;
  logFile: string;
}): Promise<PrivateRedis> {
  if (!commandExists('redis-server'))
    throw new Error('redis-server is not on PATH (apt-get install redis-server)');
  mkdirSync(opts.dir, { recursive: true });
  const url = `redis://127.0.0.1:${opts.port}`;
  let proc: ManagedProcess | null = null;
  const running = () => proc !== null && proc.child.exitCode === null && proc.child.signalCode === null;

  async function start() {
    if (running()) throw new Error(`private redis on port ${opts.port} is already running`);
    const p = startProcess({
      name: 'redis',
      command: 'redis-server',
      args: [
        '--port',
        String(opts.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        opts.dir,
      ],
      cwd: opts.dir,
      env: {},
      logFile: opts.logFile,
    });
    proc = p;
    await waitFor('private redis', async () => running() && (await canPingRedis(url)), {
      timeoutMs: 20_000,
      describe: () => `see ${p.logFile}`,
    });
  }

  await start();
  return {
    url,
    port: opts.port,
    running,
    start,
    async stop() {
      await proc?.stop();
    },
  };
}
