import { createAdmin, createBatchConsumer, createProducer } from '@tributary/kafka';
import type { ClientBench, ConsumeRun, ProduceRun } from './types.ts';

/**
 * The adopted transport (@tributary/kafka over @platformatic/kafka), measured the same way as
 * the raw clients, so its overhead (request coalescing, batch building) shows in the table.
 * `concurrency` sends are kept in flight, as ingest's concurrent requests would.
 */
export function transportBench(concurrency: number): ClientBench {
  return {
    name: `@tributary/kafka (${concurrency} in flight)`,

    async createTopic(brokers, topic, partitions) {
      const admin = createAdmin({ brokers, clientId: 'bench-transport-admin' });
      try {
        await admin.ensureTopics([{ name: topic, partitions, config: {} }]);
      } finally {
        await admin.close();
      }
    },

    async deleteTopic(brokers, topic) {
      const admin = createAdmin({ brokers, clientId: 'bench-transport-admin' });
      try {
        await admin.deleteTopics([topic]);
      } finally {
        await admin.close();
      }
    },

    async produce(run: ProduceRun) {
      const producer = createProducer({
        brokers: run.brokers,
        clientId: 'bench-transport',
        deliveryTimeoutMs: 30_000,
      });
      try {
        const t0 = performance.now();
        let next = 0;
        const worker = async () => {
          while (next < run.batches.length) {
            const batch = run.batches[next++]!;
            await producer.send(run.topic, batch);
          }
        };
        await Promise.all(Array.from({ length: concurrency }, worker));
        return performance.now() - t0;
      } finally {
        await producer.close();
      }
    },

    async consume(run: ConsumeRun) {
      const consumer = createBatchConsumer({
        brokers: run.brokers,
        clientId: 'bench-transport',
        groupId: run.groupId,
        topics: [run.topic],
        maxBatchSize: 5000,
      });
      let received = 0;
      let bytes = 0;
      let first = 0;
      const t0 = performance.now();
      let finish!: () => void;
      const finished = new Promise<void>((r) => (finish = r));
      await consumer.start(async (batch) => {
        if (!first) first = performance.now();
        received += batch.messages.length;
        for (const m of batch.messages) bytes += m.value.length;
        if (received >= run.messages) finish();
      });
      await Promise.race([finished, consumer.done]);
      const t1 = performance.now();
      await consumer.stop();
      return { totalMs: t1 - t0, streamMs: t1 - first, bytes };
    },
  };
}
