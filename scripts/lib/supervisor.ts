import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeExit, type ExitInfo } from './processes.ts';

/**
 * Watches the processes `npm start` (and a test stack) runs: a process that ends without being
 * asked to is reported at once, restarted with exponential backoff, and given up on after too
 * many crashes in a short window. Intentional stops (stop, restart, shutdown) are not crashes.
 * See docs/decisions/supervisor.md.
 */

/** One running instance of a supervised process. */
export interface Running {
  pid: number | undefined;
  /** Settles once the process ended, for whatever reason. */
  exit: Promise<ExitInfo>;
  /** Terminates it (SIGTERM, then SIGKILL after a grace period); resolves once it exited. */
  stop(): Promise<void>;
  /** Sends a signal and does not wait. */
  kill(signal: NodeJS.Signals): void;
}

export interface ServiceSpec<R extends Running> {
  name: string;
  /** Where the process writes its output; every report about it names this file. */
  logFile: string;
  /**
   * Spawns the process and resolves once it is ready (the readiness check belongs here, so a
   * restart is checked the same way). On failure it must leave nothing running.
   */
  start(): Promise<R>;
}

export interface RestartPolicy {
  /** Delay before the first restart; doubled for each further crash in the window. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** This many crashes within `windowMs` and the supervisor gives up on the process. */
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxCrashes: 5,
  windowMs: 120_000,
};

export type SupervisorEventKind = 'start' | 'crash' | 'restart' | 'restart-failed' | 'give-up' | 'stop';

export interface SupervisorEvent {
  /** Position in `events`, for "what happened after this mark". */
  seq: number;
  at: string;
  kind: SupervisorEventKind;
  name: string;
  pid?: number;
  code?: number | null;
  signal?: string | null;
  error?: string;
  /** Crashes (including failed restarts) counted in the current window. */
  crashes?: number;
  /** Backoff before the next restart attempt. */
  delayMs?: number;
  logFile: string;
  message: string;
}

export type ServiceState = 'starting' | 'running' | 'backoff' | 'stopped' | 'gave-up';

/** Kinds printed in the terminal; the others go to the supervisor log only. */
const LOUD = new Set<SupervisorEventKind>(['crash', 'restart', 'restart-failed', 'give-up']);

export class Supervisor {
  readonly events: SupervisorEvent[] = [];
  readonly logFile: string;
  readonly policy: RestartPolicy;
  /** Set (synchronously) by shutdown(): from then on nothing is restarted. */
  closed = false;
  readonly now: () => number;
  private readonly report: (line: string) => void;
  private readonly services = new Map<string, Service<Running>>();
  private readonly listeners = new Set<(e: SupervisorEvent) => void>();

  constructor(opts: {
    /** JSON lines, one per event (appended). */
    logFile: string;
    policy?: Partial<RestartPolicy>;
    /** Where a crash, restart or give-up is reported at once. Default: stderr. */
    report?: (line: string) => void;
    /** Clock for the crash window (tests replace it). */
    now?: () => number;
  }) {
    this.logFile = opts.logFile;
    this.policy = { ...DEFAULT_RESTART_POLICY, ...opts.policy };
    this.report = opts.report ?? ((line) => process.stderr.write(`${line}\n`));
    this.now = opts.now ?? Date.now;
    mkdirSync(dirname(this.logFile), { recursive: true });
  }

  /** Registers a process; nothing runs until its `start()`. */
  add<R extends Running>(spec: ServiceSpec<R>): Service<R> {
    if (this.services.has(spec.name)) throw new Error(`supervisor: ${spec.name} is already registered`);
    const service = new Service(this, spec);
    this.services.set(spec.name, service as unknown as Service<Running>);
    return service;
  }

  service(name: string): Service<Running> | undefined {
    return this.services.get(name);
  }

  /**
   * Stops everything, in reverse order of registration (apps before the infrastructure they
   * use), and restarts nothing afterwards.
   */
  async shutdown(): Promise<void> {
    this.closed = true;
    for (const s of [...this.services.values()].reverse()) await s.stop().catch(() => {});
  }

