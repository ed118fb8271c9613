import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** How a process ended: an exit code, or the signal that killed it. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process whose output goes to a log file, stoppable with SIGTERM then SIGKILL. */
export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  pid: number | undefined;
  logFile: string;
  /** The exit code (null when a signal ended it); kept for callers that only want the code. */
  exited: Promise<number | null>;
  /** Settles when the process ended, for whatever reason. */
  exit: Promise<ExitInfo>;
  kill(signal: NodeJS.Signals): void;
  stop(timeoutMs?: number): Promise<void>;
}

export function startProcess(opts: {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  logFile: string;
}): ManagedProcess {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exit = childExit(child);
  return {
    name: opts.name,
    child,
    pid: child.pid,
    logFile: opts.logFile,
    exited: exit.then((e) => e.code),
    exit,
    kill: (signal) => void child.kill(signal),
    async stop(timeoutMs = 20_000) {
      if (isRunning(child)) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        await exit;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

/** Settles once the child ended; at once when it already has (or never started). */
export function childExit(child: ChildProcess): Promise<ExitInfo> {
  if (!isRunning(child)) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A spawn failure (ENOENT) emits 'error' and possibly no 'exit'.
    child.once('error', () => {
      if (child.pid === undefined) resolve({ code: null, signal: null });
    });
  });
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * Polls `check` until it resolves true, failing with `describe()` after the deadline, or at
 * once when `failIf()` names a reason to stop waiting (e.g. the process already exited).
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; describe?: () => string; failIf?: () => string | null },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  const details = () => (opts.describe ? `\n${opts.describe()}` : '');
  for (;;) {
    if (await check().catch(() => false)) return;
    const failed = opts.failIf?.();
    if (failed) throw new Error(`${what} ${failed} before it was ready${details()}`);
    if (Date.now() > deadline)
      throw new Error(`${what} was not ready within ${opts.timeoutMs} ms${details()}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return res.ok;
}

/** "exit code 1" or "signal SIGKILL". */
export function describeExit(e: ExitInfo): string {
  return e.signal ? `signal ${e.signal}` : `exit code ${e.code}`;
}
