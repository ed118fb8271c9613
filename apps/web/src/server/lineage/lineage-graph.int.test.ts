// The lineage graph against the real Postgres, ClickHouse engine and Kafka broker: each hop's
// figure is the one the Pipeline page shows for its stage (same counter rows, same window), a
// source or processor added to the configuration is on the graph at the next read, and a flow
// with no running consumer is flagged idle.
import { createClickHouse, insertRows, toDateTime64, type ClickHouseClient } from '@tributary/clickhouse';
import { sourceStage, topicNames } from '@tributary/contracts';
import { createDb, createSource, type Db } from '@tributary/db';
import { createClusterAdmin, type ClusterAdmin } from '@tributary/kafka';
import { readLineage, type LineageGraph } from '@tributary/lineage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../../../scripts/test-infra/fixtures.ts';
import { getPipelineOverview } from '../queries/pipeline.ts';

let iso: Isolated;
let db: Db;
let ch: ClickHouseClient;
let cluster: ClusterAdmin;
const now = Date.now();
const WINDOW = { seconds: 300, stepSeconds: 15 };

// Counter rows as ingest and the workers flush them (one row per stage per flush).
const metric = (agoMs: number, service: string, stage: string, count: number) => ({
  ts: toDateTime64(now - agoMs),
  service,
  instance: `${service}-1`,
  stage,
  count,
});

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  ch = createClickHouse({ url: iso.clickhouseUrl });
  cluster = createClusterAdmin({ brokers: iso.brokers.split(','), clientId: `it-lineage-${iso.id}` });
  await createSource(db, 'checkout', { actor: 'it' });
  const rows = [];
  // Two flushes of ingest and of the workers inside the window, one long before it.
  for (const ago of [20_000, 95_000]) {
    rows.push(
      metric(ago, 'ingest', 'received', 30),
      metric(ago, 'ingest', 'accepted', 27),
      metric(ago, 'ingest', 'rejected', 3),
      metric(ago, 'ingest', 'dead_lettered', 3),
      metric(ago, 'ingest', sourceStage('demo', 'received'), 20),
      metric(ago, 'ingest', sourceStage('demo', 'accepted'), 18),
      metric(ago, 'ingest', sourceStage('demo', 'rejected'), 2),
      metric(ago, 'ingest', sourceStage('checkout', 'received'), 10),
      metric(ago, 'ingest', sourceStage('checkout', 'accepted'), 9),
      metric(ago, 'ingest', sourceStage('checkout', 'rejected'), 1),
      metric(ago, 'workers', 'processed', 27),
      metric(ago, 'workers', 'deduplicated', 1),
      metric(ago, 'workers', 'inserted', 25),
      metric(ago, 'workers', 'dead_lettered', 1),
      metric(ago, 'workers', 'latency:demo:250', 17),
      metric(ago, 'workers', 'latency:checkout:2500', 8),
    );
  }
  rows.push(
    metric(40 * 60_000, 'ingest', 'received', 1000),
    metric(40 * 60_000, 'ingest', sourceStage('demo', 'received'), 1000),
  );
  await insertRows(ch, `${iso.clickhouseDatabase}.pipeline_metrics`, rows);
});

afterAll(async () => {
  await cluster?.close();
  await ch?.close();
  await db?.$disconnect();
  await iso?.cleanup();
});

const read = (at = now): Promise<LineageGraph> =>
  readLineage(
    {
      db,
      clickhouse: { client: ch, database: iso.clickhouseDatabase },
      listGroups: () => cluster.listGroups(),
      topics: topicNames(iso.topicPrefix),
      workersGroup: `it-workers-${iso.id}`,
    },
    WINDOW,
    at,
  );

const total = (g: LineageGraph, from: string, to: string) => {
  const e = g.edges.find((x) => x.from === from && x.to === to);
  if (!e) throw new Error(`no edge ${from} -> ${to}`);
  return e.metrics?.total;
};

describe('lineage graph', () => {
  it("puts the Pipeline page's stage counts on the hops they describe", async () => {
    const [g, pipeline] = await Promise.all([
      read(),
      getPipelineOverview({ client: ch, database: iso.clickhouseDatabase }, '5m', now),
    ]);
    const topics = topicNames(iso.topicPrefix);
    const s = pipeline.stages;
    expect(s).toMatchObject({ received: 60, accepted: 54, rejected: 6, processed: 54, inserted: 50 });
    // Every source's edge into ingest, together, is what ingest received.
    const perSource = g.edges
      .filter((e) => e.to === 'ingest')
      .reduce((sum, e) => sum + (e.metrics?.total ?? 0), 0);
    expect(perSource).toBe(s.received);
    expect(total(g, 'source:demo', 'ingest')).toBe(40);
    expect(total(g, 'ingest', `topic:${topics.events}`)).toBe(s.accepted);
    expect(total(g, 'ingest', `topic:${topics.deadLetters}`)).toBe(s.rejected);
    expect(total(g, `topic:${topics.events}`, `consumer:it-workers-${iso.id}`)).toBe(s.processed);
    expect(total(g, `consumer:it-workers-${iso.id}`, 'table:events')).toBe(s.inserted);
    expect(total(g, `topic:${topics.deadLetters}`, `consumer:it-workers-${iso.id}-dead-letters`)).toBe(
      s.dead_lettered,
    );

    const demo = g.edges.find((e) => e.from === 'source:demo')!;
    expect(demo.metrics).toMatchObject({ perSecond: 0.13, deadLetterRate: 0.1, p95Ms: 250 });
    expect(g.edges.find((e) => e.from === 'source:checkout')?.metrics?.p95Ms).toBe(2500);
    // 20 steps of 15 s; both flushes are in them.
    expect(demo.metrics?.spark).toHaveLength(20);
    expect(demo.metrics?.spark.reduce((a, b) => a + b, 0)).toBe(40);
    expect(g.nodes.find((n) => n.id === 'source:demo')?.freshnessMs).toBeLessThanOrEqual(20_000);
  });

  it('flags the workers idle while no consumer runs in their group (Kafka reports none)', async () => {
    const g = await read();
    const consume = g.edges.find((e) => e.to === `consumer:it-workers-${iso.id}`)!;
    expect(consume.status).toBe('idle');
    expect(consume.note).toMatch(/no worker is running/);
  });

  it('shows a new source and a new processor at the next read', async () => {
    await createSource(db, 'kiosk', { actor: 'it' });
    await db.processor.create({
      data: {
        name: 'big_orders',
        state: 'active',
        activeVersion: 1,
        lastVersion: 1,
        createdBy: 'it',
        versions: {
          create: {
            version: 1,
            createdBy: 'it',
            definition: {
              inputs: { eventTypes: ['order'], sources: [] },
              steps: [{ id: 'big', kind: 'filter', expression: 'data.amount > 100' }],
              output: {
                kind: 'table',
                table: 'big_orders',
                columns: [{ name: 'amount', field: 'data.amount', type: 'Float64' }],
              },
            },
          },
        },
      },
    });
    // Postgres is read on every graph read, so the very next read has them (the page reads
    // every 3 s, reusing a read for at most 2 s: on screen within 5 s).
    const g = await read(Date.now());
    const kiosk = g.edges.find((e) => e.from === 'source:kiosk');
    expect(kiosk?.status).toBe('idle');
    expect(kiosk?.note).toMatch(/no usable write key/);
    expect(g.edges.map((e) => e.id)).toEqual(
      expect.arrayContaining([
        `consumer:it-workers-${iso.id}->processor:big_orders`,
        'processor:big_orders->table:proc_big_orders',
      ]),
    );
  });
});
