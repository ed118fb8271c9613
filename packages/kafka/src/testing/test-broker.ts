import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startKafka, type KafkaHandle } from '@tributary/kafka-broker';

/** A real single-node broker on free ports with a throw-away data dir, for integration tests. */
export interface TestBroker {
  brokers: string[];
  /** Stops the broker, keeping its data (for restart tests). */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data. */
  restart(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

export async function startTestBroker(): Promise<TestBroker> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-kafka-test-'));
  const [port, controllerPort] = await freePorts(2);
  const start = () => startKafka({ port: port!, controllerPort: controllerPort!, dataDir, heapMb: 512 });
  let handle: KafkaHandle | null = await start();
  const brokers = handle.brokers;
  return {
    brokers,
    async stop() {
      await handle?.stop();
      handle = null;
    },
    async restart() {
      if (handle) throw new Error('broker still running');
      handle = await start();
    },
    async destroy() {
      await handle?.stop();
      handle = null;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function freePorts(n: number): Promise<number[]> {
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
  return ports;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function uniquePrefix(): string {
  return `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}.`;
}
