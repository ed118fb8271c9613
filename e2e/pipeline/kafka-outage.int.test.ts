import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka } from '@tributary/kafka-broker';
import { makeBatches, sendBatches } from '../../scripts/lib/load.ts';
import { eventually } from '../../scripts/test-infra/fixtures.ts';
import { startTestStack, type TestStack } from '../../scripts/lib/test-stack.ts';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

describe('Kafka broker restart during a load', () => {
  it('answers 503 while Kafka is down and keeps every 2xx event exactly once', async () => {
    const kafkaConfig = t.config.kafka as { port: number; controllerPort: number };
    const batches = makeBatches(60_000, 100, { eventType: 'load_outage' });
    let outage: Promise<void> | null = null;
    const statusesDuringOutage = new Map<number, number>();
    const readinessDuringOutage: number[] = [];

    // Probes run only while the broker is certainly down: the restart waits for them to end,
    // so every probe answer belongs to the outage.
    async function probeOutage() {
      const deadline = Date.now() + 60_000;
      while ((statusesDuringOutage.get(503) ?? 0) < 5 && Date.now() < deadline) {
        const r = await sendBatches({
          ingestUrl: t.stack.ingestUrl,
          writeKey: t.stack.writeKey,
          batches: makeBatches(10, 10, { eventType: 'load_outage_probe' }),
          concurrency: 1,
        });
        for (const [s, n] of r.statuses) statusesDuringOutage.set(s, (statusesDuringOutage.get(s) ?? 0) + n);
        readinessDuringOutage.push((await fetch(`${t.stack.ingestUrl}/readyz`)).status);
      }
    }

    const load = sendBatches({
      ingestUrl: t.stack.ingestUrl,
      writeKey: t.stack.writeKey,
      batches,
      concurrency: 4,
      onResponse: (done) => {
        if (outage || done < 100) return;
        outage = (async () => {
          await t.stack.infra.kafka!.stop();
          await probeOutage();
          t.stack.infra.kafka = await startKafka({
            port: kafkaConfig.port,
            controllerPort: kafkaConfig.controllerPort,
            dataDir: join(t.config.stateDir, 'kafka'),
          });
        })();
      },
    });

    const result = await load;
    await outage;

    expect(statusesDuringOutage.get(503) ?? 0).toBeGreaterThanOrEqual(5);
    // Readiness says what the requests meet: not ready while Kafka is away.
    expect(readinessDuringOutage.length).toBeGreaterThan(0);
    expect(readinessDuringOutage.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect([...statusesDuringOutage.keys()].filter((s) => s !== 503)).toEqual([]);
    expect(result.statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(result.acceptedIds.length).toBeGreaterThan(0);

    // Every event that got a 2xx is present exactly once.
    const accepted = result.acceptedIds;
    await eventually(
      async () => (await t.count(`event_type = 'load_outage'`)).rows >= accepted.length,
      180_000,
    );
    await t.drained();
    await t.clickhouse.command({ query: 'CREATE TABLE accepted_ids (id String) ENGINE = Memory' });
    await t.clickhouse.insert({
      table: 'accepted_ids',
      values: accepted.map((id) => ({ id })),
      format: 'JSONEachRow',
    });
    const rs = await t.clickhouse.query({
      query: `SELECT count() AS n, uniqExact(event_id) AS u FROM events
              WHERE event_type = 'load_outage' AND event_id IN (SELECT id FROM accepted_ids)`,
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ n: string; u: string }>();
    expect({ rows: Number(row!.n), distinct: Number(row!.u) }).toEqual({
      rows: accepted.length,
      distinct: accepted.length,
    });
  });
});
