import { Connection, ConnectionPool, NetworkError, type Broker } from '@platformatic/kafka';

/**
 * Workaround for a crash in @platformatic/kafka 1.35.0 (docs/decisions/kafka-client-consumer-bug.md).
 *
 * Every group operation of the consumer (heartbeat, join, sync, commit, offset fetch) looks its
 * cached coordinator id up in freshly fetched metadata and passes the result to
 * `ConnectionPool.get` unchecked: `this[kGetConnection](metadata.brokers.get(coordinatorId), …)`
 * (consumer.js:1202). A broker that is fenced — during its controlled shutdown, or for a moment
 * after a stall longer than `broker.session.timeout.ms` — answers Metadata with an empty broker
 * list, `get(undefined)` reads `broker.host`, and the TypeError is thrown inside the socket's
 * `data` handler: nobody can catch it, and it ends the process as an uncaught exception.
 *
 * The guard makes the pool answer a missing broker the way it answers an unreachable one: with a
 * retriable NetworkError to the operation's callback. The operation then fails like any other
 * connection problem, which the transport handles (the consumer is rebuilt, the producer
 * replaces its client). It patches the prototype, so it covers every client in the process.
 *
 * NOTE: written against 1.35.0 (pinned). Remove it once upstream checks the lookup.
 */
let installed = false;

export function installClientGuards(): void {
  if (installed) return;
  installed = true;
  const proto = ConnectionPool.prototype as unknown as PoolMethods;
  const get = proto.get;
  const has = proto.has;
  const getEstablishedConnection = proto.getEstablishedConnection;
  proto.get = function guardedGet(this: ConnectionPool, broker, callback) {
    if (isBroker(broker)) return get.call(this, broker, callback);
    const error = missingBroker();
    if (callback) {
      callback(error);
      return undefined;
    }
    return Promise.reject(error);
  };
  proto.has = function guardedHas(this: ConnectionPool, broker) {
    return isBroker(broker) && has.call(this, broker);
  };
  proto.getEstablishedConnection = function guardedGetEstablished(this: ConnectionPool, broker) {
    return isBroker(broker) ? getEstablishedConnection.call(this, broker) : undefined;
  };
  // NOTE: a connection whose SASL handshake is cut (the broker shutting down mid-login) emits
  // 'error' ("Cannot find a suitable SASL mechanism") after its connect callback has settled and
  // its listener is gone; an 'error' event nobody listens to is thrown, and ended the process
  // (seen in consumer-resilience.int.test.ts once the brokers ran SASL). The connection closes
  // itself right after; the operations waiting on it fail with the close.
  const connProto = Connection.prototype as unknown as {
    emit(event: string | symbol, ...args: unknown[]): boolean;
  };
  const emit = connProto.emit;
  connProto.emit = function guardedEmit(this: Connection, event, ...args) {
    if (event === 'error' && this.listenerCount('error') === 0) return false;
    return emit.call(this, event, ...args);
  };
}

/** Raised instead of the library's TypeError; `code` lets logs and tests recognise it. */
export const MISSING_BROKER_MESSAGE =
  'Broker is not in the cluster metadata (fenced, shutting down or gone).';

function missingBroker(): Error {
  return new NetworkError(MISSING_BROKER_MESSAGE, { missingBroker: true });
}

function isBroker(b: unknown): b is Broker {
  return typeof b === 'object' && b !== null && typeof (b as Broker).host === 'string';
}

type Callback = (error: Error | null, connection?: Connection) => void;
interface PoolMethods {
  get(this: ConnectionPool, broker: unknown, callback?: Callback): Promise<Connection> | undefined;
  has(this: ConnectionPool, broker: unknown): boolean;
  getEstablishedConnection(this: ConnectionPool, broker: unknown): Connection | undefined;
}
