// Starts the embedded server as a child process (the way the platform runs it: one process
// owns the data directory) and resolves once it announced its address.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface SpawnedClickHouse {
  url: string;
  child: ChildProcess;
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>;
}

const CLI = resolve(import.meta.dirname, 'cli.ts');
const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const READY_RE = /ready at (http:\/\/\S+)/;

export function spawnEmbeddedClickHouse({
  port = 0,
  dataDir,
  readyTimeoutMs = 60_000,
  env = {},
  usersFile,
}: {
  port?: number;
  dataDir: string;
  readyTimeoutMs?: number;
  /** Extra environment, e.g. TRIBUTARY_CH_MAX_SERVER_MEMORY (see limits.ts). */
  env?: Record<string, string>;
  /** Users and profiles (access.ts); without it the server asks nobody who they are. */
  usersFile?: string;
}): Promise<SpawnedClickHouse> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      '--port',
      String(port),
      '--data',
      dataDir,
      '--exit-with-stdin',
      ...(usersFile ? ['--users', usersFile] : []),
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      // The child watches this pipe: if the parent dies without stopping it, the pipe closes
      // and the child releases the port and the data directory instead of lingering.
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`embedded ClickHouse not ready within ${readyTimeoutMs} ms:\n${output}`));
    }, readyTimeoutMs);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      const url = READY_RE.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolvePromise({ url, child, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`embedded ClickHouse exited (${code ?? signal}) before ready:\n${output}`));
    });
  });
}
