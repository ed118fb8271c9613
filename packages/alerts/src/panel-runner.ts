import { runPanelQuery, type ProcessorTable } from '@tributary/analytics';
import type { QueryTarget } from '@tributary/clickhouse';
import type { PanelRunner } from './evaluate.ts';

/**
 * Buckets one panel rule query may hold: a 30-day backtest at 1-minute buckets, with its first
 * window, in one query (a chart stops at PANEL_MAX_POINTS; a backtest is not drawn point by point).
 */
export const PANEL_RULE_MAX_POINTS = 31 * 24 * 60;

export interface PanelRunnerOptions {
  /** Per query; an alert evaluation should give up well before its next interval. */
  maxExecutionSeconds?: number;
  maxRowsToRead?: number;
  /** Aborts the queries in flight (the jobs service stopping, a backtest cancelled). */
  signal?: AbortSignal;
  /**
   * A processor source's table as ClickHouse has it now (the planner checks the query's columns
   * against it); without it, a rule over a processor's table fails as an evaluation error.
   */
  processorTable?: (processor: string) => Promise<ProcessorTable>;
}

/**
 * The panel runner of panel rules: @tributary/analytics's runPanelQuery on this ClickHouse, so
 * a rule reads exactly the numbers its dashboard panel shows (same planner, same rollup routing,
 * same empty-bucket rules).
 */
export function clickHousePanelRunner(target: QueryTarget, options: PanelRunnerOptions = {}): PanelRunner {
  const run: PanelRunner = async (query) => {
    const table =
      query.source.kind === 'processor' && options.processorTable
        ? await options.processorTable(query.source.processor)
        : undefined;
    return runPanelQuery(target, query, {
      maxExecutionSeconds: options.maxExecutionSeconds ?? 20,
      ...(options.maxRowsToRead !== undefined ? { maxRowsToRead: options.maxRowsToRead } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(table ? { table } : {}),
      maxPoints: PANEL_RULE_MAX_POINTS,
    });
  };
  run.maxPoints = PANEL_RULE_MAX_POINTS;
  return run;
}
