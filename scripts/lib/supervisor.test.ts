import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProcess, type ManagedProcess } from './processes.ts';
import { duration, Supervisor, type RestartPolicy, type SupervisorEvent } from './supervisor.ts';
import { restartPolicyFromEnv } from './supervisor-config.ts';

// Real tiny child processes: each start bumps a counter file and prints "ready"; the first
// CRASHES starts exit with code 3 shortly after, later ones stay up until stopped.
const CHILD = `
const fs = require('node:fs');
const f = process.env.COUNTER;
const n = Number(fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : 0) + 1;
fs.writeFileSync(f, String(n));
if (process.env.EXIT_ON_TERM) process.on('SIGTERM', () => process.exit(1));
console.log('ready ' + n);
if (n <= Number(process.env.CRASHES)) setTimeout(() => process.exit(3), 20);
else setInterval(() => {}, 1000);
`;

let dir: string;
let lines: string[];
let sup: Supervisor;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'supervisor-test-'));
  lines = [];
});
afterEach(async () => {
  await sup?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

function supervisor(policy: Partial<RestartPolicy>, now?: () => number, onReport?: (line: string) => void) {
  sup = new Supervisor({
    logFile: join(dir, 'supervisor.log'),
    policy,
    now,
    report: (line) => {
      lines.push(line);
      onReport?.(line);
    },
  });
  return sup;
}

/** A service running CHILD; its start resolves once the child said "ready" (even if it then died). */
function child(name: string, env: { CRASHES: number; EXIT_ON_TERM?: boolean }) {
  const logFile = join(dir, `${name}.log`);
  const start = () =>
    new Promise<ManagedProcess>((resolve, reject) => {
      const p = startProcess({
        name,
        command: process.execPath,
        args: ['-e', CHILD],
        cwd: dir,
        env: {
          COUNTER: join(dir, `${name}.count`),
          CRASHES: String(env.CRASHES),
          ...(env.EXIT_ON_TERM ? { EXIT_ON_TERM: '1' } : {}),
        },
        logFile,
      });
      let out = '';
      p.child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready')) resolve(p);
      });
      void p.exit.then(() =>
        out.includes('ready') ? resolve(p) : reject(new Error(`${name} died: ${out}`)),
      );
    });
  return { name, logFile, start };
}

const kinds = (events: SupervisorEvent[], name: string) =>
  events.filter((e) => e.name === name).map((e) => e.kind);
const starts = (name: string) => Number(readFileSync(join(dir, `${name}.count`), 'utf8'));

