import { Admin, Consumer, ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import type { ClientBench, ConsumeRun, ProduceRun } from './types.ts';

/** @platformatic/kafka 1.35.0, used directly. */
export const platformaticBench: ClientBench = {
  name: '@platformatic/kafka@1.35.0',

  async createTopic(brokers, topic, partitions) {
    const admin = new Admin({ clientId: 'bench-platformatic-admin', bootstrapBrokers: brokers });
    try {
      await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
    } finally {
      await admin.close();
    }
  },

  async deleteTopic(brokers, topic) {
    const admin = new Admin({ clientId: 'bench-platformatic-admin', bootstrapBrokers: brokers });
    try {
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.close();
    }
  },

  async produce(run: ProduceRun) {
    const producer = new Producer({
      clientId: 'bench-platformatic',
      bootstrapBrokers: run.brokers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      serializers: {
        key: stringSerializers.key,
        headerKey: stringSerializers.headerKey,
        headerValue: stringSerializers.headerValue,
      },
    });
    try {
      const t0 = performance.now();
      for (const batch of run.batches) {
        const messages = batch.map((m) => ({
          topic: run.topic,
          key: m.key,
          value: m.value,
          headers: m.headers,
        }));
        await producer.send({ messages });
      }
      return performance.now() - t0;
    } finally {
      await producer.close();
    }
  },

  async consume(run: ConsumeRun) {
    const consumer = new Consumer({
      clientId: 'bench-platformatic',
      groupId: run.groupId,
      bootstrapBrokers: run.brokers,
      maxBytesPerPartition: 4 << 20,
      maxBytes: 16 << 20,
    });
    const t0 = performance.now();
    let first = 0;
    let received = 0;
    let bytes = 0;
    try {
      const stream = await consumer.consume({
        topics: [run.topic],
        mode: 'committed',
        fallbackMode: 'earliest',
        autocommit: false,
      });
      // Commit once per fetched chunk per partition, the same cadence as the kafkajs batch loop.
      const pending = new Map<number, bigint>();
      for await (const m of stream) {
        if (!first) first = performance.now();
        received++;
        bytes += m.value.length;
        pending.set(m.partition, m.offset + 1n);
        if (stream.readableLength === 0 || received >= run.messages) {
          await consumer.commit({
            offsets: [...pending].map(([partition, offset]) => ({
              topic: run.topic,
              partition,
              offset,
              leaderEpoch: -1,
            })),
          });
          pending.clear();
        }
        if (received >= run.messages) break;
      }
      const t1 = performance.now();
      return { totalMs: t1 - t0, streamMs: t1 - first, bytes };
    } finally {
      await consumer.close(true);
    }
  },
};
