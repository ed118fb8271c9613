import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Consumer as PltConsumer } from '@platformatic/kafka';
import { installClientGuards, MISSING_BROKER_MESSAGE } from './client-guards.ts';
import {
  createAdmin,
  createBatchConsumer,
  createProducer,
  type Admin,
  type IncomingMessage,
} from './index.ts';
import { eventually, startTestBroker, uniquePrefix, type TestBroker } from '@tributary/testing';

const waitFor = <T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000) =>
  eventually(check, timeoutMs, { what });

let broker: TestBroker;
let admin: Admin;
const prefix = uniquePrefix();

beforeAll(async () => {
  broker = await startTestBroker();
  admin = createAdmin({ brokers: broker.brokers, sasl: broker.sasl, clientId: 'resilience-admin' });
}, 120_000);

afterAll(async () => {
  await admin?.close();
  await broker?.destroy();
}, 60_000);

async function topicWith(name: string, partitions: number, values: string[]) {
  const topic = `${prefix}${name}`;
  await admin.ensureTopics([{ name: topic, partitions, config: {} }]);
  const producer = createProducer({
    brokers: broker.brokers,
    sasl: broker.sasl,
    clientId: `${name}-producer`,
  });
  // Keys spread the messages over the partitions.
  await producer.send(
    topic,
    values.map((v) => ({ key: v, value: v })),
  );
  await producer.close();
  return topic;
}

const values = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

