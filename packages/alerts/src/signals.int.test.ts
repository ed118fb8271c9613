// The built-in signals against the real ClickHouse engine: each value equals what the rows say
// (worked out by hand here), one backtest query over a grid equals evaluating each time of the
// grid alone (what live evaluation runs), and the anomaly baseline equals median and MAD
// computed here from the same samples.
import { createClickHouse, insertRows, toDateTime64, type ClickHouseClient } from '@tributary/clickhouse';
import type { AlertSignal } from '@tributary/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { readAnomalyBaselines, readSignalOutcomes, WEEK } from './signals.ts';
import { labelsKey } from './labels.ts';
import type { RuleOutcome } from './state-machine.ts';

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
// Hour-aligned, a day back: inside every table's TTL (consumer_lag keeps 2 days).
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR;

let iso: Isolated;
let ch: ClickHouseClient;
let target: { client: ClickHouseClient; database: string };

const metric = (ts: number, stage: string, count: number) => ({
  ts: toDateTime64(new Date(ts)),
  service: 'test',
  instance: 'i1',
  stage,
  count,
});

function deadLetter(id: string, at: number, stage: string, code: string, eventType: string | null) {
  return {
    id,
    event_id: `e-${id}`,
    stage,
    code,
    message: 'm',
    details: '{}',
    payload: '{}',
    payload_encoding: 'utf8',
    source: 'web',
    write_key_id: null,
    event_type: eventType,
    schema_version: null,
    origin_topic: null,
    origin_partition: null,
    origin_offset: null,
    failed_at: toDateTime64(new Date(at)),
    attempts: 1,
  };
}

function event(id: string, source: string, receivedAt: number, latencyMs: number) {
  return {
    event_id: id,
    event_type: 'view',
    timestamp: toDateTime64(new Date(receivedAt)),
    user_id: null,
    data: {},
    metadata: {},
    source,
    schema_version: 1,
    received_at: toDateTime64(new Date(receivedAt)),
    processed_at: toDateTime64(new Date(receivedAt)),
    inserted_at: toDateTime64(new Date(receivedAt + latencyMs)),
  };
}

const values = (o: RuleOutcome | undefined) =>
  o?.kind === 'values' ? Object.fromEntries(o.values.map((v) => [labelsKey(v.labels), v.value])) : o;
const key = (labels: Record<string, string>) => labelsKey(labels);

beforeAll(async () => {
  iso = await isolate();
  ch = createClickHouse({ url: iso.clickhouseUrl });
  target = { client: ch, database: iso.clickhouseDatabase };
  const db = iso.clickhouseDatabase;
  const metrics = [];
  // Received: 100 events per minute for 30 minutes; rejects from web every minute (2), ios once.
  for (let m = 0; m < 30; m++) {
    metrics.push(metric(T0 + m * MIN + 5 * S, 'received', 100));
    metrics.push(metric(T0 + m * MIN + 5 * S, 'source:web:received', 100));
    metrics.push(metric(T0 + m * MIN + 5 * S, 'source:web:rejected', 2));
    metrics.push(metric(T0 + m * MIN + 5 * S, 'processor:enrich:in', 50));
    metrics.push(metric(T0 + m * MIN + 5 * S, 'processor:enrich:dropped', m < 10 ? 5 : 0));
    // Ingest keeps accepting; the workers store events only for the first 10 minutes.
    metrics.push(metric(T0 + m * MIN + 5 * S, 'accepted', 98));
  }
  metrics.push(metric(T0 + 12 * MIN, 'source:ios:rejected', 7));
  // Baseline history for the anomaly test: web rejects at the same hour 1..4 weeks back.
  for (let w = 1; w <= 4; w++)
    for (let m = 0; m < 60; m += 10)
      metrics.push(metric(T0 - w * WEEK + m * MIN + S, 'source:web:rejected', w * 10 + m / 10));
  await insertRows(ch, `${db}.pipeline_metrics`, metrics);

  await insertRows(ch, `${db}.dead_letters`, [
    deadLetter('d1', T0 + 2 * MIN, 'ingest', 'schema_violation', 'purchase'),
    deadLetter('d2', T0 + 2 * MIN + 10 * S, 'ingest', 'schema_violation', 'purchase'),
    deadLetter('d3', T0 + 3 * MIN, 'sink', 'insert_rejected', 'view'),
    // The same entry delivered twice counts once.
    deadLetter('d3', T0 + 3 * MIN, 'sink', 'insert_rejected', 'view'),
  ]);

  const events = [];
  for (let m = 0; m < 10; m++)
    for (let i = 0; i < 10; i++)
      events.push(event(`ev-${m}-${i}`, i < 5 ? 'web' : 'ios', T0 + m * MIN + i * S, (i + 1) * 100));
  await insertRows(ch, `${db}.events`, events);

  const lag = [];
  for (let m = 0; m < 30; m++)
    for (const p of [0, 1])
      lag.push({
        ts: toDateTime64(new Date(T0 + m * MIN + 30 * S)),
        group_id: 'workers',
        topic: 'events',
        partition: p,
        committed_offset: 10,
        end_offset: 20,
        lag: 10,
        lag_seconds: p === 0 ? m : m === 20 ? null : m * 2,
      });
  await insertRows(ch, `${db}.consumer_lag`, lag);
});

