// What reads a field, against a real Postgres: processors (by their running version) and
// dashboard panels naming the field, a part of it or a whole that contains it; nothing for a
// field nobody reads or an event type the reader does not take.
import { createDb, type Db } from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import { createDashboard } from '../dashboards/dashboards.ts';
import { fieldImpact } from './field-impact.ts';

let iso: Isolated;
let db: Db;
const TYPE = 'impact_it.order';

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  const processor = await db.processor.create({
    data: { name: 'orders_by_city', state: 'active', activeVersion: 2, lastVersion: 3, createdBy: 'test' },
  });
  const definition = (filter: string) => ({
    inputs: { eventTypes: [TYPE], sources: [] },
    steps: [
      { id: 'f', kind: 'filter', expression: filter },
      {
        id: 'agg',
        kind: 'aggregate',
        window: { type: 'tumbling', sizeSeconds: 60 },
        graceSeconds: 30,
        groupBy: [{ name: 'city', field: 'data.address.city' }],
        measures: [{ name: 'n', fn: 'count' }],
      },
    ],
    output: { kind: 'aggregate', table: 'orders_by_city' },
  });
  // v2 runs; v3 (a draft, not published) reads another field: only what runs counts.
  for (const [version, filter] of [
    [1, "data.plan == 'old'"],
    [2, "data.plan == 'pro' && data.total > 10.0"],
    [3, "data.coupon != ''"],
  ] as const) {
    await db.processorVersion.create({
      data: { processorId: processor.id, version, definition: definition(filter), createdBy: 'test' },
    });
  }
  await createDashboard(
    db,
    {
      slug: 'sales',
      title: 'Sales',
      definition: {
        panels: [
          {
            id: 'revenue',
            title: 'Revenue',
            viz: 'line',
            query: {
              source: { kind: 'events', eventTypes: [TYPE] },
              measure: { fn: 'sum', field: 'data.total' },
            },
            layout: { x: 0, y: 0, w: 6, h: 4 },
          },
          {
            id: 'other-type',
            title: 'Other type',
            viz: 'line',
            query: {
              source: { kind: 'events', eventTypes: ['page_view'] },
              measure: { fn: 'sum', field: 'data.total' },
            },
            layout: { x: 6, y: 0, w: 6, h: 4 },
          },
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

describe('field impact', () => {
  it('lists the running processor and the panels that read a field, with where', async () => {
    const total = await fieldImpact(db, TYPE, 'data.total');
    expect(total.processors).toEqual([
      {
        name: 'orders_by_city',
        version: 2,
        state: 'active',
        table: 'proc_orders_by_city',
        uses: [{ where: 'steps[0].expression', path: 'data.total' }],
      },
    ]);
    expect(total.panels.map((p) => [p.dashboard, p.panelId, p.uses])).toEqual([
      ['sales', 'revenue', [{ where: 'panels.revenue.measure', path: 'data.total' }]],
    ]);
  });

  it('counts a part of the field and a whole containing it, and nothing else', async () => {
    const address = await fieldImpact(db, TYPE, 'data.address');
    expect(address.processors[0]?.uses).toEqual([
      { where: 'steps[1].groupBy.city', path: 'data.address.city' },
    ]);
    expect((await fieldImpact(db, TYPE, 'data.address.city.name')).processors).toHaveLength(1);
    // Only the draft v3 reads data.coupon: it does not run.
    expect(await fieldImpact(db, TYPE, 'data.coupon')).toMatchObject({ processors: [], panels: [] });
    expect(await fieldImpact(db, 'impact_it.refund', 'data.total')).toMatchObject({
      processors: [],
      panels: [],
    });
  });
});
