import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { kafkaSaslFromEnv } from '@tributary/kafka';
import { ensureKafkaCredentials, kafkaSaslEnv, scramUsers } from './kafka-credentials.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kafka-credentials-'));
  dirs.push(d);
  return d;
};

it('makes one password per principal once, in a 0600 file, and reads them back', () => {
  const d = dir();
  const first = ensureKafkaCredentials(d);
  expect(Object.keys(first).sort()).toEqual(['admin', 'console', 'ingest', 'jobs', 'workers']);
  expect(new Set(Object.values(first).map((c) => c.password)).size).toBe(5);
  expect(statSync(join(d, 'kafka-credentials.json')).mode & 0o777).toBe(0o600);
  expect(ensureKafkaCredentials(d)).toEqual(first);
  expect(scramUsers(first)).toEqual(
    Object.fromEntries(Object.values(first).map((c) => [c.username, c.password])),
  );
});

it('replaces a file it cannot read as credentials', () => {
  const d = dir();
  writeFileSync(join(d, 'kafka-credentials.json'), '{"admin":"short"}');
  expect(ensureKafkaCredentials(d).admin.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
});

it('keeps the passwords it has when a newer version adds a principal', () => {
  const d = dir();
  const first = ensureKafkaCredentials(d);
  const file = join(d, 'kafka-credentials.json');
  const { jobs: _added, ...older } = Object.fromEntries(
    Object.entries(first).map(([r, c]) => [r, c.password]),
  );
  writeFileSync(file, JSON.stringify(older));
  const upgraded = ensureKafkaCredentials(d);
  expect(upgraded.admin).toEqual(first.admin);
  expect(upgraded.console).toEqual(first.console);
  expect(upgraded.jobs.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  expect(upgraded.jobs.password).not.toBe(first.jobs.password);
  // Written back: the next start reads the same.
  expect(ensureKafkaCredentials(d)).toEqual(upgraded);
});

it('hands each app its own login, which the apps parse back', () => {
  const c = ensureKafkaCredentials(dir());
  const env = kafkaSaslEnv(c, 'ingest');
  expect(kafkaSaslFromEnv(env as Parameters<typeof kafkaSaslFromEnv>[0])).toEqual(c.ingest);
  expect(kafkaSaslEnv(null, 'ingest')).toEqual({});
  expect(kafkaSaslFromEnv({})).toBeUndefined();
  expect(() => kafkaSaslFromEnv({ KAFKA_SASL_USERNAME: 'ingest' })).toThrow(/set together/);
});
