import { TributaryError } from '@tributary/contracts';
import { describeError, hasProtocolError } from '@tributary/kafka';

const INVALID = [
  'INVALID_PARTITIONS',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_REPLICA_ASSIGNMENT',
  'INVALID_CONFIG',
  'INVALID_TOPIC_EXCEPTION',
  'POLICY_VIOLATION',
  'INVALID_REQUEST',
];
const DENIED = ['TOPIC_AUTHORIZATION_FAILED', 'GROUP_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED'];

/**
 * The broker's refusals in the console's vocabulary (a 400/403/404/409 with the broker's words),
 * so "replication factor larger than the brokers" reads as a bad request, not a server fault.
 * Anything else (unreachable, timeouts) goes on to the shared classifier.
 */
export function asKafkaRefusal(err: unknown, subject: string): unknown {
  if (err instanceof TributaryError) return err;
  const why = describeError(err);
  if (hasProtocolError(err, 'TOPIC_ALREADY_EXISTS'))
    return new TributaryError('conflict', `topic ${subject} already exists`);
  if (hasProtocolError(err, 'UNKNOWN_TOPIC_OR_PARTITION'))
    return new TributaryError('not_found', `topic ${subject} does not exist`);
  if (hasProtocolError(err, 'GROUP_ID_NOT_FOUND'))
    return new TributaryError('not_found', `consumer group ${subject} does not exist`);
  if (hasProtocolError(err, 'NON_EMPTY_GROUP'))
    return new TributaryError('conflict', `consumer group ${subject} has active members: ${why}`);
  if (INVALID.some((code) => hasProtocolError(err, code)))
    return new TributaryError('bad_request', `Kafka refused the change to ${subject}: ${why}`);
  if (DENIED.some((code) => hasProtocolError(err, code)))
    return new TributaryError(
      'forbidden',
      `the console's Kafka principal may not do this on ${subject} (see docs/decisions/topics-and-lag.md for its ACLs): ${why}`,
    );
  return err;
}

export async function refusalsOf<T>(subject: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asKafkaRefusal(err, subject);
  }
}
