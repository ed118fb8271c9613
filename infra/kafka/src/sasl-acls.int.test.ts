import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicNames, topicSpecs } from '@tributary/contracts';
import { probeMetadata, startKafka, type KafkaHandle } from './index.ts';
// NOTE: by path, not as packages: @tributary/kafka and @tributary/testing depend on this one.
import { freePorts } from '../../../packages/testing/src/ports.ts';
import {
  createAdmin,
  createBatchConsumer,
  createProducer,
  describeError,
  principalName,
  SERVICE_PRINCIPALS,
  serviceAcls,
  type Admin,
  type KafkaSasl,
  type Producer,
} from '../../../packages/kafka/src/index.ts';

// The broker as `npm start` runs it: SCRAM users, the admin a super user, the services limited
// to serviceAcls(). Every refusal below is the broker's own answer, not a client-side check.
const prefix = 'sasl.';
const group = 'sasl-workers';
const topics = topicNames(prefix);
const passwords = {
  admin: 'admin-pw-0123456789',
  ingest: 'ingest-pw-0123456789',
  workers: 'workers-pw-0123456789',
  console: 'console-pw-0123456789',
  jobs: 'jobs-pw-0123456789',
};
const as = (user: keyof typeof passwords, password = passwords[user]): KafkaSasl => ({
  mechanism: 'SCRAM-SHA-256',
  username: user,
  password,
});

let dataDir: string;
let port: number;
let controllerPort: number;
let broker: KafkaHandle;
let brokers: string[];
let admin: Admin;
const producers: Producer[] = [];

function producer(sasl?: KafkaSasl): Producer {
  const p = createProducer({
    brokers,
    clientId: `sasl-it-${sasl?.username ?? 'anonymous'}`,
    sasl,
    deliveryTimeoutMs: 4000,
  });
  producers.push(p);
  return p;
}
const record = (value: string) => [{ key: 'k', value }];

/**
 * A send refused for its login. NOTE: the producer retries every failure until its deadline,
 * and its error names the last attempt's, which on a busy machine can be a metadata timeout
 * rather than the refused login; the broker's own log says which it was.
 */
async function refusedLogin(send: Promise<unknown>): Promise<string> {
  const logFile = path.join(dataDir, 'broker.log');
  const from = (await stat(logFile)).size;
  const err = await send.then(
    () => null,
    (e: unknown) => e,
  );
  if (err === null) return 'the send succeeded';
  if (/SASL authentication failed|Authentication failed/i.test(describeError(err))) return 'refused';
  const logged = (await readFile(logFile, 'utf8')).slice(from);
  return /Failed authentication with/.test(logged) ? 'refused' : `failed otherwise: ${describeError(err)}`;
}

async function start(users: Record<string, string>) {
  broker = await startKafka({
    port,
    controllerPort,
    dataDir,
    heapMb: 512,
    auth: { users, superUsers: ['admin'] },
  });
  brokers = broker.brokers;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-sasl-test-'));
  [port, controllerPort] = (await freePorts(2)) as [number, number];
  await start(passwords);
  admin = createAdmin({ brokers, clientId: 'sasl-it-admin', sasl: as('admin') });
  await admin.ensureTopics(topicSpecs(prefix));
  await admin.syncAcls(
    SERVICE_PRINCIPALS.map(principalName),
    serviceAcls({ topicPrefix: prefix, consumerGroup: group }),
  );
});

