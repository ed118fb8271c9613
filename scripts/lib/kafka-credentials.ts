// Who talks to the Kafka broker started by `npm start`: one SCRAM principal per role, passwords
// made once and kept in the state directory (0600), so restarts and `npm start` run twice agree.
// The broker is given them at every start (infra/kafka), so a regenerated file takes effect.
import { join } from 'node:path';
import { ADMIN_PRINCIPAL, SERVICE_PRINCIPALS, type KafkaSasl } from '@tributary/kafka';
import { ensurePasswords } from './stored-passwords.ts';

export const KAFKA_ROLES = [ADMIN_PRINCIPAL, ...SERVICE_PRINCIPALS] as const;
export type KafkaRole = (typeof KAFKA_ROLES)[number];
export type KafkaCredentials = Record<KafkaRole, KafkaSasl>;

export const KAFKA_SASL_MECHANISM = 'SCRAM-SHA-256' as const;

const PASSWORD = /^[A-Za-z0-9_-]{16,}$/;

export function ensureKafkaCredentials(stateDir: string): KafkaCredentials {
  const passwords = ensurePasswords(join(stateDir, 'kafka-credentials.json'), KAFKA_ROLES, (p) =>
    PASSWORD.test(p),
  );
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
