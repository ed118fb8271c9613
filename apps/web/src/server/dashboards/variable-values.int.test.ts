// The values a dashboard variable suggests, against the real ClickHouse engine: event types and
// sources from the hourly rollup, a field's values from the raw events, most frequent first,
// only from the dashboard's range, through the router with the dashboard's access applied.
import { createClickHouse, insertRows, toDateTime64, type QueryTarget } from '@tributary/clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, setConsoleEnv, type Isolated } from '../../../../../scripts/test-infra/fixtures.ts';
import type { Actor } from '../auth/actor.ts';
import { userActor } from '../auth/test-actors.ts';

let iso: Isolated;
let target: QueryTarget;
const NOW = Date.now();

beforeAll(async () => {
  iso = await isolate();
  target = { client: createClickHouse({ url: iso.clickhouseUrl }), database: iso.clickhouseDatabase };
  setConsoleEnv(iso);
  // In the last hour: 6 page, 3 signup, 1 purchase; plans pro ×5, free ×2. Two days ago: 'ancient'.
  const types = ['page', 'page', 'page', 'page', 'page', 'page', 'signup', 'signup', 'signup', 'purchase'];
  const rows = types.map((type, i) => ({
    event_id: `vv-${i}`,
    event_type: type,
    timestamp: toDateTime64(NOW - (i + 1) * 60_000),
    user_id: null,
    data: i < 5 ? { plan: 'pro' } : i < 7 ? { plan: 'free' } : {},
    metadata: {},
    source: i % 4 === 0 ? 'ios' : 'web',
    schema_version: 1,
    received_at: toDateTime64(NOW),
    processed_at: toDateTime64(NOW),
  }));
  rows.push({
    ...rows[0]!,
    event_id: 'vv-old',
    event_type: 'ancient',
    timestamp: toDateTime64(NOW - 2 * 86_400_000),
  });
  await insertRows(target.client, `${iso.clickhouseDatabase}.events`, rows);
});

afterAll(async () => {
  const { getDb } = await import('../db.ts');
  await getDb().$disconnect();
  await target?.client.close();
  await iso?.cleanup();
});

async function as(actor: Actor) {
  const { appRouter } = await import('../routers/index.ts');
  const { callerContext } = await import('../trpc.ts');
  return appRouter.createCaller(callerContext(target, actor));
}

describe('variable values', () => {
  it('suggests event types, sources and a field’s values seen in the range, most frequent first', async () => {
    const op = await as(userActor('operator'));
    await op.dashboards.create({
      slug: 'vars',
      title: 'Vars',
      definition: {
        range: '1h',
        variables: [
          { name: 'type', kind: 'event_type' },
          { name: 'src', kind: 'source' },
          { name: 'plan', kind: 'field', field: 'data.plan' },
        ],
      },
    });
    const viewer = await as(userActor('viewer'));
    const values = (variable: string, range?: '1h' | '7d') =>
      viewer.dashboards.variableValues({ slug: 'vars', variable, ...(range ? { range } : {}) });
    expect(await values('type')).toEqual(['page', 'signup', 'purchase']);
    expect(await values('src')).toEqual(['web', 'ios']);
    expect(await values('plan')).toEqual(['pro', 'free']);
    // A wider range reaches the older event.
    expect(await values('type', '7d')).toContain('ancient');
    await expect(values('nope')).rejects.toThrow(/has no variable nope/);
  });
});
