// /metrics in Prometheus text: the process's real RSS beside the engine's own tracked figure,
// so a dashboard never trusts the engine's RSS (chDB does not sample it).
import type { RunContext } from './connection.ts';
import { processRssBytes } from './rss.ts';

export interface ServerStats {
  requests: number;
  errors: number;
  cancelled: number;
}

export function newStats(): ServerStats {
  return { requests: 0, errors: 0, cancelled: 0 };
}

export async function renderMetrics(ctx: RunContext, stats: ServerStats): Promise<string> {
  const [tracked, running] = await Promise.all([
    ctx.engine.trackedMemoryBytes().catch(() => NaN),
    ctx.engine.runningQueries().catch(() => NaN),
  ]);
  const lines: [string, string, string, number][] = [
    [
      'tributary_clickhouse_process_resident_memory_bytes',
      'gauge',
      'Resident memory of the embedded server process (kernel figure)',
      processRssBytes(),
    ],
    [
      'tributary_clickhouse_memory_tracked_bytes',
      'gauge',
      "The engine's tracked memory (MemoryTracking)",
      tracked,
    ],
    [
      'tributary_clickhouse_memory_limit_bytes',
      'gauge',
      'Server-wide memory limit',
      ctx.limits.maxServerMemoryBytes,
    ],
    [
      'tributary_clickhouse_query_memory_limit_bytes',
      'gauge',
      'Per-query memory limit',
      ctx.limits.maxQueryMemoryBytes,
    ],
    ['tributary_clickhouse_running_queries', 'gauge', 'Queries running in the engine', running],
    ['tributary_clickhouse_read_slots_busy', 'gauge', 'Read slots in use', ctx.engine.reads.busy],
    ['tributary_clickhouse_insert_slots_busy', 'gauge', 'Insert slots in use', ctx.engine.inserts.busy],
    [
      'tributary_clickhouse_queued_requests',
      'gauge',
      'Requests waiting for a slot',
      ctx.engine.reads.queued + ctx.engine.inserts.queued,
    ],
    ['tributary_clickhouse_sessions', 'gauge', 'Named sessions open', ctx.sessions.size],
    ['tributary_clickhouse_requests_total', 'counter', 'Query and insert requests', stats.requests],
    ['tributary_clickhouse_request_errors_total', 'counter', 'Requests answered with an error', stats.errors],
    [
      'tributary_clickhouse_requests_cancelled_total',
      'counter',
      'Requests whose client went away before the end',
      stats.cancelled,
    ],
  ];
  return (
    lines
      .map(
        ([name, type, help, value]) =>
          `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${Number.isFinite(value) ? value : 'NaN'}`,
      )
      .join('\n') + '\n'
  );
}
