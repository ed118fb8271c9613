import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resident memory of a process and all its descendants (VmRSS from /proc, bytes): `next start`
 * and the JVM may run helpers, and what the machine pays for is the whole tree.
 */
export function treeRssBytes(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of stat is the parent pid; the command (field 2) may hold spaces, so split after ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.pop()!;
    total += rssBytes(p);
    todo.push(...(children.get(p) ?? []));
  }
  return total;
}

function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;

/** Latencies kept per name, for p50/p99 at the end. */
export class Latencies {
  private readonly byName = new Map<string, { ms: number[]; errors: number; lastError: string }>();

  add(name: string, ms: number, error?: string) {
    let e = this.byName.get(name);
    if (!e) this.byName.set(name, (e = { ms: [], errors: 0, lastError: '' }));
    e.ms.push(ms);
    if (error !== undefined) {
      e.errors++;
      e.lastError = error;
    }
  }

  summary(): Array<{
    name: string;
    calls: number;
    errors: number;
    p50: number;
    p99: number;
    lastError: string;
  }> {
    return [...this.byName].map(([name, e]) => {
      const sorted = [...e.ms].sort((a, b) => a - b);
      return {
        name,
        calls: sorted.length,
        errors: e.errors,
        p50: pick(sorted, 0.5),
        p99: pick(sorted, 0.99),
        lastError: e.lastError,
      };
    });
  }
}

function pick(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** `--name value` or `--name=value` from argv, else the fallback. */
export function numberArg(argv: string[], name: string, fallback: number): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const raw =
      a === `--${name}` ? argv[i + 1] : a.startsWith(`--${name}=`) ? a.slice(name.length + 3) : null;
    if (raw === null || raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} wants a positive number, got '${raw}'`);
    return n;
  }
  return fallback;
}

/** What the embedded ClickHouse says its memory is, beside the process's RSS. */
export interface EngineMemory {
  /** The engine's memory tracker (system.metrics MemoryTracking). */
  tracked: number;
  /** Bytes held by each cache that holds any (system.metrics *CacheBytes). */
  caches: Record<string, number>;
  /** jemalloc's own totals: allocated ≤ active ≤ resident ≤ mapped; retained is unmapped-but-reserved. */
  jemalloc: Record<string, number>;
  /** Active data parts of the events table and their primary-key bytes in memory. */
  parts: number;
  primaryKeyBytes: number;
  /** The running query holding the most memory, and merges' memory. */
  topQuery: string;
  topQueryBytes: number;
  mergesBytes: number;
}

interface SqlRunner {
  query(params: { query: string; format: 'JSONEachRow' }): Promise<{ json<T>(): Promise<T[]> }>;
}

export async function engineMemory(ch: SqlRunner): Promise<EngineMemory> {
  const rows = async <T>(query: string) => (await ch.query({ query, format: 'JSONEachRow' })).json<T>();
  const metrics = await rows<{ metric: string; value: string }>(
    `SELECT metric, value FROM system.metrics WHERE metric = 'MemoryTracking' OR (metric LIKE '%CacheBytes' AND value > 0)`,
  );
  const [stats] = await rows<{ text: string }>(
    `SELECT arrayStringConcat(groupArray(*), '\n') AS text FROM system.jemalloc_stats`,
  );
  const [parts] = await rows<{ n: string; pk: string }>(
    `SELECT count() AS n, sum(primary_key_bytes_in_memory) AS pk FROM system.parts WHERE active AND table = 'events'`,
  );
  const [top] = await rows<{ q: string; m: string }>(
    `SELECT substring(replaceRegexpAll(query, '\\s+', ' '), 1, 70) AS q, memory_usage AS m FROM system.processes ORDER BY memory_usage DESC LIMIT 1`,
  );
  const [merges] = await rows<{ m: string }>(`SELECT sum(memory_usage) AS m FROM system.merges`);
  // "Allocated: 25880512, active: 26320896, metadata: …, resident: 31596544, mapped: …, retained: …"
  const line = /Allocated: .*/.exec(stats?.text ?? '')?.[0] ?? '';
  const jemalloc: Record<string, number> = {};
  for (const m of line.matchAll(/(\w+): (\d+)/g)) jemalloc[m[1]!.toLowerCase()] = Number(m[2]);
  const caches: Record<string, number> = {};
  let tracked = 0;
  for (const { metric, value } of metrics) {
    if (metric === 'MemoryTracking') tracked = Number(value);
    else caches[metric.replace(/CacheBytes$/, '')] = Number(value);
  }
  return {
    tracked,
    caches,
    jemalloc,
    parts: Number(parts?.n ?? 0),
    primaryKeyBytes: Number(parts?.pk ?? 0),
    topQuery: top?.q ?? '',
    topQueryBytes: Number(top?.m ?? 0),
    mergesBytes: Number(merges?.m ?? 0),
  };
}

export function describeEngineMemory(m: EngineMemory): string {
  const caches = Object.entries(m.caches).map(([k, v]) => `${k} ${mb(v)}`);
  const je = ['allocated', 'active', 'resident', 'mapped', 'retained'].map(
    (k) => `${k} ${mb(m.jemalloc[k] ?? 0)}`,
  );
  return `tracked ${mb(m.tracked)}; jemalloc ${je.join(', ')}; caches ${caches.join(', ') || 'empty'}; events parts ${m.parts} (pk ${mb(m.primaryKeyBytes)}); merges ${mb(m.mergesBytes)}; top query ${mb(m.topQueryBytes)} ${m.topQuery}`;
}
