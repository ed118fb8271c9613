// The relay publishes what the outbox holds, in order, marks it, recovers what a crash left, and
// two relays never publish the same row twice (real Postgres and Kafka).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeControlHint } from '@tributary/contracts';
import { eventually } from '@tributary/testing';
import { enqueueControl } from './outbox.ts';
import { createOutboxRelay, type ControlRelayProducer } from './relay.ts';
import { controlTestbed, readTopic, testLogger, type ControlTestbed } from './test-support.int.ts';

let bed: ControlTestbed;

beforeAll(async () => {
  bed = await controlTestbed();
});

afterAll(async () => {
  await bed?.cleanup();
});

beforeEach(async () => {
  // Every test starts from an empty outbox, so "unpublished" means this test's rows.
  await bed.db.controlOutbox.deleteMany({});
});

const enqueue = (hints: Array<{ kind: 'processor' | 'lookup_table' | 'subject'; name: string }>) =>
  bed.db.$transaction((tx) => enqueueControl(tx, hints));

const unpublished = () => bed.db.controlOutbox.count({ where: { publishedAt: null } });

/** The hint keys on the topic whose name starts with `tag`, in topic order. */
async function keysOnTopic(tag: string, atLeast: number): Promise<string[]> {
  const keysOf = (all: Awaited<ReturnType<typeof readTopic>>) =>
    all.flatMap((m) => {
      const d = decodeControlHint(m.key, m.value);
      return d.ok && d.hint.name.startsWith(tag) ? [`${d.hint.kind}:${d.hint.name}`] : [];
    });
  return keysOf(await readTopic(bed.brokers, bed.topic, (all) => keysOf(all).length >= atLeast));
}

describe('outbox relay', () => {
  it('publishes unpublished rows in id order as hints and marks them published', async () => {
    const names = ['order_c', 'order_a', 'order_b', 'order_e', 'order_d'];
    for (const name of names) await enqueue([{ kind: 'processor', name }]);
    await enqueue([{ kind: 'lookup_table', name: 'order_f' }]);
    const relay = createOutboxRelay({
      db: bed.db,
      producer: bed.producer,
      topic: bed.topic,
      logger: testLogger(),
    });
    expect(await relay.drain()).toBe(6);
    expect(await unpublished()).toBe(0);
    expect(await keysOnTopic('order_', 6)).toEqual([
      ...names.map((n) => `processor:${n}`),
      'lookup_table:order_f',
    ]);
    // Nothing left: a second pass publishes nothing.
    expect(await relay.drain()).toBe(0);
    await relay.stop();
  });

  it('publishes, on its next start, what a crash between commit and publish left behind', async () => {
    // The console committed its change and died before any relay ran: rows stay unpublished.
    await enqueue([{ kind: 'processor', name: 'crash_commit' }]);
    expect(await unpublished()).toBe(1);
    const relay = createOutboxRelay({
      db: bed.db,
      producer: bed.producer,
      topic: bed.topic,
      logger: testLogger(),
      pollIntervalMs: 200,
    });
    relay.start();
    await eventually(async () => (await unpublished()) === 0, 30_000, {
      what: 'the left-over row published',
    });
    expect(await keysOnTopic('crash_commit', 1)).toEqual(['processor:crash_commit']);
    await relay.stop();
  });

  it('sends again what a crash between the send and the mark left unmarked (at least once)', async () => {
    await enqueue([{ kind: 'processor', name: 'crash_send' }]);
    // The broker took the record, then the relay's transaction died before it committed the mark.
    const dying: ControlRelayProducer = {
      async send(topic, messages) {
        await bed.producer.send(topic, messages);
        throw new Error('relay process died after the send');
      },
    };
    const logger = testLogger();
    const first = createOutboxRelay({ db: bed.db, producer: dying, topic: bed.topic, logger });
    await expect(first.drain()).rejects.toThrow('relay process died after the send');
    await first.stop();
    expect(await unpublished()).toBe(1);
    const second = createOutboxRelay({ db: bed.db, producer: bed.producer, topic: bed.topic, logger });
    expect(await second.drain()).toBe(1);
    expect(await unpublished()).toBe(0);
    // Twice on the topic: harmless, a hint only makes followers re-read Postgres.
    expect(await keysOnTopic('crash_send', 2)).toEqual(['processor:crash_send', 'processor:crash_send']);
    await second.stop();
  });

  it('lets two relays share the outbox without publishing a row twice', async () => {
    const count = 2000;
    const names = Array.from({ length: count }, (_, i) => `pair_${String(i).padStart(4, '0')}`);
    // One transaction per 100 names, like many console requests.
    for (let i = 0; i < count; i += 100) {
      await enqueue(names.slice(i, i + 100).map((name) => ({ kind: 'processor' as const, name })));
    }
    const opts = {
      db: bed.db,
      producer: bed.producer,
      topic: bed.topic,
      logger: testLogger(),
      batchSize: 50,
    };
    const a = createOutboxRelay(opts);
    const b = createOutboxRelay(opts);
    const [byA, byB] = await Promise.all([a.drain(), b.drain()]);
    expect(byA + byB).toBe(count);
    expect(await unpublished()).toBe(0);
    const keys = await keysOnTopic('pair_', count);
    expect(keys.length).toBe(count);
    expect(new Set(keys).size).toBe(count);
    // Printed, not asserted: how the work was shared depends on scheduling.
    console.log(`two relays: ${byA} and ${byB} of ${count} rows`);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('coalesces kicks made while a pass runs into one more pass', async () => {
    const relay = createOutboxRelay({
      db: bed.db,
      producer: bed.producer,
      topic: bed.topic,
      logger: testLogger(),
    });
    for (let i = 0; i < 20; i++) {
      await enqueue([{ kind: 'processor', name: `kick_${i}` }]);
      relay.kick();
    }
    await eventually(async () => (await unpublished()) === 0, 30_000, { what: 'kicked rows published' });
    await relay.stop();
    expect(new Set(await keysOnTopic('kick_', 20)).size).toBe(20);
  });
});
