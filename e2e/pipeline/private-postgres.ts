import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Postgres server of one test's own: the machine's PostgreSQL binaries, a fresh cluster in a
 * temporary directory, its own port. A test may stop and start it without touching the
 * machine's cluster, which every other test (and every other engineer's run) shares.
 */
export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port> (no database: the caller names one). */
  serverUrl: string;
  port: number;
  logFile: string;
  /** pg_ctl stop -m fast: open connections are cut, as in a restart or failover. */
  stop(): void;
  start(): void;
  running(): boolean;
  /** Stops it (if running) and removes the cluster. */
  destroy(): void;
}

export function startPrivatePostgres(port: number): PrivatePostgres {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'tributary-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  // initdb and postgres refuse to run as root: run them as the postgres user then.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (tool: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { stdio: 'pipe' })
      : execFileSync(join(bin, tool), args, { stdio: 'pipe' });
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  // fsync off: the test restarts the server, it does not pull the power.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const pgCtl = (...args: string[]) => run('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', ...args]);
  const running = () => {
    try {
      run('pg_ctl', ['-D', data, 'status']);
      return true;
    } catch {
      return false;
    }
  };
  const start = () => void pgCtl('-o', options, 'start');
  start();
  return {
    serverUrl: `postgres://postgres@127.0.0.1:${port}`,
    port,
    logFile,
    stop: () => void pgCtl('-m', 'fast', 'stop'),
    start,
    running,
    destroy() {
      if (running()) pgCtl('-m', 'immediate', 'stop');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL binaries under ${root} (initdb, pg_ctl)`);
  return join(root, versions[0]!, 'bin');
}
