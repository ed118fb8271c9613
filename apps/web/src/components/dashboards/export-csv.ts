/**
 * A panel's current result as CSV (RFC 4180: comma separated, CRLF line ends, a field quoted
 * when it holds a comma, a quote or a line break, quotes doubled), one row per series and
 * bucket: time (ISO 8601, UTC), one column per group-by field, the value. Pure, so it is tested
 * apart from the browser's download.
 */

export interface CsvSeries {
  key: string[];
  points: { t: number; v: number | null }[];
}

const NEEDS_QUOTES = /[",\r\n]/;
/**
 * NOTE: group values come from event data, which anyone with a write key sends. A cell that
 * starts with one of these is read as a formula by spreadsheets (CSV injection), so such a
 * text cell is prefixed with an apostrophe; numbers are never touched.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) && !/^[-+]?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Names for the key columns of series whose keys have no field names (an SQL panel's groups):
 * `series`, or `series_1`, `series_2`… when a key has several parts; none when ungrouped.
 */
export function keyColumns(series: readonly CsvSeries[]): string[] {
  const parts = series.reduce((n, s) => Math.max(n, s.key.length), 0);
  return parts <= 1
    ? parts === 1
      ? ['series']
      : []
    : Array.from({ length: parts }, (_, i) => `series_${i + 1}`);
}

/** The measure's column name, e.g. `count`, `sum(data.amount)`. */
export function measureColumn(measure: { fn: string; field?: string }): string {
  return measure.field ? `${measure.fn}(${measure.field})` : measure.fn;
}

export function panelCsv(input: {
  groupBy: readonly string[];
  valueColumn: string;
  series: readonly CsvSeries[];
}): string {
  const header = ['time', ...input.groupBy, input.valueColumn];
  const rows: { t: number; order: number; cells: (string | number | null)[] }[] = [];
  input.series.forEach((s, order) => {
    // A series' key has one value per group-by field; pad or cut so the columns always line up.
    const key = input.groupBy.map((_, i) => s.key[i] ?? '');
    for (const p of s.points) rows.push({ t: p.t, order, cells: [new Date(p.t).toISOString(), ...key, p.v] });
  });
  // Oldest bucket first; within a bucket, series in the panel's order.
  rows.sort((a, b) => a.t - b.t || a.order - b.order);
  return (
    [header, ...rows.map((r) => r.cells)].map((cells) => cells.map(csvField).join(',')).join('\r\n') + '\r\n'
  );
}

/** A file name from the panel title: letters and digits kept, the rest as `-`. */
export function exportFileName(title: string, extension: 'csv' | 'png'): string {
  const base =
    title
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'panel';
  return `${base}.${extension}`;
}