afterAll(async () => {
  await ch?.close();
  await iso?.cleanup();
});

const live = async (signal: AlertSignal, t: number, windowMs = 5 * MIN) =>
  (await readSignalOutcomes(target, signal, { first: t, stepMs: MIN, count: 1, windowMs }))[0]?.outcome;

describe('signal values', () => {
  it('dead-letter rate, ingest rejects, schema violations, processor drop rate', async () => {
    const t = T0 + 5 * MIN;
    // Window [T0, T0+5m): 3 distinct dead letters over 500 received.
    expect(values(await live({ kind: 'dead_letter_rate', groupBy: [], stages: [], codes: [] }, t))).toEqual({
      [key({})]: 3 / 500,
    });
    expect(
      values(await live({ kind: 'dead_letter_rate', groupBy: ['stage', 'code'], stages: [], codes: [] }, t)),
    ).toEqual({
      [key({ stage: 'ingest', code: 'schema_violation' })]: 2 / 500,
      [key({ stage: 'sink', code: 'insert_rejected' })]: 1 / 500,
    });
    expect(values(await live({ kind: 'ingest_rejects', sources: [] }, T0 + 15 * MIN))).toEqual({
      [key({ source: 'web' })]: 10,
      [key({ source: 'ios' })]: 7,
    });
    // A listed source without rejects reads 0, not "no data".
    expect(
      values(await live({ kind: 'ingest_rejects', sources: ['android', 'web'] }, T0 + 15 * MIN)),
    ).toEqual({
      [key({ source: 'android' })]: 0,
      [key({ source: 'web' })]: 10,
    });
    expect(values(await live({ kind: 'schema_violations', eventTypes: [] }, t))).toEqual({
      [key({ event_type: 'purchase' })]: 2,
    });
    expect(values(await live({ kind: 'processor_drop_rate', processors: [] }, t))).toEqual({
      [key({ processor: 'enrich' })]: 0.1,
    });
    expect(
      values(await live({ kind: 'processor_drop_rate', processors: ['enrich'] }, T0 + 20 * MIN)),
    ).toEqual({
      [key({ processor: 'enrich' })]: 0,
    });
  });

  it('source silence counts each listed source over its own minutes', async () => {
    const signal: AlertSignal = { kind: 'source_silence', sources: ['web', 'ios'], minutes: 10 };
    expect(values(await live(signal, T0 + 10 * MIN))).toEqual({
      [key({ source: 'ios' })]: 0,
      [key({ source: 'web' })]: 1000,
    });
    expect(values(await live(signal, T0 + 45 * MIN))).toEqual({
      [key({ source: 'ios' })]: 0,
      [key({ source: 'web' })]: 0,
    });
  });

  it('consumer lag: the newest sample per partition, the worst partition per group', async () => {
    // Newest samples before T0+10m are at 9m30s: partition 0 lag 9, partition 1 lag 18.
    expect(values(await live({ kind: 'consumer_lag', groups: [] }, T0 + 10 * MIN))).toEqual({
      [key({ group: 'workers' })]: 18,
    });
    // Partition 1's newest sample has no lag_seconds: its older sample (19 × 2) still counts.
    expect(values(await live({ kind: 'consumer_lag', groups: ['workers'] }, T0 + 21 * MIN))).toEqual({
      [key({ group: 'workers' })]: 38,
    });
    // No samples in the window: no value, and lag is not a count, so not 0.
    expect(values(await live({ kind: 'consumer_lag', groups: [] }, T0 + 2 * HOUR))).toEqual({});
  });

  it('freshness: the latency quantile while stored, the time since the newest insert when ingest accepts and nothing is stored', async () => {
    const signal: AlertSignal = { kind: 'freshness', table: 'events', quantile: 0.5, bySource: true };
    // By source: web latencies 0.1..0.5 s (median 0.3), ios 0.6..1.0 s (median 0.8). The counters are
    // per total only here, so no per-source staleness.
    const v = values(await live(signal, T0 + 5 * MIN));
    expect(Object.keys(v as object).sort()).toEqual([key({ source: 'ios' }), key({ source: 'web' })].sort());
    expect((v as Record<string, number>)[key({ source: 'web' })]).toBeCloseTo(0.3, 1);
    const total: AlertSignal = { kind: 'freshness', table: 'events', quantile: 0.99, bySource: false };
    const fresh = values(await live(total, T0 + 5 * MIN)) as Record<string, number>;
    expect(fresh[key({})]).toBeGreaterThan(0.9);
    expect(fresh[key({})]).toBeLessThan(1.01);
    // The newest stored event is at 9m09s + 1 s; ingest accepted until 12m05s: 13m − 9m10s.
    const stale = values(await live(total, T0 + 13 * MIN)) as Record<string, number>;
    expect(stale[key({})]).toBeCloseTo((13 * MIN - (9 * MIN + 10 * S)) / S, 3);
    // Nothing stored in the whole window: as stale as the window is long.
    expect(values(await live(total, T0 + 25 * MIN))).toEqual({ [key({})]: 300 });
  });
});

