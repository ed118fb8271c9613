import { createClusterAdmin, kafkaSaslFromEnv, type ClusterAdmin } from '@tributary/kafka';
import { env } from '../../env.ts';

// Kept on globalThis so dev-mode hot reloads reuse the client instead of leaking connections.
const holder = globalThis as unknown as { tributaryClusterAdmin?: ClusterAdmin };

/** The console's cluster admin (topics, groups, lag), created on first use, never at import time. */
export function getClusterAdmin(): ClusterAdmin {
  holder.tributaryClusterAdmin ??= createClusterAdmin({
    brokers: env.KAFKA_BROKERS.split(',').map((b) => b.trim()),
    sasl: kafkaSaslFromEnv(env),
    clientId: 'tributary-console-cluster',
  });
  return holder.tributaryClusterAdmin;
}

export async function closeClusterAdmin(): Promise<void> {
  const a = holder.tributaryClusterAdmin;
  holder.tributaryClusterAdmin = undefined;
  await a?.close();
}
