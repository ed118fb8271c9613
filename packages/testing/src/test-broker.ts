import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startKafka, type KafkaHandle } from '@tributary/kafka-broker';
import { freePorts } from './ports.ts';

/**
 * A real single-node broker on free ports with a throw-away data dir, for integration tests.
 * It runs as `npm start`'s does, with SASL/SCRAM and ACLs enforced; `sasl` logs in as its super
 * user, so pass it to every client (`{ brokers: broker.brokers, sasl: broker.sasl }`).
 */
export interface TestBroker {
  brokers: string[];
  sasl: { mechanism: 'SCRAM-SHA-256'; username: string; password: string };
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
  const sasl = {
    mechanism: 'SCRAM-SHA-256' as const,
    username: 'admin',
    password: randomBytes(18).toString('base64url'),
  };
  const start = () =>
    startKafka({
      port: port!,
      controllerPort: controllerPort!,
      dataDir,
      heapMb: 512,
      auth: { users: { [sasl.username]: sasl.password }, superUsers: [sasl.username] },
    });
  let handle: KafkaHandle | null = await start();
  const brokers = handle.brokers;
  return {
    brokers,
    sasl,
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