describe('backtest series', () => {
  it('one grid query equals evaluating each time alone', async () => {
    const signals: AlertSignal[] = [
      { kind: 'dead_letter_rate', groupBy: ['stage'], stages: [], codes: [] },
      { kind: 'ingest_rejects', sources: [] },
      { kind: 'schema_violations', eventTypes: [] },
      { kind: 'processor_drop_rate', processors: [] },
      { kind: 'source_silence', sources: ['web', 'ios'], minutes: 3 },
      { kind: 'consumer_lag', groups: [] },
      { kind: 'freshness', table: 'events', quantile: 0.99, bySource: false },
    ];
    for (const signal of signals) {
      const first = T0 + 30 * S;
      const grid = await readSignalOutcomes(target, signal, {
        first,
        stepMs: MIN,
        count: 35,
        windowMs: 4 * MIN,
      });
      expect(grid).toHaveLength(35);
      for (const { t, outcome } of grid) {
        expect([signal.kind, t, values(outcome)]).toEqual([
          signal.kind,
          t,
          values(await live(signal, t, 4 * MIN)),
        ]);
      }
    }
  });
});

describe('anomaly baseline', () => {
  it('median and MAD of the same hour of the last 4 weeks, zeros counted, in one query', async () => {
    const at = T0 + 30 * MIN;
    const signal: AlertSignal = { kind: 'ingest_rejects', sources: ['web'] };
    const bands = await readAnomalyBaselines(target, signal, at, { stepMs: 10 * MIN, windowMs: 10 * MIN });
    // Samples: 6 evaluation times per hour (every 10 min, window 10 min) × 4 weeks. The time at
    // :00 sees the previous hour's last row (none there), the others each see one row.
    const samples: number[] = [];
    for (let w = 1; w <= 4; w++) {
      samples.push(0);
      for (let m = 0; m < 50; m += 10) samples.push(w * 10 + m / 10);
    }
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const mid = s.length / 2;
      return s.length % 2 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
    };
    const med = median(samples);
    const mad = median(samples.map((x) => Math.abs(x - med)));
    expect(bands.get(key({ source: 'web' }))).toEqual({ median: med, mad, samples: 24 });
  });
});
