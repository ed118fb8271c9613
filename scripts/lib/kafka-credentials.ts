// Who talks to the Kafka broker started by `npm start`: one SCRAM principal per role, passwords
// made once and kept in the state directory (0600), so restarts and `npm start` run twice agree.
// The broker is given them at every start (infra/kafka), so a regenerated file takes effect.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ADMIN_PRINCIPAL, SERVICE_PRINCIPALS, type KafkaSasl } from '@tributary/kafka';

export const KAFKA_ROLES = [ADMIN_PRINCIPAL, ...SERVICE_PRINCIPALS] as const;
export type KafkaRole = (typeof KAFKA_ROLES)[number];
export type KafkaCredentials = Record<KafkaRole, KafkaSasl>;

export const KAFKA_SASL_MECHANISM = 'SCRAM-SHA-256' as const;

const stored = z.object(
  Object.fromEntries(KAFKA_ROLES.map((r) => [r, z.string().regex(/^[A-Za-z0-9_-]{16,}$/)])) as Record<
    KafkaRole,
    z.ZodString
  >,
);

export function ensureKafkaCredentials(stateDir: string): KafkaCredentials {
  const file = join(stateDir, 'kafka-credentials.json');
  let passwords: Record<KafkaRole, string> | undefined;
  if (existsSync(file)) {
    const parsed = stored.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) passwords = parsed.data;
  }
  if (!passwords) {
    passwords = Object.fromEntries(
      KAFKA_ROLES.map((r) => [r, randomBytes(18).toString('base64url')]),
    ) as Record<KafkaRole, string>;
    writeFileSync(file, JSON.stringify(passwords, null, 2), { mode: 0o600 });
  }
  const p = passwords;
  return Object.fromEntries(
    KAFKA_ROLES.map((r) => [r, { mechanism: KAFKA_SASL_MECHANISM, username: r, password: p[r] }]),
  ) as KafkaCredentials;
}

/** The broker's SCRAM users (name → password) for startKafka's `auth`. */
export function scramUsers(c: KafkaCredentials): Record<string, string> {
  return Object.fromEntries(KAFKA_ROLES.map((r) => [c[r].username, c[r].password]));
}

/** A service's KAFKA_SASL_* variables. */
export function kafkaSaslEnv(c: KafkaCredentials | null, role: KafkaRole): Record<string, string> {
  const s = c?.[role];
  return s
    ? { KAFKA_SASL_MECHANISM: s.mechanism, KAFKA_SASL_USERNAME: s.username, KAFKA_SASL_PASSWORD: s.password }
    : {};
}
