import { describe, expect, it } from 'vitest';
import { csvField, exportFileName, keyColumns, measureColumn, panelCsv } from './export-csv.ts';

const T0 = Date.UTC(2025, 0, 2, 3, 4);
const T1 = T0 + 60_000;

describe('panelCsv', () => {
  it('writes time and value for an ungrouped panel, oldest first, CRLF line ends', () => {
    const csv = panelCsv({
      groupBy: [],
      valueColumn: 'count',
      series: [
        {
          key: [],
          points: [
            { t: T1, v: 7 },
            { t: T0, v: 3.5 },
          ],
        },
      ],
    });
    expect(csv).toBe('time,count\r\n2025-01-02T03:04:00.000Z,3.5\r\n2025-01-02T03:05:00.000Z,7\r\n');
  });

  it('writes one column per group-by field, series in panel order within a bucket', () => {
    const csv = panelCsv({
      groupBy: ['event_type', 'source'],
      valueColumn: 'sum(data.amount)',
      series: [
        {
          key: ['purchase', 'web'],
          points: [
            { t: T0, v: 10 },
            { t: T1, v: null },
          ],
        },
        { key: ['signup', ''], points: [{ t: T0, v: 2 }] },
      ],
    });
    expect(csv.split('\r\n')).toEqual([
      'time,event_type,source,sum(data.amount)',
      '2025-01-02T03:04:00.000Z,purchase,web,10',
      '2025-01-02T03:04:00.000Z,signup,,2',
      '2025-01-02T03:05:00.000Z,purchase,web,',
      '',
    ]);
  });

  it('quotes commas, quotes and line breaks in group values', () => {
    const csv = panelCsv({
      groupBy: ['data.plan'],
      valueColumn: 'count',
      series: [{ key: ['pro, "annual"\nplan'], points: [{ t: T0, v: 1 }] }],
    });
    expect(csv).toBe('time,data.plan,count\r\n2025-01-02T03:04:00.000Z,"pro, ""annual""\nplan",1\r\n');
  });

  it('has only the header when the result is empty', () => {
    expect(panelCsv({ groupBy: ['source'], valueColumn: 'count', series: [] })).toBe('time,source,count\r\n');
  });
});

describe('csvField', () => {
  it('keeps plain text and numbers as they are', () => {
    expect(csvField('web')).toBe('web');
    expect(csvField(-3)).toBe('-3');
    expect(csvField('-3.5')).toBe('-3.5');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('+1 555')).toBe("'+1 555");
  });
});

describe('names', () => {
  it('names the value column after the measure', () => {
    expect(measureColumn({ fn: 'count' })).toBe('count');
    expect(measureColumn({ fn: 'avg', field: 'data.amount' })).toBe('avg(data.amount)');
  });

  it('names the key columns of series without field names (SQL panels)', () => {
    const s = (key: string[]) => ({ key, points: [] });
    expect(keyColumns([s([])])).toEqual([]);
    expect(keyColumns([s(['a']), s(['b'])])).toEqual(['series']);
    expect(keyColumns([s(['a', 'x'])])).toEqual(['series_1', 'series_2']);
  });

  it('makes a file name from the panel title', () => {
    expect(exportFileName('Sign-ups / hour (EU)', 'csv')).toBe('sign-ups-hour-eu.csv');
    expect(exportFileName('Umsätze ≥ 10 €', 'png')).toBe('umsätze-10.png');
    expect(exportFileName('***', 'csv')).toBe('panel.csv');
  });
});
