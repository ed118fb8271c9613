import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  clickHousePanelRunner,
  createAlertEvaluator,
  createAlertRule,
  ruleOffsetMs,
  type EvaluationReport,
} from '@tributary/alerts';
import { createClickHouse } from '@tributary/clickhouse';
import { createDb } from '@tributary/db';
import {
  benchRules,
  loadAlertData,
  loadText,
  quantile,
  quietMachine,
  recordingTarget,
} from './alert-backtest.ts';
import { waitForMerges } from './dashboards.ts';

/**
 * `npm run bench -- alert-load`: 1,000 enabled rules at a 60 s interval, stored in the stack's
 * own Postgres database, evaluated by the jobs service's alert evaluator (createAlertEvaluator:
 * due slots spread by each rule's name, bounded concurrency, one transaction per tick) on the
 * real clock for RUN_SECONDS against the embedded ClickHouse holding 7 days of data (the
 * alert-backtest loader, N = 2M × BENCH_SCALE events, the newest minutes ahead of the clock so
 * every window has data). The evaluator runs in this process, ticking as the jobs service's
 * leader job does; this process's CPU is the jobs process's CPU.
 * Printed: evaluations started per 10 s of the minute, the most started in any one second,
 * evaluation latency and lateness (start − slot) p50/p95/max, rules that missed a minute,
 * ClickHouse queries/s and their time, and CPU of the evaluator and the embedded server.
 */
