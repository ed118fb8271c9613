// Dashboards against a real, migrated Postgres: a definition refused with the paths of its
// problems and nothing stored; create, update with the revision guard, delete, each audited;
// share links that open the dashboard until revoked, with only a hash stored.
import { createHash } from 'node:crypto';
import { TributaryError, type DashboardDefinitionInput } from '@tributary/contracts';
import { createDb, type Db } from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import {
  createDashboard,
  deleteDashboard,
  getDashboard,
  listDashboards,
  updateDashboard,
} from './dashboards.ts';
import { DEMO_DASHBOARD_SLUG, seedDemoDashboard } from './demo-dashboard.ts';
import { createShare, listShares, resolveShare, revokeShare } from './shares.ts';

let iso: Isolated;
let db: Db;
const actor = 'user:analyst@example.test';

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
});
afterAll(async () => {
  await db?.$disconnect();
  await iso?.cleanup();
});

const definition: DashboardDefinitionInput = {
  range: '6h',
  refreshSeconds: 5,
  variables: [{ name: 'type', kind: 'event_type' }],
  panels: [
    {
      id: 'per-minute',
      title: 'Events per minute',
      viz: 'line',
      query: {
        source: { kind: 'events' },
        measure: { fn: 'count' },
        groupBy: ['event_type'],
        filters: [{ field: 'event_type', op: '=', variable: 'type' }],
        interval: 60,
      },
      layout: { x: 0, y: 0, w: 8, h: 4 },
    },
    {
      id: 'revenue',
      title: 'Revenue',
      viz: 'stat',
      query: {
        source: { kind: 'events', eventTypes: ['purchase'] },
        measure: { fn: 'sum', field: 'data.amount' },
      },
      layout: { x: 8, y: 0, w: 4, h: 4 },
    },
  ],
};

async function rejection(p: Promise<unknown>): Promise<TributaryError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TributaryError);
  return err as TributaryError;
}

async function auditActions(entityId: string): Promise<string[]> {
  const rows = await db.auditLog.findMany({ where: { entityId }, orderBy: { at: 'asc' } });
  return rows.map((r) => r.action);
}

describe('dashboards', () => {
  it('creates, reads and lists a dashboard, audited', async () => {
    const created = await createDashboard(
      db,
      { slug: 'product', title: 'Product overview', definition },
      { actor },
    );
    expect(created).toMatchObject({ slug: 'product', revision: 1, createdBy: actor });
    expect(created.definition.panels.map((p) => p.id)).toEqual(['per-minute', 'revenue']);
    // Defaults filled in: the revenue panel groups by nothing, on the automatic interval.
    expect(created.definition.panels[1]?.query).toMatchObject({ groupBy: [], filters: [], interval: 'auto' });
    expect((await getDashboard(db, 'product')).title).toBe('Product overview');
    expect(await listDashboards(db)).toEqual([expect.objectContaining({ slug: 'product', panels: 2 })]);
    const row = await db.dashboard.findUniqueOrThrow({ where: { slug: 'product' } });
    expect(await auditActions(row.id)).toEqual(['dashboard.create']);
  });

  it('refuses a bad definition naming each problem, storing nothing', async () => {
    const bad = {
      ...definition,
      panels: [
        { ...definition.panels![0]!, layout: { x: 10, y: 0, w: 4, h: 2 } },
        {
          ...definition.panels![1]!,
          id: 'per-minute',
          query: { ...definition.panels![1]!.query, groupBy: ['data.a', 'data.b', 'data.c'] },
        },
        {
          ...definition.panels![1]!,
          id: 'bad-var',
          query: {
            ...definition.panels![1]!.query,
            filters: [{ field: 'source', op: '=', variable: 'nope' }],
          },
        },
        {
          ...definition.panels![1]!,
          id: 'sql',
          query: {
            ...definition.panels![1]!.query,
            measure: { fn: 'sum', field: 'data.x; DROP TABLE events' },
          },
        },
      ],
    };
    const err = await rejection(
      createDashboard(db, { slug: 'broken', title: 'Broken', definition: bad }, { actor }),
    );
    expect(err.code).toBe('bad_request');
    const problems = (err.details as { errors: Array<{ path: string; message: string }> }).errors;
    const text = problems.map((p) => `${p.path}: ${p.message}`).join('\n');
    expect(text).toMatch(/definition\.panels\.0\.layout: the panel runs past the 12th column/);
    expect(text).toMatch(/groups by at most 2 fields/);
    expect(text).toMatch(/no variable named nope/);
    expect(text).toMatch(/definition\.panels\.3\.query\.measure\.field: a panel field is/);
    expect(await db.dashboard.count({ where: { slug: 'broken' } })).toBe(0);
  });

  it('refuses a slug that is taken', async () => {
    const err = await rejection(
      createDashboard(db, { slug: 'product', title: 'Again', definition }, { actor }),
    );
    expect(err.code).toBe('conflict');
  });

  it('updates from the current revision and refuses a stale one', async () => {
    const updated = await updateDashboard(db, 'product', { revision: 1, title: 'Product' }, { actor });
    expect(updated).toMatchObject({ title: 'Product', revision: 2 });
    const stale = await rejection(
      updateDashboard(db, 'product', { revision: 1, title: 'Lost edit' }, { actor }),
    );
    expect(stale.code).toBe('conflict');
    expect(stale.message).toMatch(/at revision 2, not 1/);
    expect((await getDashboard(db, 'product')).title).toBe('Product');
    const row = await db.dashboard.findUniqueOrThrow({ where: { slug: 'product' } });
    expect(await auditActions(row.id)).toEqual(['dashboard.create', 'dashboard.update']);
  });

  it('opens a share link until it is revoked, storing only its hash', async () => {
    const share = await createShare(db, 'product', { actor });
    expect(share.token).toMatch(/^trs_[A-Za-z0-9_-]{43}$/);
    const stored = await db.dashboardShare.findUniqueOrThrow({ where: { id: share.id } });
    expect(stored.tokenHash).toBe(createHash('sha256').update(share.token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(share.token);
    expect((await resolveShare(db, share.token)).slug).toBe('product');
    expect(await listShares(db, 'product')).toEqual([
      expect.objectContaining({ id: share.id, revokedAt: null }),
    ]);

    await revokeShare(db, share.id, { actor });
    const gone = await rejection(resolveShare(db, share.token));
    expect(gone.code).toBe('not_found');
    const unknown = await rejection(resolveShare(db, 'trs_' + 'x'.repeat(43)));
    expect(unknown.message).toBe(gone.message);
  });

  it('deletes a dashboard with its links, audited', async () => {
    await deleteDashboard(db, 'product', { actor });
    expect(await db.dashboard.count({ where: { slug: 'product' } })).toBe(0);
    expect(await db.dashboardShare.count()).toBe(0);
    expect((await rejection(getDashboard(db, 'product'))).code).toBe('not_found');
  });

  it('seeds the demo dashboard once, keeping later edits', async () => {
    await seedDemoDashboard(db);
    const seeded = await getDashboard(db, DEMO_DASHBOARD_SLUG);
    expect(seeded.definition.panels.map((p) => p.viz)).toEqual(['area', 'stat', 'bar', 'table', 'line']);
    await updateDashboard(
      db,
      DEMO_DASHBOARD_SLUG,
      { revision: seeded.revision, title: 'Ours now' },
      { actor },
    );
    await seedDemoDashboard(db);
    expect((await getDashboard(db, DEMO_DASHBOARD_SLUG)).title).toBe('Ours now');
  });
});
