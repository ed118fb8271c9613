import { topicNames } from '@tributary/contracts';
import { publishSource, publishSubject } from '@tributary/registry';
import { env } from '../env.ts';
import { getDb } from './db.ts';
import { closeKafkaClients, getProducer } from './kafka.ts';

/**
 * Publishes a subject's current state on the control topic after a committed change, so ingest
 * applies it live. Never throws: the change is already durable in Postgres, and ingest also
 * reloads the registry from Postgres periodically, so a failed publish delays propagation but
 * does not lose it. Registering the same schema again re-publishes.
 */
export async function publishSubjectChange(subject: string): Promise<void> {
  try {
    await publishSubject(getProducer(), topicNames(env.TOPIC_PREFIX).control, getDb(), subject);
  } catch (err) {
    console.error(
      JSON.stringify({
        level: 'error',
        service: 'web',
        msg: 'could not publish schema change on the control topic',
        subject,
        err: err instanceof Error ? err.message : String(err),
      }),
    );
  }
}

/**
 * Publishes a source's current unknown-event-type policy after a committed change. Never throws,
 * for the same reason as `publishSubjectChange`.
 */
export async function publishSourceChange(source: string): Promise<void> {
  try {
    await publishSource(getProducer(), topicNames(env.TOPIC_PREFIX).control, getDb(), source);
  } catch (err) {
    console.error(
      JSON.stringify({
        level: 'error',
        service: 'web',
        msg: 'could not publish source change on the control topic',
        source,
        err: err instanceof Error ? err.message : String(err),
      }),
    );
  }
}

/** For tests and shutdown: flushes and closes the console's Kafka clients. */
export async function closeControlProducer(): Promise<void> {
  await closeKafkaClients();
}
