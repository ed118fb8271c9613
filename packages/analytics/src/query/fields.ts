import type { PanelFilter } from '@tributary/contracts';

/** Columns that the rollups keep as they are in `events`, so a filter or group on them is exact there. */
export const rollupColumns = new Set(['event_type', 'source']);

/**
 * SQL for a panel field that is either a value or NULL (missing JSON path, null user_id).
 * NOTE: only call this with a path that passed panelFieldSchema (letters, digits, _ and dots):
 * that pattern is what makes quoting each segment in backticks safe.
 */
export function fieldValue(path: string, columns?: ReadonlySet<string>): string {
  if (columns) {
    // NOTE: a processor table's column: the planner checked it is one of the table's columns,
    // and the identifier pattern is what makes the backticks safe.
    if (!columns.has(path) || !/^[a-z][a-z0-9_]*$/.test(path)) throw new Error(`not a column: ${path}`);
    return `if(isNull(\`${path}\`), NULL, toString(\`${path}\`))`;
  }
  if (path === 'event_type' || path === 'source') return path;
  if (path === 'user_id') return 'user_id';
  if (!/^(data|metadata|derived)(\.[A-Za-z0-9_]+)+$/.test(path)) {
    throw new Error(`not a panel field path: ${path}`);
  }
  const [root, ...segments] = path.split('.');
  // A JSON subcolumn is Dynamic; toString keeps numbers' and strings' text ('12.5', 'pro').
  const sub = `${root}.${segments.map((s) => `\`${s}\``).join('.')}`;
  return `if(isNull(${sub}), NULL, toString(${sub}))`;
}

/** A field as a series key: missing values are ''. */
export function fieldKey(path: string, columns?: ReadonlySet<string>): string {
  if (columns) return `ifNull(${fieldValue(path, columns)}, '')`;
  return path === 'event_type' || path === 'source' ? `toString(${path})` : `ifNull(${fieldValue(path)}, '')`;
}

/** A field as a number: NULL when missing or not numeric ('abc'); numeric text ('7') counts. */
export function fieldNumber(path: string, columns?: ReadonlySet<string>): string {
  return `toFloat64OrNull(${fieldValue(path, columns)})`;
}

const comparisons: Record<string, string> = {
  '=': '=',
  '!=': '!=',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};

/** Binds query parameters under generated names (p0, p1, …): values never enter the SQL text. */
export class Params {
  readonly values: Record<string, unknown> = {};
  #next = 0;
  bind(value: unknown, type: string): string {
    const name = `p${this.#next++}`;
    this.values[name] = value;
    return `{${name}:${type}}`;
  }
}

/**
 * A filter as SQL. A string value compares the field's text (missing = ''); a number compares
 * the field read as a number (missing or non-numeric never matches).
 */
export function filterSql(filter: PanelFilter, params: Params, columns?: ReadonlySet<string>): string {
  if ('values' in filter) {
    const numeric = typeof filter.values[0] === 'number';
    const expr = numeric ? fieldNumber(filter.field, columns) : fieldKey(filter.field, columns);
    const list = params.bind(filter.values, numeric ? 'Array(Float64)' : 'Array(String)');
    return `${expr} ${filter.op === 'in' ? 'IN' : 'NOT IN'} ${list}`;
  }
  const op = comparisons[filter.op];
  if (!op) throw new Error(`unknown filter op ${filter.op}`);
  if (typeof filter.value === 'number') {
    return `${fieldNumber(filter.field, columns)} ${op} ${params.bind(filter.value, 'Float64')}`;
  }
  return `${fieldKey(filter.field, columns)} ${op} ${params.bind(filter.value, 'String')}`;
}