describe('Supervisor', () => {
  it('restarts a crashing process with exponential backoff, reporting each crash at once', async () => {
    const s = supervisor({ initialDelayMs: 20, maxDelayMs: 1000, maxCrashes: 10, windowMs: 60_000 });
    const svc = s.add(child('flaky', { CRASHES: 3 }));
    await svc.start();
    const third = await s.waitForEvent((e) => e.kind === 'restart' && e.crashes === 3, { after: -1 });

    expect(kinds(s.events, 'flaky')).toEqual([
      'start',
      'crash',
      'restart',
      'crash',
      'restart',
      'crash',
      'restart',
    ]);
    const crashes = s.events.filter((e) => e.kind === 'crash');
    expect(crashes.map((e) => e.delayMs)).toEqual([20, 40, 80]);
    expect(crashes.map((e) => e.code)).toEqual([3, 3, 3]);
    expect(crashes.every((e) => e.logFile === svc.logFile)).toBe(true);
    // Each crash names the instance that died: the one the previous start/restart launched.
    const launched = s.events.filter((e) => e.kind === 'start' || e.kind === 'restart').map((e) => e.pid);
    expect(crashes.map((e) => e.pid)).toEqual(launched.slice(0, 3));
    // The fourth instance stays up.
    expect(starts('flaky')).toBe(4);
    expect(svc.state).toBe('running');
    expect(svc.current?.pid).toBe(third.pid);
    // One terminal line per crash and per restart, naming the process, exit code and log file.
    expect(lines[0]).toBe(
      `[supervisor] flaky crashed (exit code 3); restarting in 20 ms (1 of 10 allowed in 1 min). Log: ${svc.logFile}`,
    );
    expect(lines.filter((l) => l.includes('crashed'))).toHaveLength(3);
    expect(lines.filter((l) => l.includes(`flaky restarted (pid `))).toHaveLength(3);
    // The supervisor log holds the same records, one JSON object a line.
    const logged = readFileSync(s.logFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SupervisorEvent);
    expect(logged).toEqual(s.events);
  });

  it('gives up after maxCrashes within the window, with a message naming the log file', async () => {
    const s = supervisor({ initialDelayMs: 10, maxDelayMs: 1000, maxCrashes: 3, windowMs: 60_000 });
    const svc = s.add(child('doomed', { CRASHES: 1000 }));
    await svc.start();
    const giveUp = await s.waitForEvent((e) => e.kind === 'give-up', { after: -1 });

    expect(kinds(s.events, 'doomed')).toEqual([
      'start',
      'crash',
      'restart',
      'crash',
      'restart',
      'crash',
      'give-up',
    ]);
    expect(giveUp.crashes).toBe(3);
    expect(giveUp.message).toBe(
      `doomed crashed 3 times within 1 min; not restarting it again. See ${svc.logFile} (supervisor log: ${s.logFile})`,
    );
    expect(lines.at(-1)).toBe(`[supervisor] ${giveUp.message}`);
    expect(svc.state).toBe('gave-up');
    expect(svc.current).toBeNull();
    // The last crash schedules nothing.
    expect(s.events.at(-2)).toMatchObject({ kind: 'crash', crashes: 3 });
    expect(s.events.at(-2)?.delayMs).toBeUndefined();

    // An explicit start afterwards is a fresh start with a clean crash history.
    await svc.start();
    expect(s.events.at(-1)).toMatchObject({ kind: 'start', name: 'doomed' });
  });

  it('waitForRestart rejects when the supervisor gives up instead', async () => {
    const s = supervisor({ initialDelayMs: 10, maxCrashes: 1 });
    const svc = s.add(child('once', { CRASHES: 1000 }));
    const restarted = s.waitForRestart('once');
    await svc.start();
    await expect(restarted).rejects.toThrow(/once crashed 1 time within 2 min; not restarting it again/);
  });

  it('counts a SIGKILL from outside as a crash and reports the signal', async () => {
    const s = supervisor({ initialDelayMs: 10 });
    const svc = s.add(child('victim', { CRASHES: 0 }));
    const first = await svc.start();
    const mark = s.events.length - 1;
    process.kill(first.pid!, 'SIGKILL');
    const restart = await s.waitForRestart('victim', { after: mark });

    const crash = s.events.find((e) => e.kind === 'crash')!;
    expect(crash).toMatchObject({
      name: 'victim',
      pid: first.pid,
      signal: 'SIGKILL',
      code: null,
      crashes: 1,
    });
    expect(lines[0]).toMatch(/^\[supervisor\] victim crashed \(signal SIGKILL\); restarting in 10 ms/);
    expect(restart.pid).not.toBe(first.pid);
    expect(svc.current?.pid).toBe(restart.pid);
  });

  it('does not count intentional stops, restarts or the shutdown as crashes', async () => {
    const s = supervisor({ initialDelayMs: 10, maxCrashes: 1 });
    // Exits with code 1 on SIGTERM: still not a crash when the supervisor asked for it.
    const svc = s.add(child('calm', { CRASHES: 0, EXIT_ON_TERM: true }));
    const a = await svc.start();
    await svc.stop();
    expect(await a.exit).toEqual({ code: 1, signal: null });
    expect(svc.state).toBe('stopped');

    const b = await svc.start();
    const c = await svc.restart();
    expect(await b.exit).toEqual({ code: 1, signal: null });
    expect(c.pid).not.toBe(b.pid);

    // A fault test's deliberate SIGKILL through stop() is not a crash either.
    await svc.stop({ signal: 'SIGKILL' });
    expect(await c.exit).toEqual({ code: null, signal: 'SIGKILL' });

    const d = await svc.start();
    await s.shutdown();
    expect((await d.exit).code).toBe(1);

    expect(kinds(s.events, 'calm')).toEqual([
      'start',
      'stop',
      'start',
      'stop',
      'start',
      'stop',
      'start',
      'stop',
    ]);
    expect(lines).toEqual([]);
    expect(starts('calm')).toBe(4);
  });

  it('an exit after shutdown began is not a crash, even before the supervisor stopped it', async () => {
    const s = supervisor({ initialDelayMs: 10 });
    const svc = s.add(child('sigint', { CRASHES: 0 }));
    const p = await svc.start();
    // As with Ctrl-C: the terminal signals the child while npm start closes its supervisor.
    s.closed = true;
    p.kill('SIGINT');
    await p.exit;
    await s.shutdown();
    expect(kinds(s.events, 'sigint')).toEqual(['start']);
    expect(svc.state).toBe('stopped');
  });

  it('a stop during the backoff cancels the pending restart', async () => {
    const s = supervisor({ initialDelayMs: 600_000, maxDelayMs: 600_000 });
    const svc = s.add(child('paused', { CRASHES: 1 }));
    await svc.start();
    await s.waitForEvent((e) => e.kind === 'crash', { after: -1 });
    expect(svc.state).toBe('backoff');
    await svc.stop();
    expect(svc.state).toBe('stopped');
    // Started again by hand: at once, as a fresh start rather than the scheduled restart.
    await svc.start();
    expect(kinds(s.events, 'paused')).toEqual(['start', 'crash', 'start']);
    expect(svc.state).toBe('running');
  });

  it('forgets crashes older than the window: backoff and the give-up count start over', async () => {
    let clock = 0;
    // Every crash is reported; moving the clock past the window then makes the next crash the
    // only one in its window.
    const s = supervisor(
      { initialDelayMs: 10, maxCrashes: 2, windowMs: 1000 },
      () => clock,
      (line) => {
        if (line.includes('crashed')) clock += 5000;
      },
    );
    const svc = s.add(child('spaced', { CRASHES: 3 }));
    await svc.start();
    await s.waitForEvent((e) => e.kind === 'restart' && starts('spaced') === 4, { after: -1 });
    const crashes = s.events.filter((e) => e.kind === 'crash');
    expect(crashes.map((e) => [e.crashes, e.delayMs])).toEqual([
      [1, 10],
      [1, 10],
      [1, 10],
    ]);
    expect(kinds(s.events, 'spaced')).not.toContain('give-up');
  });

  it('counts a restart that fails its readiness check like a crash', async () => {
    const s = supervisor({ initialDelayMs: 10, maxCrashes: 3 });
    let attempt = 0;
    const real = child('shaky', { CRASHES: 0 });
    const svc = s.add({
      ...real,
      start: () =>
        ++attempt === 2 ? Promise.reject(new Error('shaky was not ready within 60000 ms')) : real.start(),
    });
    const first = await svc.start();
    first.kill('SIGKILL');
    const restart = await s.waitForRestart('shaky', { after: 0 });
    expect(kinds(s.events, 'shaky')).toEqual(['start', 'crash', 'restart-failed', 'restart']);
    const failed = s.events.find((e) => e.kind === 'restart-failed')!;
    expect(failed).toMatchObject({ crashes: 2, delayMs: 20, error: 'shaky was not ready within 60000 ms' });
    expect(lines[1]).toBe(
      `[supervisor] shaky failed to restart (shaky was not ready within 60000 ms); restarting in 20 ms (2 of 3 allowed in 2 min). Log: ${real.logFile}`,
    );
    expect(restart.crashes).toBe(2);
  });
});

describe('restart policy', () => {
  it('has the documented defaults and reads overrides from the environment', () => {
    expect(restartPolicyFromEnv({})).toEqual({
      initialDelayMs: 1000,
      maxDelayMs: 30_000,
      maxCrashes: 5,
      windowMs: 120_000,
    });
    expect(
      restartPolicyFromEnv({ SUPERVISOR_MAX_CRASHES: '10', SUPERVISOR_CRASH_WINDOW_MS: '60000' }),
    ).toMatchObject({
      maxCrashes: 10,
      windowMs: 60_000,
    });
    expect(() => restartPolicyFromEnv({ SUPERVISOR_MAX_CRASHES: '0' })).toThrow();
    expect(() => restartPolicyFromEnv({ SUPERVISOR_BACKOFF_MAX_MS: '10' })).toThrow(/must not be below/);
  });

  it('formats durations for the terminal', () => {
    expect([duration(20), duration(1000), duration(2500), duration(120_000), duration(90_000)]).toEqual([
      '20 ms',
      '1 s',
      '2.5 s',
      '2 min',
      '90 s',
    ]);
  });
});
