/**
 * What the workers do with an error nobody caught (docs/decisions/kafka-client-consumer-bug.md,
 * "Process-level faults").
 *
 * - Thrown from inside the Kafka client library (its socket callbacks are where its own bugs
 *   surface): the damage is confined to client objects the transport can throw away, and the
 *   transport keeps no progress inside them (offsets are committed only after durable inserts),
 *   so the Kafka clients are rebuilt in place and the process carries on. More than `maxFaults`
 *   of them within `windowMs` means rebuilding does not help: exit.
 * - Anything else (our code, the ClickHouse or Redis client, Node itself): the process state is
 *   unknown, so it exits with code 1 after a bounded graceful stop, and its supervisor
 *   (npm start's, Docker's, Kubernetes') starts it again. Exactly-once holds across the restart:
 *   uncommitted batches are redelivered and the intent/token recovery absorbs partial inserts.
 */
export type FaultKind = 'uncaughtException' | 'unhandledRejection';

export interface FaultPolicyDeps {
  /** Rebuilds the Kafka consumers (closed, recreated, rejoining the group). */
  restartKafka(reason: string): void;
  /** Stops the service and exits with `code`. */
  exit(code: number, reason: string): void;
  log(level: 'error' | 'fatal', fields: Record<string, unknown>, msg: string): void;
  maxFaults?: number;
  windowMs?: number;
  now?: () => number;
}

export function createFaultPolicy(deps: FaultPolicyDeps) {
  const maxFaults = deps.maxFaults ?? 5;
  const windowMs = deps.windowMs ?? 60_000;
  const now = deps.now ?? Date.now;
  const recent: number[] = [];

  return function onFault(kind: FaultKind, err: unknown): 'restarted' | 'exiting' {
    const fields = { kind, err: describe(err), stack: err instanceof Error ? err.stack : undefined };
    if (isKafkaClientFault(err)) {
      const t = now();
      recent.push(t);
      while (recent.length > 0 && t - recent[0]! > windowMs) recent.shift();
      if (recent.length <= maxFaults) {
        deps.log(
          'error',
          { ...fields, faults_in_window: recent.length },
          'Kafka client fault; rebuilding the consumers',
        );
        deps.restartKafka(`${kind} in the Kafka client: ${describe(err)}`);
        return 'restarted';
      }
      deps.log(
        'fatal',
        { ...fields, faults_in_window: recent.length },
        `more than ${maxFaults} Kafka client faults within ${windowMs / 1000} s; exiting for a restart`,
      );
      deps.exit(1, 'repeated Kafka client faults');
      return 'exiting';
    }
    deps.log('fatal', fields, `${kind}; exiting for a restart`);
    deps.exit(1, kind);
    return 'exiting';
  };
}

/**
 * True when the error was raised inside @platformatic/kafka: the first stack frame that is not
 * Node's own is in the library. An error of ours that merely passed through a library callback
 * does not qualify.
 */
export function isKafkaClientFault(err: unknown): boolean {
  if (!(err instanceof Error) || typeof err.stack !== 'string') return false;
  const frame = err.stack
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('at '))
    .find((l) => !/\(node:|^at node:/.test(l));
  return frame !== undefined && /[\\/]node_modules[\\/]@platformatic[\\/]kafka[\\/]/.test(frame);
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
