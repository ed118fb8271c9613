import { checkPanelSql, processorFieldProblem } from '@tributary/analytics';
import type { QueryTarget } from '@tributary/clickhouse';
import {
  dashboardDefinitionSchema,
  dashboardRangeAt,
  isSqlPanel,
  TributaryError,
  type DashboardDefinition,
} from '@tributary/contracts';
import type { Db } from '@tributary/db';
import { can, type Actor } from '../auth/actor.ts';
import { AccessDenied } from '../trpc.ts';
import { requireAnalyst } from './panel-data.ts';
import { processorTable } from './processor-table.ts';

/** The SQL of each SQL panel, by panel id. */
function sqlById(definition: DashboardDefinition | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of definition?.panels ?? []) if (isSqlPanel(p)) out.set(p.id, p.sql);
  return out;
}

/** The panels whose SQL is new or changed against the stored definition. */
export function changedSql(next: DashboardDefinition, previous: DashboardDefinition | null): string[] {
  const before = sqlById(previous);
  return [...sqlById(next)].filter(([id, sql]) => before.get(id) !== sql).map(([id]) => id);
}

export interface SaveCheckDeps {
  db: Db;
  /** The console's own ClickHouse target (processor tables' columns). */
  clickhouse: QueryTarget;
  /** The analyst user (SQL panels are parsed by the engine before they are saved); null: none. */
  analyst: QueryTarget | null;
}

/**
 * What saving a definition needs beyond dashboards:write, checked before the service stores it:
 * - new or changed SQL panels need dashboards:sql, and each must pass the SQL check (one read
 *   statement over the platform's tables), so a refused statement is never saved;
 * - a processor source names a processor that exists, whose table output exists, with every
 *   column the panel reads.
 * A definition that does not parse is left to the service, which names its problems by path.
 */
export async function checkDashboardSave(
  deps: SaveCheckDeps,
  actor: Actor,
  definition: unknown,
  previous: DashboardDefinition | null,
): Promise<void> {
  const parsed = dashboardDefinitionSchema.safeParse(definition);
  if (!parsed.success) return;
  const next = parsed.data;
  const changed = changedSql(next, previous);
  if (changed.length > 0) {
    if (!can(actor, 'dashboards:sql')) {
      throw new AccessDenied(
        'forbidden',
        `raw SQL panels (${changed.join(', ')}) need the dashboards:sql permission (operators, schema owners and admins have it)`,
        'dashboards:sql',
      );
    }
    const analyst = requireAnalyst(deps.analyst);
    const range = dashboardRangeAt(next.range, Date.now());
    for (const panel of next.panels) {
      if (!changed.includes(panel.id) || !isSqlPanel(panel)) continue;
      await checkPanelSql(analyst, panel.sql, range).catch((err: unknown) => {
        if (err instanceof TributaryError) {
          throw new TributaryError(err.code, `panel ${panel.id}: ${err.message}`, err.details);
        }
        throw err;
      });
    }
  }
  for (const panel of next.panels) {
    const source = panel.query.source;
    if (isSqlPanel(panel) || source.kind !== 'processor') continue;
    const table = await processorTable(deps.db, deps.clickhouse, source.processor).catch((err: unknown) => {
      if (err instanceof TributaryError)
        throw new TributaryError(err.code, `panel ${panel.id}: ${err.message}`);
      throw err;
    });
    const problem = processorFieldProblem(panel.query, table);
    if (problem) throw new TributaryError('bad_request', `panel ${panel.id}: ${problem}`);
  }
}
