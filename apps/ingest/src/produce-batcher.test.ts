import { describe, expect, it } from 'vitest';
import { KafkaUnavailableError, type OutgoingMessage, type Producer } from '@tributary/kafka';
import { createProduceBatcher } from './produce-batcher.ts';

// A recording producer: this is a unit test of the batching logic, not of Kafka.
function recorder(behaviour: 'ok' | 'fail' | 'hang' = 'ok') {
  const calls: Array<{ topic: string; messages: OutgoingMessage[] }> = [];
  const producer: Producer = {
    async send(topic, messages) {
      calls.push({ topic, messages });
      if (behaviour === 'fail') throw new KafkaUnavailableError('down');
      if (behaviour === 'hang') await new Promise(() => {});
    },
    async close() {},
  };
  return { calls, producer };
}

describe('createProduceBatcher', () => {
  it('sends concurrent requests for a topic as one produce call', async () => {
    const { calls, producer } = recorder();
    const b = createProduceBatcher(producer, { lingerMs: 5, maxBatch: 1000, deliveryTimeoutMs: 1000 });
    await Promise.all([
      b.send('t', [{ value: '1' }]),
      b.send('t', [{ value: '2' }]),
      b.send('u', [{ value: '3' }]),
    ]);
    expect(calls.map((c) => [c.topic, c.messages.length])).toEqual([
      ['t', 2],
      ['u', 1],
    ]);
  });

  it('sends at once when the batch is full', async () => {
    const { calls, producer } = recorder();
    const b = createProduceBatcher(producer, { lingerMs: 10_000, maxBatch: 2, deliveryTimeoutMs: 1000 });
    await b.send('t', [{ value: '1' }, { value: '2' }]);
    expect(calls).toHaveLength(1);
  });

  it('rejects every waiter of a failed send', async () => {
    const { producer } = recorder('fail');
    const b = createProduceBatcher(producer, { lingerMs: 1, maxBatch: 10, deliveryTimeoutMs: 1000 });
    const results = await Promise.allSettled([b.send('t', [{ value: '1' }]), b.send('t', [{ value: '2' }])]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });

  it('gives up after the delivery timeout with KafkaUnavailableError', async () => {
    const { producer } = recorder('hang');
    const b = createProduceBatcher(producer, { lingerMs: 0, maxBatch: 10, deliveryTimeoutMs: 50 });
    await expect(b.send('t', [{ value: '1' }])).rejects.toBeInstanceOf(KafkaUnavailableError);
  });
});
