import { createClickHouse, type ClickHouseClient } from '@tributary/clickhouse';
import {
  processorDefinitionSchema,
  type ProcessorDefinition,
  type ProcessorEvent,
} from '@tributary/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import { ensureProcessorTables, readOutputLayout } from './ensure-tables.ts';
import { insertProcessorOutput } from './insert-output.ts';
import { readAggregate } from './read-aggregate.ts';

const T0 = Date.parse('2026-04-01T10:00:00.000Z');

function aggregateDefinition(measures: unknown[], extra: Record<string, unknown> = {}): ProcessorDefinition {
  return processorDefinitionSchema.parse({
    inputs: {},
    steps: [
      {
        id: 'agg',
        kind: 'aggregate',
        window: { type: 'tumbling', sizeSeconds: 60 },
        graceSeconds: 60,
        groupBy: [{ name: 'country', field: 'derived.geo.country' }],
        measures,
        ...extra,
      },
    ],
    output: { kind: 'aggregate', table: 'per_country' },
  });
}

function tableDefinition(columns: unknown[], table = 'signups'): ProcessorDefinition {
  return processorDefinitionSchema.parse({
    inputs: {},
    steps: [{ id: 'keep', kind: 'filter', expression: 'true' }],
    output: { kind: 'table', table, columns },
  });
}

function event(id: string, data: Record<string, unknown>): ProcessorEvent {
  return {
    event_id: id,
    event_type: 'signup',
    source: 'web',
    timestamp: new Date(T0).toISOString(),
    user_id: null,
    received_at: new Date(T0).toISOString(),
    data,
    metadata: {},
    derived: { geo: { country: 'DE' } },
  };
}