afterAll(async () => {
  await Promise.allSettled(producers.map((p) => p.close()));
  await admin?.close();
  await broker?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('authentication', () => {
  it('refuses a client that does not log in', async () => {
    await expect(producer().send(topics.events, record('anonymous'))).rejects.toThrow(/did not acknowledge/);
    // The raw readiness request without SASL: the broker closes the connection.
    await expect(probeMetadata('127.0.0.1', port)).rejects.toThrow(/closed before a metadata answer/);
  });

  it('refuses a wrong password with an authentication error', async () => {
    expect(
      await refusedLogin(
        producer(as('ingest', 'not-the-password')).send(topics.events, record('wrong password')),
      ),
    ).toBe('refused');
  });

  it('keeps the broker password out of reach: server.properties is 0600', async () => {
    expect((await stat(path.join(dataDir, 'server.properties'))).mode & 0o777).toBe(0o600);
  });
});

describe('authorization', () => {
  it('lets ingest write events and dead letters (idempotent, without cluster IDEMPOTENT_WRITE)', async () => {
    const ingest = producer(as('ingest'));
    await ingest.send(topics.events, record('from ingest'));
    await ingest.send(topics.deadLetters, record('rejected by ingest'));
  });

  it('refuses ingest on the control topic with an authorization error', async () => {
    const err = await producer(as('ingest'))
      .send(topics.control, record('forged revision'))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(describeError(err)).toMatch(/TOPIC_AUTHORIZATION_FAILED|not authorized/i);
  });

  it('lets the console write control records, and the jobs service replays and failed replays', async () => {
    const console = producer(as('console'));
    await console.send(topics.control, record('subject:page_view'));
    const jobs = producer(as('jobs'));
    await jobs.send(topics.events, record('replayed'));
    await jobs.send(topics.deadLetters, record('failed again'));
  });

  it('refuses the console on the events topic (it queues replays; the jobs service sends them)', async () => {
    const err = await producer(as('console'))
      .send(topics.events, record('forged event'))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(describeError(err)).toMatch(/TOPIC_AUTHORIZATION_FAILED|not authorized/i);
  });

  it('refuses the workers on the events topic; they write only dead letters', async () => {
    const workers = producer(as('workers'));
    const err = await workers.send(topics.events, record('forged event')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(describeError(err)).toMatch(/TOPIC_AUTHORIZATION_FAILED|not authorized/i);
    await workers.send(topics.deadLetters, record('pipeline failure'));
  });

  it('lets each consumer read its topics with its own groups', async () => {
    const read = async (sasl: KafkaSasl, groupId: string, topic: string) => {
      const consumer = createBatchConsumer({
        brokers,
        clientId: `sasl-it-${groupId}`,
        groupId,
        topics: [topic],
        sasl,
        maxWaitMs: 200,
      });
      const values: string[] = [];
      let resolveFirst!: () => void;
      const first = new Promise<void>((r) => (resolveFirst = r));
      await consumer.start(async (batch) => {
        values.push(...batch.messages.map((m) => m.value.toString()));
        resolveFirst();
      });
      await first;
      await consumer.stop();
      return values;
    };
    expect(await read(as('workers'), group, topics.events)).toContain('from ingest');
    expect(await read(as('workers'), `${group}-dead-letters`, topics.deadLetters)).toContain(
      'rejected by ingest',
    );
    expect(await read(as('ingest'), 'tributary-ingest-control-1234', topics.control)).toContain(
      'subject:page_view',
    );
  });

  it('syncAcls is idempotent and removes a grant that is no longer wanted', async () => {
    const wanted = serviceAcls({ topicPrefix: prefix, consumerGroup: group });
    expect(await admin.syncAcls(SERVICE_PRINCIPALS.map(principalName), wanted)).toEqual({
      created: 0,
      deleted: 0,
    });
    const extra = { ...wanted[0]!, resourceName: topics.control };
    expect(await admin.syncAcls(SERVICE_PRINCIPALS.map(principalName), [...wanted, extra])).toEqual({
      created: 1,
      deleted: 0,
    });
    // The broker shows a new grant a moment after creating it (its ACL metadata propagates):
    // once syncing the same list again creates nothing, the grant is there to be removed.
    const principals = SERVICE_PRINCIPALS.map(principalName);
    const deadline = Date.now() + 30_000;
    while ((await admin.syncAcls(principals, [...wanted, extra])).created !== 0) {
      if (Date.now() > deadline) throw new Error('the created grant never showed');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await admin.syncAcls(principals, wanted)).toEqual({
      created: 0,
      deleted: 1,
    });
  });
});

describe('a reused data dir', () => {
  it('takes the passwords given at this start (rotated, or a dir formatted before auth)', async () => {
    await Promise.allSettled(producers.splice(0).map((p) => p.close()));
    await admin.close();
    await broker.stop();
    await start({ ...passwords, ingest: 'rotated-ingest-pw-0123' });
    admin = createAdmin({ brokers, clientId: 'sasl-it-admin', sasl: as('admin') });
    await producer(as('ingest', 'rotated-ingest-pw-0123')).send(topics.events, record('after rotation'));
    expect(await refusedLogin(producer(as('ingest')).send(topics.events, record('old password')))).toBe(
      'refused',
    );
  });
});
