import type { AggregateLayout, TableLayout } from './layout.ts';
import { measureInputColumn, outputTableNames, sqlString } from './names.ts';

/**
 * SQL for output tables. Names come from validated layouts (identifier regex), so they are
 * spliced; nothing from an event ever is.
 *
 * NOTE: every table an insert reaches (the input log and the aggregate behind its view) has
 * non_replicated_deduplication_window: a batch retried with the same insert_deduplication_token
 * is dropped in the input log, and its view block is dropped in the aggregate only because that
 * table deduplicates too (as in migration 0004).
 */
const DEDUP = 'non_replicated_deduplication_window = 10000';

/** How long the aggregate's input log keeps contributions (for inspection; the view already folded them in). */
export const INPUT_LOG_TTL_DAYS = 3;

const tableColumnTypes: Record<TableLayout['columns'][number]['type'], string> = {
  String: 'Nullable(String)',
  Float64: 'Nullable(Float64)',
  Int64: 'Nullable(Int64)',
  Bool: 'Nullable(Bool)',
  DateTime64: "Nullable(DateTime64(3, 'UTC'))",
};

export function tableColumnType(type: TableLayout['columns'][number]['type']): string {
  return tableColumnTypes[type];
}

export function createTableOutputSql(db: string, table: string, layout: TableLayout): string {
  const { main } = outputTableNames(table);
  const columns = layout.columns.map((c) => `    ${c.name} ${tableColumnType(c.type)}`).join(',\n');
  // One row per event (source, event_type, event_id), as in the events table: a backfill of a
  // later version replaces a row instead of adding a second one.
  return `CREATE TABLE IF NOT EXISTS ${db}.${main}
(
    event_id          String,
    event_type        LowCardinality(String),
    source            LowCardinality(String),
    timestamp         DateTime64(3, 'UTC'),
    processor_version UInt32,
${columns},
    inserted_at       DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(timestamp)
ORDER BY (event_type, source, event_id)
SETTINGS ${DEDUP}
COMMENT ${sqlString(JSON.stringify(layout))}`;
}

type LayoutMeasure = AggregateLayout['measures'][number];

/** The input log's column type for a measure; count has none (it counts the rows). */
export function measureInputType(m: LayoutMeasure): string | undefined {
  if (m.fn === 'count') return undefined;
  return m.fn === 'uniq' ? 'Nullable(String)' : 'Nullable(Float64)';
}

// Sums and averages fold Decimal(38, 9), not Float64: decimal addition is associative, so the
// result does not depend on how contributions were split into batches, blocks and merges
// (docs/decisions/processor-outputs.md). A value outside Decimal(38, 9) is skipped (NULL).
const DECIMAL = "'Decimal(38, 9)'";
const decimalOf = (col: string) => `accurateCastOrNull(${col}, ${DECIMAL})`;

function levelsOf(m: LayoutMeasure): string {
  return (m.levels ?? []).map((l) => String(l)).join(', ');
}

export function measureStateType(m: LayoutMeasure): string {
  switch (m.fn) {
    case 'count':
      return 'AggregateFunction(count)';
    case 'uniq':
      return 'AggregateFunction(uniqExact, Nullable(String))';
    case 'sum':
      return 'AggregateFunction(sum, Nullable(Decimal(38, 9)))';
    case 'avg':
      return 'AggregateFunction(avg, Nullable(Decimal(38, 9)))';
    case 'min':
      return 'AggregateFunction(min, Nullable(Float64))';
    case 'max':
      return 'AggregateFunction(max, Nullable(Float64))';
    case 'quantiles':
      return `AggregateFunction(quantilesExact(${levelsOf(m)}), Nullable(Float64))`;
  }
}

/** The view's expression that turns input rows into the measure's state. */
export function measureStateExpression(m: LayoutMeasure): string {
  const col = measureInputColumn(m.name);
  switch (m.fn) {
    case 'count':
      return 'countState()';
    case 'uniq':
      return `uniqExactState(${col})`;
    case 'sum':
      return `sumState(${decimalOf(col)})`;
    case 'avg':
      return `avgState(${decimalOf(col)})`;
    case 'min':
      return `minState(${col})`;
    case 'max':
      return `maxState(${col})`;
    case 'quantiles':
      return `quantilesExactState(${levelsOf(m)})(${col})`;
  }
}

