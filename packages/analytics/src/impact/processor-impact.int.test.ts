// What depends on a processor, against a real Postgres: panels over its table, SQL panels naming
// the table, and, for a processor writing events, the events panels of its event types (with
// the derived fields they read); nothing for panels of other types or other tables.
import type { ProcessorOutput } from '@tributary/contracts';
import { createDb, type Db } from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import { createDashboard } from '../dashboards/dashboards.ts';
import { processorImpact } from './processor-impact.ts';

let iso: Isolated;
let db: Db;
const layout = { x: 0, y: 0, w: 6, h: 4 };

async function processor(name: string, output: ProcessorOutput, eventTypes: string[]) {
  await db.processor.create({
    data: {
      name,
      state: 'active',
      activeVersion: 1,
      lastVersion: 1,
      createdBy: 'test',
      versions: {
        create: {
          version: 1,
          createdBy: 'test',
          definition: {
            inputs: { eventTypes, sources: [] },
            steps: [{ id: 'keep', kind: 'filter', expression: 'true' }],
            output,
          },
        },
      },
    },
  });
}

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  await processor(
    'orders',
    { kind: 'table', table: 'orders', columns: [{ name: 'amount', field: 'data.amount', type: 'Float64' }] },
    ['order'],
  );
  await processor('enrich_pages', { kind: 'events' }, ['page']);
  const panel = (id: string, rest: Record<string, unknown>) => ({
    id,
    title: id,
    viz: 'line',
    layout,
    ...rest,
  });
  await createDashboard(
    db,
    {
      slug: 'sales',
      title: 'Sales',
      definition: {
        panels: [
          panel('by-table', {
            query: { source: { kind: 'processor', processor: 'orders' }, measure: { fn: 'count' } },
          }),
          panel('sql', { viz: 'table', sql: 'SELECT count() AS v FROM proc_orders' }),
          panel('sql-other', { viz: 'table', sql: 'SELECT count() AS v FROM proc_orders_v2' }),
          panel('pages', {
            query: {
              source: { kind: 'events', eventTypes: ['page'] },
              measure: { fn: 'count' },
              groupBy: ['derived.geo.country'],
            },
          }),
          panel('all-events', {
            query: { source: { kind: 'events', eventTypes: [] }, measure: { fn: 'count' } },
          }),
          panel('orders-events', {
            query: { source: { kind: 'events', eventTypes: ['order'] }, measure: { fn: 'count' } },
          }),
        ],
      },
    },
    { actor: 'test' },
  );
});

afterAll(async () => {
  await db?.$disconnect();
  await iso?.cleanup();
});

describe('processorImpact', () => {
  it('lists the panels over its own table, by source and by name in SQL', async () => {
    const impact = await processorImpact(db, 'orders');
    expect(impact).toMatchObject({ processor: 'orders', version: 1, table: 'proc_orders' });
    expect(impact.panels.map((p) => [p.panelId, p.why])).toEqual([
      ['by-table', "reads proc_orders, the processor's table"],
      ['sql', 'its SQL names proc_orders'],
    ]);
  });

  it('for a processor writing events, lists the events panels of its types with the derived fields they read', async () => {
    const impact = await processorImpact(db, 'enrich_pages');
    expect(impact.table).toBe('events');
    expect(impact.panels.map((p) => [p.panelId, p.why])).toEqual([
      ['pages', 'reads derived.geo.country, which the processor writes into events'],
      ['all-events', 'counts events of its types, which the processor keeps, drops or enriches'],
    ]);
  });

  it('refuses an unknown processor', async () => {
    await expect(processorImpact(db, 'nope')).rejects.toThrow(/no processor "nope"/);
  });
});