  /** The first event after `after` (a `seq`, or -1 for any) that matches. */
  waitForEvent(
    match: (e: SupervisorEvent) => boolean,
    opts: { after?: number; timeoutMs?: number; fail?: (e: SupervisorEvent) => boolean; what?: string } = {},
  ): Promise<SupervisorEvent> {
    const after = opts.after ?? this.events.length - 1;
    const timeoutMs = opts.timeoutMs ?? 120_000;
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = (e: SupervisorEvent) => {
        if (e.seq <= after) return;
        if (match(e)) {
          done();
          resolve(e);
        } else if (opts.fail?.(e)) {
          done();
          reject(new Error(`supervisor: ${e.message}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        const recent = this.events.slice(after + 1).map((e) => `  ${e.message}`);
        reject(
          new Error(
            `supervisor: no ${opts.what ?? 'matching event'} within ${timeoutMs} ms; since then:\n${recent.join('\n') || '  (nothing)'}`,
          ),
        );
      }, timeoutMs);
      this.listeners.add(listener);
      for (const e of this.events) listener(e);
    });
  }

  /**
   * Resolves with the next 'restart' of `name` after `after` (default: from now on); rejects
   * if the supervisor gives up on it first. Take the mark (`events.length - 1`) before causing
   * the crash when in doubt.
   */
  waitForRestart(name: string, opts: { after?: number; timeoutMs?: number } = {}): Promise<SupervisorEvent> {
    return this.waitForEvent((e) => e.name === name && e.kind === 'restart', {
      ...opts,
      fail: (e) => e.name === name && e.kind === 'give-up',
      what: `restart of ${name}`,
    });
  }

  /** @internal Services record through here. */
  record(e: Omit<SupervisorEvent, 'seq' | 'at'>): SupervisorEvent {
    const event: SupervisorEvent = { seq: this.events.length, at: new Date().toISOString(), ...e };
    this.events.push(event);
    try {
      appendFileSync(this.logFile, `${JSON.stringify(event)}\n`);
    } catch (err) {
      this.report(`[supervisor] cannot write ${this.logFile}: ${(err as Error).message}`);
    }
    if (LOUD.has(event.kind)) this.report(`[supervisor] ${event.message}`);
    for (const l of [...this.listeners]) l(event);
    return event;
  }
}

/** One supervised process: its current instance, its crash history, its restarts. */
export class Service<R extends Running> {
  state: ServiceState = 'stopped';
  current: R | null = null;
  /** Whether it should be running: false after stop() and after giving up. */
  private wanted = false;
  private crashTimes: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** NOTE: start, stop, restart and automatic restarts run one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Instances asked to stop: their exit is not a crash. */
  private readonly stopping = new WeakSet<Running>();

  constructor(
    private readonly sup: Supervisor,
    readonly spec: ServiceSpec<R>,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get logFile(): string {
    return this.spec.logFile;
  }

  /** Starts it unless it runs already. Intentional: earlier crashes are forgotten. */
  start(): Promise<R> {
    this.want();
    return this.enqueue(async () => this.current ?? (await this.launch('start')));
  }

  /** Stops it on purpose (optionally with a signal first, e.g. SIGKILL for a fault test). */
  stop(opts: { signal?: NodeJS.Signals } = {}): Promise<void> {
    this.wanted = false;
    this.clearTimer();
    if (this.state === 'backoff') this.state = 'stopped';
    return this.enqueue(() => this.halt(opts.signal));
  }

  /** Stops the current instance (if any) on purpose and starts a fresh one. */
  restart(): Promise<R> {
    this.want();
    return this.enqueue(async () => {
      await this.halt();
      return this.launch('start');
    });
  }

  /**
   * Takes over an instance started elsewhere (a test that started a broker itself), while
   * none runs here: from now on its crash is restarted and its stop is intentional.
   */
  adopt(instance: R): void {
    if (this.state === 'starting') throw new Error(`supervisor: ${this.name} is starting; cannot adopt`);
    if (this.current && this.current !== instance) {
      throw new Error(`supervisor: ${this.name} already runs (pid ${this.current.pid}); stop it first`);
    }
    this.want();
    this.watch(instance);
    this.sup.record({
      kind: 'start',
      name: this.name,
      pid: instance.pid,
      logFile: this.logFile,
      message: `${this.name} adopted (pid ${instance.pid})`,
    });
  }

  private want() {
    this.wanted = true;
    this.crashTimes = [];
    this.clearTimer();
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const result = this.queue.then(op);
    this.queue = result.catch(() => {});
    return result;
  }

  private clearTimer() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async launch(kind: 'start' | 'restart'): Promise<R> {
    this.state = 'starting';
    let instance: R;
    try {
      instance = await this.spec.start();
    } catch (err) {
      this.state = 'stopped';
      throw err;
    }
    this.watch(instance);
    const crashes = this.crashTimes.length;
    this.sup.record({
      kind,
      name: this.name,
      pid: instance.pid,
      logFile: this.logFile,
      ...(kind === 'restart' ? { crashes } : {}),
      message:
        kind === 'restart'
          ? `${this.name} restarted (pid ${instance.pid}) and is ready`
          : `${this.name} started (pid ${instance.pid})`,
    });
    return instance;
  }

  private watch(instance: R) {
    this.current = instance;
    this.state = 'running';
    void instance.exit.then((info) => this.onExit(instance, info));
  }

  private async halt(signal?: NodeJS.Signals) {
    const instance = this.current;
    if (!instance) return;
    this.stopping.add(instance);
    if (signal) instance.kill(signal);
    await instance.stop();
    if (this.current === instance) this.current = null;
    this.state = 'stopped';
    this.sup.record({
      kind: 'stop',
      name: this.name,
      pid: instance.pid,
      logFile: this.logFile,
      message: `${this.name} stopped on request (pid ${instance.pid}${signal ? `, ${signal}` : ''})`,
    });
  }

  private onExit(instance: R, info: ExitInfo) {
    if (this.stopping.has(instance) || this.current !== instance) return;
    this.current = null;
    if (!this.wanted || this.sup.closed) {
      this.state = 'stopped';
      return;
    }
    this.crashed('crash', { pid: instance.pid, code: info.code, signal: info.signal }, describeExit(info));
  }

  /** Counts a crash (or failed restart) and schedules the next attempt, or gives up. */
  private crashed(
    kind: 'crash' | 'restart-failed',
    details: Pick<SupervisorEvent, 'pid' | 'code' | 'signal' | 'error'>,
    how: string,
  ) {
    const { maxCrashes, windowMs, initialDelayMs, maxDelayMs } = this.sup.policy;
    const now = this.sup.now();
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < windowMs), now];
    const crashes = this.crashTimes.length;
    const what =
      kind === 'crash' ? `${this.name} crashed (${how})` : `${this.name} failed to restart (${how})`;
    const window = `${crashes} of ${maxCrashes} allowed in ${duration(windowMs)}`;
    if (crashes >= maxCrashes) {
      this.wanted = false;
      this.state = 'gave-up';
      this.sup.record({
        kind,
        name: this.name,
        ...details,
        crashes,
        logFile: this.logFile,
        message: `${what}. Log: ${this.logFile}`,
      });
      this.sup.record({
        kind: 'give-up',
        name: this.name,
        crashes,
        logFile: this.logFile,
        message:
          `${this.name} crashed ${crashes} time${crashes === 1 ? '' : 's'} within ${duration(windowMs)}; ` +
          `not restarting it again. ` +
          `See ${this.logFile} (supervisor log: ${this.sup.logFile})`,
      });
      return;
    }
    const delayMs = Math.min(maxDelayMs, initialDelayMs * 2 ** (crashes - 1));
    this.state = 'backoff';
    this.sup.record({
      kind,
      name: this.name,
      ...details,
      crashes,
      delayMs,
      logFile: this.logFile,
      message: `${what}; restarting in ${duration(delayMs)} (${window}). Log: ${this.logFile}`,
    });
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.enqueue(() => this.autoRestart());
    }, delayMs);
  }

  private async autoRestart() {
    if (!this.wanted || this.sup.closed || this.current) return;
    try {
      await this.launch('restart');
    } catch (err) {
      if (!this.wanted || this.sup.closed) return;
      const error = (err as Error).message;
      this.crashed('restart-failed', { error }, error.split('\n')[0]!.slice(0, 200));
    }
  }
}

/** 1 s, 250 ms, 2 min. */
export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000 || ms % 60_000 !== 0) return `${Math.round(ms / 100) / 10} s`;
  return `${ms / 60_000} min`;
}
