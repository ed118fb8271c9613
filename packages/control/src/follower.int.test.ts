// The follower reloads before it starts, hands each kind's hinted names to that kind's handler,
// skips records it cannot use, and reloads after a failed handler (real Kafka).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeControlRecord } from '@tributary/contracts';
import { eventually } from '@tributary/testing';
import { createControlFollower, type ControlFollower } from './follower.ts';
import { controlTestbed, testLogger, type ControlTestbed } from './test-support.int.ts';

let bed: ControlTestbed;
let follower: ControlFollower | undefined;

beforeAll(async () => {
  bed = await controlTestbed();
});

afterAll(async () => {
  await follower?.stop();
  await bed?.cleanup();
});

const hint = (kind: 'processor' | 'lookup_table' | 'write_keys', name: string) =>
  encodeControlRecord({ kind, name, revision: 1 });

describe('control follower', () => {
  it('dispatches hinted names by kind, survives garbage records, and reloads after a failed handler', async () => {
    const calls: Array<{ kind: string; names: string[] }> = [];
    let reloads = 0;
    let failNext = true;
    const logger = testLogger();
    follower = createControlFollower({
      brokers: bed.brokers,
      topic: bed.topic,
      clientId: 'it-control-follower',
      logger,
      handlers: {
        processor: (names) => void calls.push({ kind: 'processor', names: [...names].sort() }),
        lookup_table: (names) => {
          calls.push({ kind: 'lookup_table', names });
          if (failNext) {
            failNext = false;
            throw new Error('Postgres did not answer');
          }
        },
        // No subject handler: subject hints are ignored here.
      },
      reload: () => {
        reloads++;
        return Promise.resolve();
      },
      reloadIntervalMs: 0,
    });
    await follower.start();
    // The first reload happened before start() resolved.
    expect(reloads).toBe(1);

    await bed.producer.send(bed.topic, [
      { key: 'processor:p1', value: 'not json at all' },
      { key: 'processor:p1', value: JSON.stringify({ kind: 'processor', name: 'someone_else' }) },
      { key: 'gadget:x', value: JSON.stringify({ kind: 'gadget', name: 'x' }) },
      { key: 'processor:p1', value: '' },
      hint('processor', 'p1'),
      hint('processor', 'p2'),
      hint('processor', 'p1'),
      encodeControlRecord({ kind: 'subject', name: 'ignored_subject', revision: 1, state: null }),
    ]);
    await eventually(() => calls.some((c) => c.kind === 'processor' && c.names.includes('p2')), 30_000, {
      what: 'processor hints dispatched',
    });
    // Both hinted processors and nothing else, though garbage came between them.
    const processorNames = calls.flatMap((c) => (c.kind === 'processor' ? c.names : []));
    expect([...new Set(processorNames)].sort()).toEqual(['p1', 'p2']);
    expect(logger.warnings.filter((w) => w === 'control record ignored').length).toBe(4);

    // A handler that fails is followed by a full reload (its hint is not lost).
    await bed.producer.send(bed.topic, [hint('lookup_table', 'countries')]);
    await eventually(() => reloads >= 2, 30_000, { what: 'reload after the failed handler' });
    expect(calls.filter((c) => c.kind === 'lookup_table')).toEqual([
      { kind: 'lookup_table', names: ['countries'] },
    ]);

    // And the follower keeps going after it.
    await bed.producer.send(bed.topic, [hint('processor', 'p3')]);
    await eventually(() => calls.some((c) => c.names.includes('p3')), 30_000, {
      what: 'later hint dispatched',
    });
    expect(follower.lastActivityAt()).toBeGreaterThan(0);
  });

  it('does not start when the first reload fails', async () => {
    const failing = createControlFollower({
      brokers: bed.brokers,
      topic: bed.topic,
      clientId: 'it-control-follower-failing',
      logger: testLogger(),
      handlers: {},
      reload: () => Promise.reject(new Error('no Postgres')),
      reloadIntervalMs: 0,
    });
    await expect(failing.start()).rejects.toThrow('no Postgres');
    await failing.stop();
  });
});
