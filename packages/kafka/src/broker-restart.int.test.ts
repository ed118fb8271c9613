import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createAdmin,
  createBatchConsumer,
  createProducer,
  KafkaUnavailableError,
  type IncomingMessage,
} from './index.ts';
import { eventually, startTestBroker, uniquePrefix, type TestBroker } from '@tributary/testing';

let broker: TestBroker;
const prefix = uniquePrefix();

beforeAll(async () => {
  broker = await startTestBroker();
}, 120_000);

afterAll(async () => {
  await broker?.destroy();
}, 60_000);

it('send rejects with KafkaUnavailableError while the broker is down; producer and consumer recover after a restart', async () => {
  const topic = `${prefix}restart`;
  const groupId = `${prefix}g-restart`;
  const admin = createAdmin({ brokers: broker.brokers, sasl: broker.sasl, clientId: 'restart-admin' });
  await admin.ensureTopics([{ name: topic, partitions: 2, config: {} }]);
  await admin.close();

  const producer = createProducer({
    brokers: broker.brokers,
    sasl: broker.sasl,
    clientId: 'restart-producer',
    deliveryTimeoutMs: 3000,
  });
  const received: IncomingMessage[] = [];
  const reconnects: string[] = [];
  const consumer = createBatchConsumer({
    brokers: broker.brokers,
    sasl: broker.sasl,
    clientId: 'restart-consumer',
    groupId,
    topics: [topic],
    onReconnect: (reason) => reconnects.push(reason),
  });
  await consumer.start(async (batch) => {
    received.push(...batch.messages);
  });

  await producer.send(topic, [{ key: 'k1', value: 'before' }]);
  await eventually(() => (received.some((m) => m.value.toString() === 'before') ? true : undefined), 20_000, {
    what: 'message before restart',
  });

  await broker.stop();
  const err = await producer.send(topic, [{ key: 'k2', value: 'while-down' }]).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(KafkaUnavailableError);

  await broker.restart();
  // The producer recovers on its own: the first send after the restart may still race the
  // broker's startup, so poll until one is acknowledged.
  await eventually(
    async () => {
      await producer.send(topic, [{ key: 'k3', value: 'after' }]);
      return true;
    },
    60_000,
    { what: 'send after restart' },
  );
  await eventually(() => (received.some((m) => m.value.toString() === 'after') ? true : undefined), 60_000, {
    what: 'consumer recovered',
  });
  expect(reconnects.length).toBeGreaterThan(0);

  await consumer.stop();
  await consumer.done;
  await producer.close();
  // Acknowledged messages survived the restart exactly where they were written.
  expect(received.filter((m) => m.value.toString() === 'before')).toHaveLength(1);
}, 180_000);
