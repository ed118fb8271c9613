import { variableValues, type DashboardView } from '@tributary/analytics';
import type { QueryTarget } from '@tributary/clickhouse';
import { dashboardRangeAt, TributaryError, type DashboardRange } from '@tributary/contracts';

/** Suggestions move slowly: one read per dashboard, variable and range per 30 s in this process. */
const REUSE_MS = 30_000;
const MAX_KEPT = 500;
const holder = globalThis as unknown as {
  tributaryVariableValues?: Map<string, { at: number; values: Promise<string[]> }>;
};

/** The values a dashboard's variable suggests, most frequent first over the range. */
export async function dashboardVariableValues(
  clickhouse: QueryTarget,
  dashboard: DashboardView,
  name: string,
  range: DashboardRange = dashboard.definition.range,
): Promise<string[]> {
  const variable = dashboard.definition.variables.find((v) => v.name === name);
  if (!variable) throw new TributaryError('not_found', `dashboard ${dashboard.slug} has no variable ${name}`);
  const cache = (holder.tributaryVariableValues ??= new Map());
  const key = `${dashboard.slug}\u0000${dashboard.revision}\u0000${name}\u0000${range}`;
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < REUSE_MS) return hit.values;
  if (cache.size >= MAX_KEPT) cache.clear();
  const values = variableValues(clickhouse, variable, dashboardRangeAt(range, now));
  cache.set(key, { at: now, values });
  values.catch(() => cache.delete(key));
  return values;
}
