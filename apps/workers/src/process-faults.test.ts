import { describe, expect, it } from 'vitest';
import { createFaultPolicy, isKafkaClientFault } from './process-faults.ts';

// The stack the workers crashed with (docs/decisions/kafka-client-consumer-bug.md).
function kafkaClientTypeError(): TypeError {
  const err = new TypeError("Cannot read properties of undefined (reading 'host')");
  err.stack = `TypeError: Cannot read properties of undefined (reading 'host')
    at #get (file:///app/node_modules/@platformatic/kafka/dist/network/connection-pool.js:98:31)
    at TracingChannel.traceCallback (node:diagnostics_channel:383:14)
    at ConnectionPool.get (file:///app/node_modules/@platformatic/kafka/dist/network/connection-pool.js:44:36)
    at file:///app/node_modules/@platformatic/kafka/dist/clients/consumer/consumer.js:1202:41
    at Socket.emit (node:events:524:28)`;
  return err;
}

describe('isKafkaClientFault', () => {
  it('recognises errors raised inside @platformatic/kafka, not ours passing through it', () => {
    expect(isKafkaClientFault(kafkaClientTypeError())).toBe(true);
    const ours = new Error('ours');
    ours.stack = `Error: ours
    at handleBatch (file:///app/apps/workers/src/events-handler.ts:10:5)
    at file:///app/node_modules/@platformatic/kafka/dist/clients/consumer/messages-stream.js:400:1`;
    expect(isKafkaClientFault(ours)).toBe(false);
    const viaNode = new Error('x');
    viaNode.stack = `Error: x
    at new NodeError (node:internal/errors:405:5)
    at file:///app/node_modules/@platformatic/kafka/dist/network/connection.js:10:1`;
    expect(isKafkaClientFault(viaNode)).toBe(true);
    expect(isKafkaClientFault('a string')).toBe(false);
    expect(isKafkaClientFault(new Error('no frames'))).toBe(false);
  });
});

describe('createFaultPolicy', () => {
  function policy() {
    let t = 0;
    const calls: string[] = [];
    const onFault = createFaultPolicy({
      restartKafka: (reason) => calls.push(`restart: ${reason.split(':')[0]}`),
      exit: (code) => calls.push(`exit ${code}`),
      log: () => {},
      maxFaults: 2,
      windowMs: 1000,
      now: () => t,
    });
    return { onFault, calls, advance: (ms: number) => (t += ms) };
  }

  it('rebuilds the consumers on a Kafka client fault, and exits when they keep coming', () => {
    const p = policy();
    expect(p.onFault('uncaughtException', kafkaClientTypeError())).toBe('restarted');
    expect(p.onFault('uncaughtException', kafkaClientTypeError())).toBe('restarted');
    expect(p.onFault('uncaughtException', kafkaClientTypeError())).toBe('exiting');
    expect(p.calls).toEqual([
      'restart: uncaughtException in the Kafka client',
      'restart: uncaughtException in the Kafka client',
      'exit 1',
    ]);
  });

  it('forgets faults older than the window', () => {
    const p = policy();
    p.onFault('uncaughtException', kafkaClientTypeError());
    p.onFault('uncaughtException', kafkaClientTypeError());
    p.advance(1500);
    expect(p.onFault('unhandledRejection', kafkaClientTypeError())).toBe('restarted');
  });

  it('exits on anything else', () => {
    const p = policy();
    expect(p.onFault('unhandledRejection', new Error('redis pipeline bug'))).toBe('exiting');
    expect(p.calls).toEqual(['exit 1']);
  });
});