export interface AlertLoadBenchOptions {
  clickhouseUrl: string;
  clickhouseAuth: { username?: string; password?: string };
  database: string;
  databaseUrl: string;
  scale: number;
  /** The embedded server's pid: its CPU time over the run. */
  clickhousePid?: number;
  log: (m: string) => void;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const RULES = 1000;
const RUN_SECONDS = 180;
/**
 * The first tick finds every rule due (each at its latest slot: a new leader catches up once);
 * the figures are the steady state after it, the last STEADY_SECONDS of the run.
 */
const STEADY_SECONDS = 120;
/** As the jobs service runs it (apps/jobs env defaults ALERT_TICK_MS, ALERT_CONCURRENCY, ALERT_QUERY_TIMEOUT_SECONDS). */
const TICK_MS = 500;
const CONCURRENCY = 4;
const QUERY_TIMEOUT_SECONDS = 20;

const ruleName = (templates: readonly { name: string }[], i: number) =>
  `${templates[i % templates.length]!.name}-${String(i).padStart(4, '0')}`;

/** utime + stime of a process, seconds (Linux /proc; NaN when unreadable). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    // Fields after the command name (which may hold spaces) start at field 3.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

export async function runAlertLoadBench(opts: AlertLoadBenchOptions): Promise<void> {
  const n = Math.max(10_000, Math.round(2_000_000 * opts.scale));
  const client = createClickHouse({
    url: opts.clickhouseUrl,
    ...opts.clickhouseAuth,
    requestTimeoutMs: 3_600_000,
  });
  const db = createDb(opts.databaseUrl);
  // The data ends ahead of the clock (past a wait for a quiet machine and the run): every
  // evaluation's window holds rows.
  const end = Math.ceil((Date.now() + 30 * MIN) / MIN) * MIN;
  opts.log(`alert-load: loading 7 days: ${n.toLocaleString('en-US')} events, counters, dead letters…`);
  await loadAlertData(client, opts.database, n, end, opts.log);
  await waitForMerges(client, opts.database, 10 * MIN);

  // 1,000 rules: the backtest bench's five kinds (two panel rules, three signals) in turn.
  const templates = benchRules(Math.floor(end / HOUR) * HOUR);
  for (let i = 0; i < RULES; i++) {
    await createAlertRule(
      db,
      { ...templates[i % templates.length]!, name: ruleName(templates, i) },
      { actor: 'bench' },
    );
  }
  opts.log(`alert-load: ${RULES} rules stored; evaluating for ${RUN_SECONDS} s on the real clock`);

  await quietMachine(2.5, 10 * MIN, opts.log);
  const loadBefore = loadText();
  const { target, sent } = recordingTarget(client, opts.database);
  const reports: EvaluationReport[] = [];
  const evaluator = createAlertEvaluator({
    db,
    target,
    panelRunner: (signal) =>
      clickHousePanelRunner(target, { maxExecutionSeconds: QUERY_TIMEOUT_SECONDS, signal }),
    limits: { maxExecutionSeconds: QUERY_TIMEOUT_SECONDS },
    concurrency: CONCURRENCY,
    onEvaluated: (r) => reports.push(r),
  });
  const abort = new AbortController();
  const started = Date.now();
  const steadyFrom = started + (RUN_SECONDS - STEADY_SECONDS) * 1000;
  let cpu0: NodeJS.CpuUsage | null = null;
  let ch0 = NaN;
  const ticks: number[] = [];
  while (Date.now() - started < RUN_SECONDS * 1000) {
    if (!cpu0 && Date.now() >= steadyFrom) {
      cpu0 = process.cpuUsage();
      ch0 = cpuSeconds(opts.clickhousePid);
    }
    const t0 = performance.now();
    await evaluator.tick(abort.signal);
    if (cpu0) ticks.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, Math.max(0, TICK_MS - (performance.now() - t0))));
  }
  const ended = Date.now();
  const wall = (ended - started) / 1000;
  const steadyS = (ended - steadyFrom) / 1000;
  const cpu = process.cpuUsage(cpu0 ?? undefined);
  const chCpu = cpuSeconds(opts.clickhousePid) - ch0;
  const rulesStored = await db.alertRule.count({ where: { enabled: true } });
  const steady = reports.filter((r) => r.startedAt >= steadyFrom);
  const firstMinute = reports.filter((r) => r.startedAt < started + MIN).length;

  // Per 10 s of the minute, by when each evaluation started.
  const bySecond = new Map<number, number>();
  const tens = Array.from({ length: 6 }, () => 0);
  for (const r of steady) {
    const second = Math.floor(r.startedAt / 1000);
    bySecond.set(second, (bySecond.get(second) ?? 0) + 1);
    tens[Math.floor((r.startedAt % MIN) / 10_000)]!++;
  }
  const latency = steady.map((r) => r.ms).sort((a, b) => a - b);
  const late = steady.map((r) => r.startedAt - r.slot).sort((a, b) => a - b);
  // A rule missed a minute when one of its slots in the steady window went unevaluated.
  const slots = new Map<string, Set<number>>();
  for (const r of reports) {
    let set = slots.get(r.rule);
    if (!set) slots.set(r.rule, (set = new Set()));
    set.add(r.slot);
  }
  const names = Array.from({ length: RULES }, (_, i) => ruleName(templates, i));
  let missed = 0;
  let expected = 0;
  // Slots the run had time to start (10 s of slack at the end).
  const to = ended - 10_000;
  for (const name of names) {
    const offset = ruleOffsetMs(name, MIN);
    let any = false;
    for (let s = Math.ceil((steadyFrom - offset) / MIN) * MIN + offset; s < to; s += MIN) {
      expected++;
      if (!slots.get(name)?.has(s)) any = true;
    }
    if (any) missed++;
  }
  const errors = steady.filter((r) => r.outcome === 'error').length;
  const q = (a: number[], p: number) => quantile(a, p).toFixed(0);

  console.log(
    `\nalert-load: ${RULES} rules at 60 s (+ ${rulesStored - RULES} built-in), ${wall.toFixed(0)} s on the real clock over ${n.toLocaleString('en-US')} events; ` +
      `the first minute (a new leader finds every rule due): ${firstMinute} evaluations; below, the last ${steadyS.toFixed(0)} s`,
  );
  console.log('| second of the minute | evaluations started |');
  console.log('|---|---:|');
  tens.forEach((c, i) => console.log(`| ${i * 10}–${i * 10 + 9} | ${c} |`));
  console.log(
    `evaluations: ${steady.length} (${(steady.length / steadyS).toFixed(1)}/s; ${errors} errors); most started in one second: ${Math.max(...bySecond.values())} (an even spread: ${(rulesStored / 60).toFixed(1)})`,
  );
  console.log(`evaluation latency ms: p50 ${q(latency, 0.5)}, p95 ${q(latency, 0.95)}, max ${q(latency, 1)}`);
  console.log(`start after the slot ms: p50 ${q(late, 0.5)}, p95 ${q(late, 0.95)}, max ${q(late, 1)}`);
  console.log(
    `rules that missed a minute: ${missed} of ${RULES} (${expected} slots due in those ${steadyS.toFixed(0)} s)`,
  );
  const sortedTicks = [...ticks].sort((a, b) => a - b);
  console.log(
    `tick ms (query the due rules + one transaction): p50 ${q(sortedTicks, 0.5)}, p95 ${q(sortedTicks, 0.95)}, max ${q(sortedTicks, 1)}`,
  );
  const steadySent = sent.filter((x) => x.at >= steadyFrom);
  const queryMs = steadySent
    .map((x) => x.ms)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  console.log(
    `ClickHouse: ${steadySent.length} queries, ${(steadySent.length / steadyS).toFixed(1)}/s; time to answer ms p50 ${q(queryMs, 0.5)}, p95 ${q(queryMs, 0.95)}, max ${q(queryMs, 1)}; busy ${((queryMs.reduce((a, b) => a + b, 0) / 1000 / steadyS) * 100).toFixed(0)} % (sum of query times / wall time)`,
  );
  console.log(
    `CPU: evaluator (this process, the jobs service's share) ${(((cpu.user + cpu.system) / 1e6 / steadyS) * 100).toFixed(0)} % of a core; embedded ClickHouse ${((chCpu / steadyS) * 100).toFixed(0)} % of a core (2 cores)`,
  );
  console.log(`load average (1/5/15 min) at the start: ${loadBefore}; at the end: ${loadText()} (2 cores)`);
  abort.abort();
  await db.$disconnect();
  await client.close();
}