/** The final value of a measure from its states (exact functions only). */
export function measureMergeExpression(m: LayoutMeasure): string {
  const col = m.name;
  switch (m.fn) {
    case 'count':
      return `countMerge(${col})`;
    case 'uniq':
      return `uniqExactMerge(${col})`;
    case 'sum':
      // As text: a Decimal(38, 9) does not fit a JSON number without rounding.
      return `toString(sumMerge(${col}))`;
    case 'avg':
      return `avgMerge(${col})`;
    case 'min':
      return `minMerge(${col})`;
    case 'max':
      return `maxMerge(${col})`;
    case 'quantiles':
      return `quantilesExactMerge(${levelsOf(m)})(${col})`;
  }
}

export function aggregateKeyColumns(layout: AggregateLayout): string[] {
  // processor_version last: a reader merging versions reads whole key prefixes.
  return ['run', 'window_start', 'window_end', ...layout.groupBy.map((g) => g.name), 'processor_version'];
}

export function createAggregateSql(db: string, table: string, layout: AggregateLayout): string[] {
  const { main, input, view } = outputTableNames(table);
  const groups = layout.groupBy.map((g) => `    ${g.name} String,\n`).join('');
  const states = layout.measures.map((m) => `    ${m.name} ${measureStateType(m)}`).join(',\n');
  const inputs = layout.measures
    .flatMap((m) => {
      const type = measureInputType(m);
      return type ? [`    ${measureInputColumn(m.name)} ${type},\n`] : [];
    })
    .join('');
  return [
    `CREATE TABLE IF NOT EXISTS ${db}.${main}
(
    run               LowCardinality(String),
    processor_version UInt32,
    window_start      DateTime64(3, 'UTC'),
    window_end        DateTime64(3, 'UTC'),
${groups}${states}
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(window_start)
ORDER BY (${aggregateKeyColumns(layout).join(', ')})
SETTINGS ${DEDUP}
COMMENT ${sqlString(JSON.stringify(layout))}`,
    `CREATE TABLE IF NOT EXISTS ${db}.${input}
(
    run               LowCardinality(String),
    processor_version UInt32,
    window_start      DateTime64(3, 'UTC'),
    window_end        DateTime64(3, 'UTC'),
${groups}${inputs}    inserted_at       DateTime DEFAULT now()
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(window_start)
ORDER BY (run, window_start, window_end)
TTL inserted_at + INTERVAL ${INPUT_LOG_TTL_DAYS} DAY
SETTINGS ${DEDUP}`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${view} TO ${db}.${main} AS
${aggregateViewSelect(db, table, layout)}`,
  ];
}

export function aggregateViewSelect(db: string, table: string, layout: AggregateLayout): string {
  const { input } = outputTableNames(table);
  const keys = [
    'run',
    'processor_version',
    'window_start',
    'window_end',
    ...layout.groupBy.map((g) => g.name),
  ];
  const states = layout.measures.map((m) => `${measureStateExpression(m)} AS ${m.name}`);
  return `SELECT ${[...keys, ...states].join(', ')}
FROM ${db}.${input}
GROUP BY ${keys.join(', ')}`;
}

/** Statements that bring an aggregate output from its stored layout to `next`, in a safe order. */
export function migrateAggregateSql(
  db: string,
  table: string,
  next: AggregateLayout,
  added: string[],
): string[] {
  const { main, input, view } = outputTableNames(table);
  const out: string[] = [];
  for (const name of added) {
    const m = next.measures.find((x) => x.name === name);
    if (!m) continue;
    const type = measureInputType(m);
    if (type)
      out.push(`ALTER TABLE ${db}.${input} ADD COLUMN IF NOT EXISTS ${measureInputColumn(m.name)} ${type}`);
    out.push(`ALTER TABLE ${db}.${main} ADD COLUMN IF NOT EXISTS ${m.name} ${measureStateType(m)}`);
  }
  // The view switches in one statement, so no insert is folded by half a view; until then the
  // old view ignores the new columns (the new version is not live before this returns).
  out.push(`ALTER TABLE ${db}.${view} MODIFY QUERY ${aggregateViewSelect(db, table, next)}`);
  out.push(`ALTER TABLE ${db}.${main} MODIFY COMMENT ${sqlString(JSON.stringify(next))}`);
  return out;
}

export function migrateTableOutputSql(
  db: string,
  table: string,
  next: TableLayout,
  added: string[],
): string[] {
  const { main } = outputTableNames(table);
  const out = added.flatMap((name) => {
    const c = next.columns.find((x) => x.name === name);
    return c
      ? [`ALTER TABLE ${db}.${main} ADD COLUMN IF NOT EXISTS ${c.name} ${tableColumnType(c.type)}`]
      : [];
  });
  out.push(`ALTER TABLE ${db}.${main} MODIFY COMMENT ${sqlString(JSON.stringify(next))}`);
  return out;
}