describe('processor output tables', () => {
  let iso: Isolated;
  let ch: ClickHouseClient;
  let target: { client: ClickHouseClient; database: string };

  beforeAll(async () => {
    iso = await isolate();
    ch = createClickHouse({ url: iso.clickhouseUrl });
    target = { client: ch, database: iso.clickhouseDatabase };
  });
  afterAll(async () => {
    await ch?.close();
    await iso?.cleanup();
  });

  const contribution = (value: number | null) => ({
    eventIndex: 0,
    windowStart: T0,
    windowEnd: T0 + 60_000,
    groups: { country: 'DE' },
    values: { events: 1, total: value, biggest: value },
  });

  it('creates an aggregate table, adds a measure for a new version, and refuses what would change meanings', async () => {
    const v1 = aggregateDefinition([
      { name: 'events', fn: 'count' },
      { name: 'total', fn: 'sum', field: 'data.amount' },
    ]);
    expect(await ensureProcessorTables(target, 'orders', v1)).toEqual({
      table: 'proc_per_country',
      action: 'created',
      added: [],
    });
    expect((await ensureProcessorTables(target, 'orders', v1)).action).toBe('unchanged');
    await insertProcessorOutput(target, {
      processor: 'orders',
      version: 1,
      definition: v1,
      contributions: [contribution(2.5), contribution(4)],
      token: 'orders:1:events:0:0-1',
    });

    const v2 = aggregateDefinition([
      { name: 'events', fn: 'count' },
      { name: 'total', fn: 'sum', field: 'data.amount' },
      { name: 'biggest', fn: 'max', field: 'data.amount' },
    ]);
    expect(await ensureProcessorTables(target, 'orders', v2)).toEqual({
      table: 'proc_per_country',
      action: 'migrated',
      added: ['biggest'],
    });
    await insertProcessorOutput(target, {
      processor: 'orders',
      version: 2,
      definition: v2,
      contributions: [contribution(10)],
      token: 'orders:2:events:0:2-2',
    });
    const range = { from: T0, to: T0 + 60_000 };
    expect(await readAggregate(target, 'per_country', range)).toEqual([
      {
        windowStart: T0,
        windowEnd: T0 + 60_000,
        groups: { country: 'DE' },
        values: { events: 3, total: 16.5, biggest: 10 },
      },
    ]);
    expect(await readAggregate(target, 'per_country', { ...range, versions: [1] })).toEqual([
      expect.objectContaining({ values: { events: 2, total: 6.5, biggest: null } }),
    ]);

    const regrouped = processorDefinitionSchema.parse({
      ...v2,
      steps: [{ ...v2.steps[0], groupBy: [{ name: 'country', field: 'data.country' }] }],
    });
    await expect(ensureProcessorTables(target, 'orders', regrouped)).rejects.toThrow(
      /the group-by changes from \[country=derived\.geo\.country\] to \[country=data\.country\].*Write to a new table name instead \(e\.g\. 'per_country_v2'\)/,
    );
    const rewindowed = aggregateDefinition(
      [
        { name: 'events', fn: 'count' },
        { name: 'total', fn: 'sum', field: 'data.amount' },
        { name: 'biggest', fn: 'max', field: 'data.amount' },
      ],
      { window: { type: 'tumbling', sizeSeconds: 300 } },
    );
    await expect(ensureProcessorTables(target, 'orders', rewindowed)).rejects.toThrow(/the window changes/);
    await expect(ensureProcessorTables(target, 'orders', v1)).rejects.toThrow(/measure 'biggest' is removed/);
    const refunction = aggregateDefinition([
      { name: 'events', fn: 'count' },
      { name: 'total', fn: 'avg', field: 'data.amount' },
      { name: 'biggest', fn: 'max', field: 'data.amount' },
    ]);
    await expect(ensureProcessorTables(target, 'orders', refunction)).rejects.toThrow(
      /measure 'total' changes from sum of data\.amount to avg of data\.amount/,
    );
    await expect(ensureProcessorTables(target, 'someone_else', v2)).rejects.toThrow(
      /belongs to processor 'orders'/,
    );
    // Nothing refused reached the table.
    expect((await readOutputLayout(target, 'per_country'))?.kind).toBe('aggregate');
  });

  it('writes one row per kept event to a table output, with its version, once per token', async () => {
    const v1 = tableDefinition([
      { name: 'plan', field: 'data.plan', type: 'String' },
      { name: 'seats', field: 'data.seats', type: 'Int64' },
    ]);
    expect((await ensureProcessorTables(target, 'signups', v1)).action).toBe('created');
    const batch = {
      processor: 'signups',
      version: 1,
      definition: v1,
      rows: [event('e1', { plan: 'pro', seats: 3 }), event('e2', { plan: 'free', seats: 'many' })],
      token: 'signups:1:events:0:0-1',
    };
    await insertProcessorOutput(target, batch);
    await insertProcessorOutput(target, batch);

    const v2 = tableDefinition([
      { name: 'plan', field: 'data.plan', type: 'String' },
      { name: 'seats', field: 'data.seats', type: 'Int64' },
      { name: 'country', field: 'derived.geo.country', type: 'String' },
    ]);
    expect(await ensureProcessorTables(target, 'signups', v2)).toMatchObject({
      action: 'migrated',
      added: ['country'],
    });
    await insertProcessorOutput(target, {
      ...batch,
      version: 2,
      definition: v2,
      rows: [event('e3', { plan: 'team', seats: 10 })],
      token: 'signups:2:events:0:2-2',
    });
    const result = await ch.query({
      query: `SELECT event_id, processor_version, plan, seats, country FROM ${iso.clickhouseDatabase}.proc_signups ORDER BY event_id`,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    expect(z.array(z.unknown()).parse(await result.json())).toEqual([
      { event_id: 'e1', processor_version: 1, plan: 'pro', seats: 3, country: null },
      { event_id: 'e2', processor_version: 1, plan: 'free', seats: null, country: null },
      { event_id: 'e3', processor_version: 2, plan: 'team', seats: 10, country: 'DE' },
    ]);

    const retyped = tableDefinition([{ name: 'seats', field: 'data.seats', type: 'String' }]);
    await expect(ensureProcessorTables(target, 'signups', retyped)).rejects.toThrow(
      /column 'seats' changes type from Int64 to String/,
    );
    const asAggregate = processorDefinitionSchema.parse({
      ...aggregateDefinition([{ name: 'events', fn: 'count' }]),
      output: { kind: 'aggregate', table: 'signups' },
    });
    await expect(ensureProcessorTables(target, 'signups', asAggregate)).rejects.toThrow(
      /it is a 'table' output, this version writes 'aggregate'/,
    );
  });
});
