import { readFileSync } from 'node:fs';
import type { SupervisorEvent } from '../../scripts/lib/supervisor.ts';
import type { TestStack } from '../../scripts/lib/test-stack.ts';

/** One "… failed; retrying" line of the workers' log. */
export interface RetryLine {
  at: number;
  attempt: number;
  err: string;
}

/** The workers' retry lines for one operation (`label`, e.g. 'clickhouse insert'), from `since` on. */
export function retryLines(logFile: string, label: string, since = 0): RetryLine[] {
  const out: RetryLine[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { msg?: unknown; time?: unknown; attempt?: unknown; err?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.msg !== `${label} failed; retrying`) continue;
    if (typeof entry.time !== 'string' || typeof entry.attempt !== 'number') continue;
    const at = Date.parse(entry.time);
    if (at >= since) out.push({ at, attempt: entry.attempt, err: String(entry.err) });
  }
  return out;
}

/**
 * Proof of backoff from the log alone, with lower bounds only (a slow machine cannot break
 * it): every retry chain sleeps at least 0.8 × min(5 s, 100 ms × 2^(k-1)) after attempt k
 * (retry.ts), and each chain logs attempts 1, 2, 3, … in order. So the first line of attempt
 * k+1 comes at least that long after the first line of attempt k, whichever chains they are.
 * Returns the violations (empty when the spacing holds) and the gaps, for the run's output.
 */
export function backoffGaps(lines: RetryLine[]) {
  const first = new Map<number, number>();
  for (const l of lines) first.set(l.attempt, Math.min(first.get(l.attempt) ?? Infinity, l.at));
  const gaps: Array<{ attempt: number; gapMs: number; minMs: number }> = [];
  for (const [k, at] of [...first.entries()].sort((a, b) => a[0] - b[0])) {
    const next = first.get(k + 1);
    if (next === undefined) continue;
    gaps.push({ attempt: k, gapMs: next - at, minMs: Math.floor(0.8 * Math.min(5000, 100 * 2 ** (k - 1))) });
  }
  return { gaps, violations: gaps.filter((g) => g.gapMs < g.minMs) };
}

/**
 * How the accepted events stand in ClickHouse. `events` is a ReplacingMergeTree, whose merges
 * would fold a duplicate away and hide it from count(); events_per_minute is fed by a view on
 * every block that really landed in `events` and sums instead of folding, so a double insert
 * shows there whatever the merges did.
 */
export async function storedCounts(t: TestStack, eventType: string, acceptedIds: string[]) {
  const table = `accepted_${eventType}`;
  await t.clickhouse.command({ query: `CREATE TABLE ${table} (id String) ENGINE = Memory` });
  await t.clickhouse.insert({ table, values: acceptedIds.map((id) => ({ id })), format: 'JSONEachRow' });
  const one = async <T>(query: string): Promise<T> => {
    const rs = await t.clickhouse.query({ query, format: 'JSONEachRow', query_params: { type: eventType } });
    const [row] = await rs.json<T>();
    return row!;
  };
  const accepted = await one<{ n: string; u: string }>(
    `SELECT count() AS n, uniqExact(event_id) AS u FROM events
     WHERE event_type = {type:String} AND event_id IN (SELECT id FROM ${table})`,
  );
  const all = await one<{ n: string; u: string }>(
    `SELECT count() AS n, uniqExact(event_id) AS u FROM events WHERE event_type = {type:String}`,
  );
  const perMinute = await one<{ n: string }>(
    `SELECT sum(events) AS n FROM events_per_minute WHERE event_type = {type:String}`,
  );
  const deadLetters = await one<{ n: string; all: string }>(
    `SELECT countIf(event_type = {type:String}) AS n, count() AS all FROM dead_letters`,
  );
  return {
    acceptedRows: Number(accepted.n),
    acceptedDistinct: Number(accepted.u),
    rowsOfType: Number(all.n),
    distinctOfType: Number(all.u),
    perMinuteSum: Number(perMinute.n),
    deadLettersOfType: Number(deadLetters.n),
    deadLettersAll: Number(deadLetters.all),
  };
}

/** How many retry lines each kind of error caused (port numbers dropped, so kinds group). */
export function errorKinds(lines: RetryLine[]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const l of lines) {
    const kind = l.err.replace(/127\.0\.0\.1:\d+/g, 'host:port').slice(0, 120);
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
}

/** What storedCounts must say when every accepted event is stored once and nothing else is. */
export function exactlyOnce(accepted: number) {
  return {
    acceptedRows: accepted,
    acceptedDistinct: accepted,
    rowsOfType: accepted,
    distinctOfType: accepted,
    perMinuteSum: accepted,
    deadLettersOfType: 0,
    deadLettersAll: 0,
  };
}

/** Resident memory of a process (VmRSS in /proc/<pid>/status), bytes; 0 once it is gone. */
export function vmRssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** The supervisor's records of `name` after the mark `after`, and the same from its JSON-lines log. */
export function supervisorRecords(t: TestStack, name: string, after: number) {
  const inMemory = t.supervisor.events.filter((e) => e.seq > after && e.name === name);
  const logged = readFileSync(t.supervisor.logFile, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as SupervisorEvent)
    .filter((e) => e.seq > after && e.name === name);
  return { inMemory, logged };
}

/**
 * Whether every crash of `name` after `after` was followed by a restart and the supervisor
 * never gave up: "a crashed process is restarted and reported, never left silently dead".
 */
export function crashesAndRestarts(events: SupervisorEvent[]) {
  const crashes = events.filter((e) => e.kind === 'crash' || e.kind === 'restart-failed');
  const restarts = events.filter((e) => e.kind === 'restart');
  const gaveUp = events.some((e) => e.kind === 'give-up');
  const last = events.filter((e) => e.kind !== 'stop').at(-1);
  return {
    crashes: crashes.length,
    restarts: restarts.length,
    gaveUp,
    /** true when nothing crashed, or the last record is a restart. */
    recovered: !gaveUp && (crashes.length === 0 || last?.kind === 'restart'),
    messages: events.map((e) => e.message),
  };
}

/**
 * The warn/error lines of a pino log from `since` on, counted by message (and error text,
 * ports dropped), for the run's output: what the process went through during a fault.
 */
export function logSummary(logFile: string, since = 0): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { msg?: unknown; time?: unknown; level?: unknown; err?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    const at = typeof entry.time === 'string' ? Date.parse(entry.time) : Number(entry.time);
    if (!(at >= since) || !['warn', 'error', 'fatal'].includes(String(entry.level))) continue;
    const err = entry.err === undefined ? '' : String(entry.err).replace(/127\.0\.0\.1:\d+/g, 'host:port');
    const key = `${String(entry.level)}: ${String(entry.msg)}${err ? ` — ${err.slice(0, 100)}` : ''}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/**
 * Starts a fault sequence beside the load and returns its promise, awaited later by the test.
 * NOTE: a sequence that fails before the load ends would otherwise be an unhandled rejection
 * (reported by vitest as an error of whatever test runs then); the test still sees the failure
 * when it awaits the promise.
 */
export function background<T>(sequence: () => Promise<T>): Promise<T> {
  const p = sequence();
  p.catch(() => {});
  return p;
}
