import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { KAFKA_VERSION, probeMetadata, startKafka, type KafkaHandle } from './index.ts';

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
  const [port, controllerPort] = await freePorts(2);
  const broker = await startKafka({ port, controllerPort, dataDir, heapMb: 512 });
  handles.push(broker);
  expect((await probeMetadata('127.0.0.1', port)).clusterId).toBe('-AbCdEfGhIjKlMnOpQrStU');
  await broker.stop();
});

it('starts, refuses a taken port, stops, and starts again on the same data', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-broker-test-'));
  dirs.push(dataDir);
  const [port, controllerPort, otherController] = await freePorts(3);

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

async function freePorts(n: number): Promise<[number, number, number]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const s = net.createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports as [number, number, number];
}
