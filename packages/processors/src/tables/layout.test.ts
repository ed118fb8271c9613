import { processorDefinitionSchema } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { layoutOf } from './layout.ts';

const aggregate = (groupBy: unknown[], measures: unknown[]) =>
  processorDefinitionSchema.parse({
    inputs: {},
    steps: [
      {
        id: 'agg',
        kind: 'aggregate',
        window: { type: 'tumbling', sizeSeconds: 60 },
        graceSeconds: 0,
        groupBy,
        measures,
      },
    ],
    output: { kind: 'aggregate', table: 't' },
  });

describe('layoutOf', () => {
  it('has no table for the events output', () => {
    const d = processorDefinitionSchema.parse({
      inputs: {},
      steps: [{ id: 'f', kind: 'filter', expression: 'true' }],
      output: { kind: 'events' },
    });
    expect(layoutOf('p', d)).toBeUndefined();
  });

  it('refuses names the platform uses, duplicates, and measures without what they need', () => {
    expect(() =>
      layoutOf('p', aggregate([{ name: 'run', field: 'data.x' }], [{ name: 'n', fn: 'count' }])),
    ).toThrow(/'run' is a column the platform adds/);
    expect(() =>
      layoutOf('p', aggregate([{ name: 'n', field: 'data.x' }], [{ name: 'n', fn: 'count' }])),
    ).toThrow(/the name 'n' is used twice/);
    // A group named m_total would clash with the input log's column of measure `total`.
    expect(() =>
      layoutOf(
        'p',
        aggregate([{ name: 'm_total', field: 'data.x' }], [{ name: 'total', fn: 'sum', field: 'data.v' }]),
      ),
    ).toThrow(/input log.*'m_total' is used twice/);
    expect(() => layoutOf('p', aggregate([], [{ name: 'total', fn: 'sum' }]))).toThrow(/needs a field/);
    expect(() => layoutOf('p', aggregate([], [{ name: 'q', fn: 'quantiles', field: 'data.v' }]))).toThrow(
      /needs levels/,
    );
    const table = processorDefinitionSchema.parse({
      inputs: {},
      steps: [{ id: 'f', kind: 'filter', expression: 'true' }],
      output: {
        kind: 'table',
        table: 't',
        columns: [{ name: 'timestamp', field: 'timestamp', type: 'String' }],
      },
    });
    expect(() => layoutOf('p', table)).toThrow(/'timestamp' is one the platform adds/);
  });
});
