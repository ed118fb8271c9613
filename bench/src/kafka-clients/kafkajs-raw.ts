import { Kafka, logLevel } from 'kafkajs';
import type { ClientBench, ConsumeRun, ProduceRun } from './types.ts';

/** kafkajs 2.2.4, used directly (it is only a candidate here, not the transport). */
export const kafkajsBench: ClientBench = {
  name: 'kafkajs@2.2.4',

  async createTopic(brokers, topic, partitions) {
    const admin = new Kafka({ brokers, clientId: 'bench-kafkajs-admin', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
  },

  async deleteTopic(brokers, topic) {
    const admin = new Kafka({ brokers, clientId: 'bench-kafkajs-admin', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  },

  async produce(run: ProduceRun) {
    const kafka = new Kafka({ brokers: run.brokers, clientId: 'bench-kafkajs', logLevel: logLevel.NOTHING });
    // NOTE: kafkajs' idempotent producer needs one request in flight, else sequence errors.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const t0 = performance.now();
      for (const batch of run.batches) {
        const messages = batch.map((m) => ({ key: m.key, value: m.value, headers: m.headers }));
        await producer.send({ topic: run.topic, acks: -1, messages });
      }
      return performance.now() - t0;
    } finally {
      await producer.disconnect();
    }
  },

  async consume(run: ConsumeRun) {
    const kafka = new Kafka({ brokers: run.brokers, clientId: 'bench-kafkajs', logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({
      groupId: run.groupId,
      maxBytesPerPartition: 4 << 20,
      maxBytes: 16 << 20,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: run.topic, fromBeginning: true });
    let received = 0;
    let bytes = 0;
    let first = 0;
    const t0 = performance.now();
    const finished = new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
            if (batch.messages.length === 0) return;
            if (!first) first = performance.now();
            for (const m of batch.messages) bytes += m.value?.length ?? 0;
            received += batch.messages.length;
            const last = batch.lastOffset();
            resolveOffset(last);
            await consumer.commitOffsets([
              { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
            ]);
            await heartbeat();
            if (received >= run.messages) resolve();
          },
        })
        .catch(reject);
    });
    try {
      await finished;
      const t1 = performance.now();
      return { totalMs: t1 - t0, streamMs: t1 - first, bytes };
    } finally {
      await consumer.disconnect();
    }
  },
};
