import { Admin as PltAdmin } from '@platformatic/kafka';
import { topicNames, topicSpecs } from '@tributary/contracts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createAdmin,
  createBatchConsumer,
  createProducer,
  KafkaUnavailableError,
  type Admin,
  type Batch,
  type IncomingMessage,
} from './index.ts';
import { eventually, startTestBroker, uniquePrefix, type TestBroker } from '@tributary/testing';

let broker: { brokers: string[]; sasl?: TestBroker['sasl'] };
let own: TestBroker | null = null;
let admin: Admin;
const prefix = uniquePrefix();

beforeAll(async () => {
  // The integration run's shared broker when there is one (topics are prefixed per run), else our own.
  const shared = (inject as (key: string) => string | undefined)('kafkaBrokers');
  broker = shared ? { brokers: shared.split(',') } : (own = await startTestBroker());
  admin = createAdmin({ brokers: broker.brokers, sasl: broker.sasl, clientId: 'int-admin' });
}, 120_000);

afterAll(async () => {
  await admin?.close();
  await own?.destroy();
}, 60_000);

describe('admin', () => {
  it('ensureTopics creates the platform topics once and leaves them alone after', async () => {
    const specs = topicSpecs(prefix);
    await admin.ensureTopics(specs);
    await admin.ensureTopics(specs);
    const names = topicNames(prefix);
    expect(await admin.listTopics()).toEqual(
      expect.arrayContaining([names.events, names.deadLetters, names.control]),
    );

    const raw = new PltAdmin({
      clientId: 'int-describe',
      bootstrapBrokers: broker.brokers,
      sasl: broker.sasl,
    });
    try {
      const described = await raw.describeConfigs({
        resources: [{ resourceType: 2, resourceName: names.control, configurationKeys: ['cleanup.policy'] }],
      });
      const entry = described[0]?.configs.find((c) => c.name === 'cleanup.policy');
      expect(entry?.value).toBe('compact');
      const meta = await raw.metadata({ topics: [names.events] });
      expect(meta.topics.get(names.events)?.partitionsCount).toBe(6);
    } finally {
      await raw.close();
    }
  }, 60_000);

  it('deleteTopics removes topics and ignores ones that do not exist', async () => {
    const name = `${prefix}to-delete`;
    await admin.ensureTopics([{ name, partitions: 1, config: {} }]);
    await admin.deleteTopics([name, `${prefix}never-existed`]);
    await eventually(async () => ((await admin.listTopics()).includes(name) ? undefined : true), 20_000, {
      what: 'topic gone',
    });
  }, 60_000);
});

