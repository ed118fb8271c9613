import { createAdmin, createProducer, kafkaSaslFromEnv, type Admin, type Producer } from '@tributary/kafka';
import { env } from '../env.ts';

// Kept on globalThis so dev-mode hot reloads reuse the clients instead of leaking connections.
const holder = globalThis as unknown as {
  tributaryConsoleProducer?: Producer;
  tributaryConsoleAdmin?: Admin;
};

const brokers = () => env.KAFKA_BROKERS.split(',').map((b) => b.trim());

/**
 * One Kafka producer per server process (control-topic changes and dead-letter replays),
 * created on first use, never at import time.
 */
export function getProducer(): Producer {
  holder.tributaryConsoleProducer ??= createProducer({
    brokers: brokers(),
    sasl: kafkaSaslFromEnv(env),
    clientId: 'tributary-console',
    deliveryTimeoutMs: 5000,
  });
  return holder.tributaryConsoleProducer;
}

export function getAdmin(): Admin {
  holder.tributaryConsoleAdmin ??= createAdmin({
    brokers: brokers(),
    sasl: kafkaSaslFromEnv(env),
    clientId: 'tributary-console-admin',
  });
  return holder.tributaryConsoleAdmin;
}

/** For tests and shutdown: flushes and closes what was created. */
export async function closeKafkaClients(): Promise<void> {
  const { tributaryConsoleProducer: p, tributaryConsoleAdmin: a } = holder;
  holder.tributaryConsoleProducer = undefined;
  holder.tributaryConsoleAdmin = undefined;
  await Promise.allSettled([p?.close(), a?.close()]);
}