describe('the @platformatic/kafka consumer bug (kafka-client-consumer-bug.md)', () => {
  it('a group operation during a broker shutdown gets an error instead of crashing the process', async () => {
    installClientGuards();
    const topic = await topicWith('fenced', 1, ['x']);
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    const reasons = new Set<string>();
    let cycles = 0;
    try {
      // A shutting-down broker is fenced before it closes its listener: for a few ms its
      // Metadata lists no brokers. Group operations sent into that window, or right after a
      // metadata refresh that landed in it, looked the coordinator up in an empty map. Cycles repeat until one
      // operation hit the window; each must settle (unguarded, the cut callback chain never does).
      for (; cycles < 12 && !reasons.has(MISSING_BROKER_MESSAGE); cycles++) {
        const client = new PltConsumer({
          clientId: 'fenced-probe',
          groupId: `${prefix}g-fenced`,
          bootstrapBrokers: broker.brokers,
          sasl: broker.sasl,
          metadataMaxAge: 1,
          retries: 0,
        });
        const ask = () => client.listCommittedOffsets({ topics: [{ topic, partitions: [0] }] });
        await waitFor('coordinator known', async () => ((await ask()) ? true : undefined), 30_000);
        let stopped = false;
        const stopping = broker.stop().then(() => (stopped = true));
        while (!stopped) {
          await ask().catch((err: unknown) => {
            for (const e of flatten(err)) reasons.add(e);
          });
          // As the fetch loop does: refreshes the cached metadata the next group operation uses.
          await client.metadata({ topics: [topic], forceUpdate: true }).catch(() => {});
        }
        await stopping;
        await forceClose(client);
        await broker.restart();
      }
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    console.log(`broker stopped ${cycles} time(s) before a group operation met the empty metadata`);
    expect(uncaught).toEqual([]);
    expect([...reasons]).toContain(MISSING_BROKER_MESSAGE);
  }, 170_000);
});

describe('batch consumer lifecycle', () => {
  it('a handler busy for longer than the session timeout keeps its membership (heartbeats go on)', async () => {
    const topic = await topicWith('slow', 1, values(5, 'slow'));
    const groupId = `${prefix}g-slow`;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handled: string[] = [];
    let entered = 0;
    const c = createBatchConsumer({
      brokers: broker.brokers,
      sasl: broker.sasl,
      clientId: 'slow',
      groupId,
      topics: [topic],
      sessionTimeoutMs: 6000,
    });
    await c.start(async (batch, ctx) => {
      entered++;
      await gate;
      if (ctx.signal.aborted) throw new Error('aborted');
      handled.push(...batch.messages.map((m) => m.value.toString()));
    });
    await waitFor('batch in the handler', () => (entered > 0 ? true : undefined), 30_000);
    // NOTE: the handler's wait is the fault (three session timeouts), not an assertion.
    await new Promise((r) => setTimeout(r, 18_000));
    release();
    await waitFor('committed', async () =>
      (await admin.consumerLag(groupId, topic)) === 0 ? true : undefined,
    );
    expect(c.status()).toMatchObject({ state: 'joined', restarts: 0 });
    expect(handled).toEqual(values(5, 'slow'));
    expect(entered).toBe(1);
    await c.stop();
  }, 90_000);

  it('restart() closes the client and rejoins: the batch in flight is abandoned and delivered again, committed ones are not', async () => {
    const topic = await topicWith('restart', 1, values(5, 'a'));
    const groupId = `${prefix}g-restart`;
    const deliveries: Array<{ values: string[]; aborted: boolean }> = [];
    let blockNext = false;
    const c = createBatchConsumer({
      brokers: broker.brokers,
      sasl: broker.sasl,
      clientId: 'restart',
      groupId,
      topics: [topic],
    });
    await c.start(async (batch, ctx) => {
      const entry = { values: batch.messages.map((m) => m.value.toString()), aborted: false };
      deliveries.push(entry);
      if (!blockNext) return;
      // Stuck (as on a dependency that is down) until the consumer gives the batch up.
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      entry.aborted = true;
      throw new Error('given up');
    });
    await waitFor('first five committed', async () =>
      (await admin.consumerLag(groupId, topic)) === 0 ? true : undefined,
    );
    blockNext = true;
    const producer = createProducer({
      brokers: broker.brokers,
      sasl: broker.sasl,
      clientId: 'restart-producer',
    });
    await producer.send(
      topic,
      values(3, 'b').map((v) => ({ value: v })),
    );
    await waitFor('second batch in flight', () => (deliveries.length === 2 ? true : undefined));
    blockNext = false;
    c.restart('test: forced');
    await waitFor(
      'redelivered after the rebuild',
      () => (deliveries.length === 3 ? true : undefined),
      60_000,
    );
    await waitFor('all committed', async () =>
      (await admin.consumerLag(groupId, topic)) === 0 ? true : undefined,
    );
    await producer.close();
    expect(deliveries.map((d) => [d.values, d.aborted])).toEqual([
      [values(5, 'a'), false],
      [values(3, 'b'), true],
      [values(3, 'b'), false],
    ]);
    expect(c.status()).toMatchObject({ state: 'joined', restarts: 1 });
    expect(c.status().lastError).toContain('test: forced');
    await c.stop();
  }, 90_000);

  it("with onHandlerError 'rebuild', a failed batch is delivered again by a rebuilt consumer", async () => {
    const topic = await topicWith('handler-error', 1, values(4, 'h'));
    const groupId = `${prefix}g-handler-error`;
    const reconnects: string[] = [];
    let failures = 1;
    const handled: IncomingMessage[] = [];
    const c = createBatchConsumer({
      brokers: broker.brokers,
      sasl: broker.sasl,
      clientId: 'handler-error',
      groupId,
      topics: [topic],
      onHandlerError: 'rebuild',
      onReconnect: (reason) => reconnects.push(reason),
    });
    await c.start(async (batch) => {
      if (failures-- > 0) throw new Error('ClickHouse said no');
      handled.push(...batch.messages);
    });
    await waitFor('handled after the rebuild', () => (handled.length === 4 ? true : undefined), 60_000);
    await waitFor('committed', async () =>
      (await admin.consumerLag(groupId, topic)) === 0 ? true : undefined,
    );
    expect(handled.map((m) => m.value.toString())).toEqual(values(4, 'h'));
    expect(reconnects).toEqual(['batch handler failed: ClickHouse said no']);
    expect(c.status().restarts).toBe(1);
    await c.stop();
    await expect(c.done).resolves.toBeUndefined();
  }, 90_000);

  it('a partition moved to another member mid-batch aborts that batch; the new owner handles it', async () => {
    const topic = await topicWith('revoke', 2, values(40, 'r'));
    const groupId = `${prefix}g-revoke`;
    const aborts: string[] = [];
    const handled = new Map<string, number>();
    let holdA = true;
    const a = createBatchConsumer({
      brokers: broker.brokers,
      sasl: broker.sasl,
      clientId: 'revoke-a',
      groupId,
      topics: [topic],
    });
    await a.start(async (batch, ctx) => {
      // Holds its batches (a sink outage) until released or given up.
      while (holdA && !ctx.signal.aborted) await new Promise((r) => setTimeout(r, 50));
      if (ctx.signal.aborted) {
        aborts.push(String((ctx.signal.reason as Error).message));
        throw new Error('given up');
      }
      for (const m of batch.messages)
        handled.set(m.value.toString(), (handled.get(m.value.toString()) ?? 0) + 1);
    });
    await waitFor('a owns both partitions', () => (a.status().partitions === 2 ? true : undefined), 30_000);
    const b = createBatchConsumer({
      brokers: broker.brokers,
      sasl: broker.sasl,
      clientId: 'revoke-b',
      groupId,
      topics: [topic],
    });
    await b.start(async (batch) => {
      for (const m of batch.messages)
        handled.set(m.value.toString(), (handled.get(m.value.toString()) ?? 0) + 1);
    });
    await waitFor('a gave a partition up', () => (aborts.length > 0 ? true : undefined), 60_000);
    holdA = false;
    await waitFor('all handled', () => (handled.size === 40 ? true : undefined), 60_000);
    await waitFor('committed', async () =>
      (await admin.consumerLag(groupId, topic)) === 0 ? true : undefined,
    );
    expect(aborts[0]).toMatch(/was assigned to another member/);
    // Each message was handled to completion once: the revoked batch never completed on a.
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    expect(a.status().restarts).toBe(0);
    await Promise.all([a.stop(), b.stop()]);
  }, 120_000);
});

function flatten(err: unknown, out: string[] = []): string[] {
  if (err instanceof Error) {
    out.push(err.message);
    const nested = (err as { errors?: unknown[] }).errors;
    if (Array.isArray(nested)) for (const e of nested) flatten(e, out);
    if (err.cause) flatten(err.cause, out);
  }
  return out;
}

/** close(true) skips leaving the group (the broker is gone). */
async function forceClose(client: { close(force?: boolean): Promise<void> }): Promise<void> {
  await client.close(true).catch(() => {});
}