describe('producer and batch consumer', () => {
  it('round-trips keys, values and headers, in order per partition', async () => {
    const topic = `${prefix}roundtrip`;
    await admin.ensureTopics([{ name: topic, partitions: 3, config: {} }]);
    const producer = createProducer({ brokers: broker.brokers, sasl: broker.sasl, clientId: 'int-producer' });
    const sent = Array.from({ length: 30 }, (_, i) => ({
      key: `user-${i % 5}`,
      value: JSON.stringify({ n: i }),
      headers: { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, 'tributary-source': 'int' },
    }));
    await producer.send(topic, sent.slice(0, 10));
    // Concurrent callers: merged into serial requests (the client breaks on concurrent idempotent sends).
    await Promise.all(sent.slice(10).map((m) => producer.send(topic, [m])));
    await producer.close();

    const received: IncomingMessage[] = [];
    const batches: Batch[] = [];
    const consumer = createBatchConsumer({
      brokers: broker.brokers,
      sasl: broker.sasl,
      clientId: 'int-consumer',
      groupId: `${prefix}g-roundtrip`,
      topics: [topic],
    });
    await consumer.start(async (batch) => {
      batches.push(batch);
      received.push(...batch.messages);
    });
    await eventually(() => (received.length >= sent.length ? true : undefined), 20_000, {
      what: 'all messages',
    });
    await consumer.stop();
    await consumer.done;

    expect(received).toHaveLength(sent.length);
    const byN = new Map(received.map((m) => [JSON.parse(m.value.toString()).n as number, m]));
    for (let i = 0; i < sent.length; i++) {
      const m = byN.get(i);
      expect(m?.key).toBe(sent[i]!.key);
      expect(m?.headers).toEqual(sent[i]!.headers);
      expect(m?.topic).toBe(topic);
    }
    // A key always lands on one partition, and within a partition offsets strictly increase.
    for (let k = 0; k < 5; k++) {
      const parts = new Set(received.filter((m) => m.key === `user-${k}`).map((m) => m.partition));
      expect(parts.size).toBe(1);
    }
    for (const b of batches) {
      const offsets = b.messages.map((m) => BigInt(m.offset));
      expect(offsets.every((o, i) => i === 0 || o > offsets[i - 1]!)).toBe(true);
      expect(b.firstOffset).toBe(b.messages[0]!.offset);
      expect(b.lastOffset).toBe(b.messages[b.messages.length - 1]!.offset);
      expect(b.messages.every((m) => m.partition === b.partition)).toBe(true);
    }
    expect(consumer.lastActivityAt()).toBeGreaterThan(0);
    expect(await admin.consumerLag(`${prefix}g-roundtrip`, topic)).toBe(0);
  }, 60_000);

  it('commits only after the handler resolved: a failed batch is redelivered to the next member', async () => {
    const topic = `${prefix}commit`;
    const groupId = `${prefix}g-commit`;
    await admin.ensureTopics([{ name: topic, partitions: 1, config: {} }]);
    const producer = createProducer({ brokers: broker.brokers, sasl: broker.sasl, clientId: 'int-producer' });
    await producer.send(topic, [{ value: 'a' }, { value: 'b' }, { value: 'c' }]);

    const first: string[] = [];
    const a = createBatchConsumer({
      brokers: broker.brokers,
      sasl: broker.sasl,
      clientId: 'int-a',
      groupId,
      topics: [topic],
    });
    let fail = false;
    await a.start(async (batch) => {
      if (fail) throw new Error('handler exploded');
      first.push(...batch.messages.map((m) => m.value.toString()));
    });
    await eventually(() => (first.length === 3 ? true : undefined), 20_000, { what: 'first three' });
    await eventually(
      async () => ((await admin.consumerLag(groupId, topic)) === 0 ? true : undefined),
      20_000,
      { what: 'first three committed' },
    );

    fail = true;
    await producer.send(topic, [{ value: 'd' }, { value: 'e' }]);
    await expect(a.done).rejects.toThrow('handler exploded');
    expect(await admin.consumerLag(groupId, topic)).toBe(2);

    const second: IncomingMessage[] = [];
    const b = createBatchConsumer({
      brokers: broker.brokers,
      sasl: broker.sasl,
      clientId: 'int-b',
      groupId,
      topics: [topic],
    });
    await b.start(async (batch) => {
      second.push(...batch.messages);
    });
    await eventually(() => (second.length >= 2 ? true : undefined), 20_000, { what: 'redelivery' });
    await b.stop();
    await producer.close();
    expect(second.map((m) => m.value.toString())).toEqual(['d', 'e']);
    expect(second.map((m) => m.offset)).toEqual(['3', '4']);
    expect(await admin.consumerLag(groupId, topic)).toBe(0);
  }, 60_000);

  it('stop() lets the batch in flight finish and commits it', async () => {
    const topic = `${prefix}drain`;
    const groupId = `${prefix}g-drain`;
    await admin.ensureTopics([{ name: topic, partitions: 1, config: {} }]);
    const producer = createProducer({ brokers: broker.brokers, sasl: broker.sasl, clientId: 'int-producer' });
    await producer.send(topic, [{ value: '1' }, { value: '2' }]);
    await producer.close();

    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let handled = 0;
    const c = createBatchConsumer({
      brokers: broker.brokers,
      sasl: broker.sasl,
      clientId: 'int-drain',
      groupId,
      topics: [topic],
    });
    await c.start(async (batch) => {
      entered();
      await gate;
      handled += batch.messages.length;
    });
    await inHandler;
    const stopped = c.stop();
    release();
    await stopped;
    expect(handled).toBe(2);
    expect(await admin.consumerLag(groupId, topic)).toBe(0);
  }, 60_000);

  it('rejects a send to a topic that does not exist as such, not as "unavailable"', async () => {
    const producer = createProducer({
      brokers: broker.brokers,
      sasl: broker.sasl,
      clientId: 'int-producer',
      deliveryTimeoutMs: 3000,
    });
    const err = await producer.send(`${prefix}missing`, [{ value: 'x' }]).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(KafkaUnavailableError);
    expect(String(err)).toContain('Unknown topic');
    // The producer stays usable for topics that exist.
    await admin.ensureTopics([{ name: `${prefix}exists`, partitions: 1, config: {} }]);
    await producer.send(`${prefix}exists`, [{ value: 'y' }]);
    await producer.close();
  }, 30_000);
});
