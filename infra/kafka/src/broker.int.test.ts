import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { KAFKA_VERSION, probeMetadata, startKafka, type KafkaHandle } from './index.ts';
// NOTE: by path, not as @tributary/testing: that package depends on this one (its test broker),
// and a dependency back would make the workspace graph cyclic.
import { freePorts } from '../../../packages/testing/src/ports.ts';

const dirs: string[] = [];
const handles: KafkaHandle[] = [];

afterAll(async () => {
  await Promise.allSettled(handles.map((h) => h.stop()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

it("formats storage for a cluster id that starts with '-' (1 in 64 random ids do)", async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-broker-test-'));
  dirs.push(dataDir);
  await writeFile(
    path.join(dataDir, 'tributary-broker.json'),
    JSON.stringify({ clusterId: '-AbCdEfGhIjKlMnOpQrStU', nodeId: 1, kafkaVersion: KAFKA_VERSION }),
  );
  const [port, controllerPort] = (await freePorts(2)) as [number, number];
  const broker = await startKafka({ port, controllerPort, dataDir, heapMb: 512 });
  handles.push(broker);
  expect((await probeMetadata('127.0.0.1', port)).clusterId).toBe('-AbCdEfGhIjKlMnOpQrStU');
  await broker.stop();
});

it('starts, refuses a taken port, stops, and starts again on the same data', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-broker-test-'));
  dirs.push(dataDir);
  const [port, controllerPort, otherController] = (await freePorts(3)) as [number, number, number];

  const first = await startKafka({ port, controllerPort, dataDir, heapMb: 512 });
  handles.push(first);
  expect(first.brokers).toEqual([`127.0.0.1:${port}`]);
  const meta = await probeMetadata('127.0.0.1', port);
  expect(meta.clusterId).toBe(first.clusterId);
  expect(meta.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port }]);

  await expect(
    startKafka({ port, controllerPort: otherController, dataDir: `${dataDir}-other` }),
  ).rejects.toThrow(/is not free/);

  await first.stop();
  expect((await first.exited).code).not.toBeNull();

  const second = await startKafka({ port, controllerPort, dataDir, heapMb: 512 });
  handles.push(second);
  expect(second.clusterId).toBe(first.clusterId);
  expect(await readFile(second.logFile, 'utf8')).toContain('Kafka Server started');
  await second.stop();
});
