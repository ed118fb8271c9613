/**
 * Kafka client comparison (docs/decisions/kafka-client.md) and the raw-producer baseline for
 * `npm run bench`.
 *
 *   npx tsx bench/src/kafka-clients.ts [--messages 200000] [--batch 500] [--value-bytes 500] [--rounds 2]
 *
 * Starts its own broker (port 19592, temp data) unless KAFKA_BROKERS is set.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAdmin, createProducer, type KafkaSasl } from '@tributary/kafka';
import { startKafka } from '@tributary/kafka-broker';
import { compareClients, formatTable, makeBatchFactory, type CompareRow } from './kafka-clients/compare.ts';
import { kafkajsBench } from './kafka-clients/kafkajs-raw.ts';
import { platformaticBench } from './kafka-clients/platformatic-raw.ts';
import { transportBench } from './kafka-clients/transport.ts';
import type { BenchMessage } from './kafka-clients/types.ts';

export interface RawProducerBenchOptions {
  brokers: string[];
  sasl?: KafkaSasl;
  topic: string;
  messages: number;
  batchSize: number;
  valueBytes: number;
  /** send() calls kept in flight; ingest has many concurrent requests. Default 4. */
  concurrency?: number;
}

/**
 * "Raw in-process producer events/s": the adopted transport's producer writing pre-built
 * messages as fast as it can (idempotent, acks=all). The topic must exist.
 */
export async function benchRawProducer(
  opts: RawProducerBenchOptions,
): Promise<{ eventsPerSec: number; mbPerSec: number; elapsedMs: number }> {
  const makeBatch = makeBatchFactory(opts.valueBytes);
  const batches: BenchMessage[][] = [];
  for (let sent = 0; sent < opts.messages; sent += opts.batchSize) {
    batches.push(makeBatch(sent, Math.min(opts.batchSize, opts.messages - sent)));
  }
  const producer = createProducer({
    brokers: opts.brokers,
    sasl: opts.sasl,
    clientId: 'bench-raw-producer',
    deliveryTimeoutMs: 30_000,
  });
  try {
    // One warm-up send so connection and producer-id setup are not timed.
    await producer.send(opts.topic, batches[0]!.slice(0, 1));
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
      while (next < batches.length) await producer.send(opts.topic, batches[next++]!);
    };
    await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
    const elapsedMs = performance.now() - t0;
    return {
      eventsPerSec: opts.messages / (elapsedMs / 1000),
      mbPerSec: (opts.messages * opts.valueBytes) / (1024 * 1024) / (elapsedMs / 1000),
      elapsedMs,
    };
  } finally {
    await producer.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '200000' },
      batch: { type: 'string', default: '500' },
      'value-bytes': { type: 'string', default: '500' },
      partitions: { type: 'string', default: '6' },
      rounds: { type: 'string', default: '2' },
    },
  });
  const messages = Number(values.messages);
  const batchSize = Number(values.batch);
  const valueBytes = Number(values['value-bytes']);
  const partitions = Number(values.partitions);
  const rounds = Number(values.rounds);

  let stopBroker = async () => {};
  let brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
  if (!brokers?.length) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-bench-kafka-'));
    const t0 = Date.now();
    const kafka = await startKafka({
      port: 19592,
      controllerPort: 19593,
      dataDir,
      onProgress: (m) => console.log(`[kafka] ${m}`),
    });
    console.log(`[kafka] broker up in ${Date.now() - t0} ms`);
    brokers = kafka.brokers;
    stopBroker = async () => {
      await kafka.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }

  try {
    console.log(
      `\n${messages} messages x ${valueBytes} B, batches of ${batchSize}, ${partitions} partitions, idempotent acks=all, ${rounds} round(s), brokers ${brokers.join(',')}\n`,
    );
    // Rounds alternate the order so neither client always runs on a warmer broker.
    const all: CompareRow[] = [];
    for (let r = 0; r < rounds; r++) {
      const clients = [platformaticBench, kafkajsBench, transportBench(4)];
      if (r % 2 === 1) clients.reverse();
      const rows = await compareClients({
        brokers,
        messages,
        batchSize,
        valueBytes,
        partitions,
        clients,
        log: (l) => console.log(`  round ${r + 1}: ${l}`),
      });
      all.push(...rows);
    }
    console.log(`\nPer round:\n${formatTable(all)}`);
    console.log(`\nBest of ${rounds} per client:\n${formatTable(bestPerClient(all))}`);

    const topic = `bench.raw-producer.${Date.now()}`;
    const admin = createAdmin({ brokers, clientId: 'bench-admin' });
    await admin.ensureTopics([{ name: topic, partitions, config: {} }]);
    const raw = await benchRawProducer({ brokers, topic, messages, batchSize, valueBytes });
    await admin.deleteTopics([topic]);
    await admin.close();
    console.log(
      `\nbenchRawProducer (the npm run bench baseline): ${Math.round(raw.eventsPerSec).toLocaleString('en-US')} events/s, ${raw.mbPerSec.toFixed(1)} MB/s`,
    );
    console.log(
      `\nload average during the run: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (2 cores; other processes share them)`,
    );
  } finally {
    await stopBroker();
  }
}

function bestPerClient(rows: CompareRow[]): CompareRow[] {
  const best = new Map<string, CompareRow>();
  for (const r of rows) {
    const b = best.get(r.client);
    best.set(
      r.client,
      b
        ? {
            ...b,
            produceMsgsPerSec: Math.max(b.produceMsgsPerSec, r.produceMsgsPerSec),
            produceMBPerSec: Math.max(b.produceMBPerSec, r.produceMBPerSec),
            produceCpuUsPerMsg: Math.min(b.produceCpuUsPerMsg, r.produceCpuUsPerMsg),
            consumeMsgsPerSec: Math.max(b.consumeMsgsPerSec, r.consumeMsgsPerSec),
            consumeMBPerSec: Math.max(b.consumeMBPerSec, r.consumeMBPerSec),
            consumeCpuUsPerMsg: Math.min(b.consumeCpuUsPerMsg, r.consumeCpuUsPerMsg),
            consumeWithJoinMsgsPerSec: Math.max(b.consumeWithJoinMsgsPerSec, r.consumeWithJoinMsgsPerSec),
          }
        : r,
    );
  }
  return [...best.values()];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
