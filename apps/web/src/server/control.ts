import { topicNames, type ControlHint, type ControlMessage } from '@tributary/contracts';
import { createOutboxRelay, type ControlLogger, type OutboxRelay } from '@tributary/control';
import { sourceState, subjectState } from '@tributary/registry';
import { env } from '../env.ts';
import { getDb } from './db.ts';
import { closeKafkaClients, getProducer } from './kafka.ts';

// Kept on globalThis: one relay per server process, also across dev-mode hot reloads and the
// separate module instances Next builds for routes and instrumentation.
const holder = globalThis as unknown as {
  tributaryOutboxRelay?: OutboxRelay;
  tributaryOutboxRelayStarted?: boolean;
};

function line(level: string, obj: Record<string, unknown>, msg: string) {
  const out = JSON.stringify({ level, service: 'web', msg, ...obj });
  if (level === 'warn' || level === 'error') console.error(out);
  else console.log(out);
}

const logger: ControlLogger = {
  debug: () => {},
  info: (obj, msg) => line('info', obj, msg),
  warn: (obj, msg) => line('warn', obj, msg),
  error: (obj, msg) => line('error', obj, msg),
};

/**
 * Subjects and sources keep their full state in the record, so a person (or an older reader)
 * looking at the topic sees what changed. Followers never use it: they re-read Postgres.
 */
async function describe(hint: ControlHint): Promise<ControlMessage> {
  if (hint.kind === 'subject') return subjectState(getDb(), hint.name);
  if (hint.kind === 'source') return sourceState(getDb(), hint.name);
  return { kind: hint.kind, name: hint.name, revision: Date.now() * 1000 };
}

/** The process's outbox relay, created on first use (never at import time). */
export function getOutboxRelay(): OutboxRelay {
  holder.tributaryOutboxRelay ??= createOutboxRelay({
    db: getDb(),
    producer: getProducer(),
    topic: topicNames(env.TOPIC_PREFIX).control,
    logger,
    describe,
  });
  return holder.tributaryOutboxRelay;
}

/**
 * Starts publishing the control outbox from this server process (called once, from
 * instrumentation.ts): now, on every kick, and by polling for rows nobody kicked for (a console
 * that crashed between its commit and its publish, a script that wrote the registry).
 */
export function startOutboxRelay(): void {
  if (holder.tributaryOutboxRelayStarted) return;
  holder.tributaryOutboxRelayStarted = true;
  getOutboxRelay().start();
}

/**
 * Call after committing a change whose transaction enqueued control hints (every registry,
 * write-key and processor write does): the relay publishes at once instead of at its next poll.
 * Never throws and does not wait: the hint is already durable in the outbox.
 */
export function kickControl(): void {
  try {
    getOutboxRelay().kick();
  } catch (err) {
    logger.warn(
      { err: String(err) },
      'could not kick the control outbox relay; its poll publishes the change',
    );
  }
}

/** The registry wrote the subject's hint in its own transaction; this only makes it go out now. */
export async function publishSubjectChange(_subject: string): Promise<void> {
  kickControl();
  return Promise.resolve();
}

/** The registry wrote the source's hint in its own transaction; this only makes it go out now. */
export async function publishSourceChange(_source: string): Promise<void> {
  kickControl();
  return Promise.resolve();
}

/** For tests and shutdown: stops the relay, then flushes and closes the console's Kafka clients. */
export async function closeControlProducer(): Promise<void> {
  const relay = holder.tributaryOutboxRelay;
  holder.tributaryOutboxRelay = undefined;
  holder.tributaryOutboxRelayStarted = false;
  await relay?.stop();
  await closeKafkaClients();
}
