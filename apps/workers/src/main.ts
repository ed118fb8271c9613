import { parseEnv } from './env.ts';
import { createFaultPolicy } from './process-faults.ts';
import { createWorkerService } from './service.ts';

// The entry point owns the lifecycle: signals and fatal errors lead to one orderly stop.
/** A stop that takes longer (a handler stuck on a hung request) is cut short: exit anyway. */
const STOP_DEADLINE_MS = 20_000;

const service = createWorkerService(parseEnv(), { onFatal: () => shutdown(1, 'consumer ended') });
const { logger } = service;
let stopping = false;
function shutdown(code: number, reason: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ code, reason }, 'workers stopping');
  setTimeout(() => {
    logger.error({ code, reason }, `stop did not finish within ${STOP_DEADLINE_MS / 1000} s; exiting`);
    process.exit(code);
  }, STOP_DEADLINE_MS).unref();
  service
    .stop()
    .catch((err: unknown) => logger.error({ err: String(err) }, 'stop failed'))
    .finally(() => process.exit(code));
}

// Why Kafka client faults are repaired in place and everything else exits:
// docs/decisions/kafka-client-consumer-bug.md ("Process-level faults").
const onFault = createFaultPolicy({
  restartKafka: (reason) => service.restartKafka(reason),
  exit: (code, reason) => shutdown(code, reason),
  log: (level, fields, msg) => logger[level](fields, msg),
});
process.on('SIGINT', () => shutdown(0, 'SIGINT'));
process.on('SIGTERM', () => shutdown(0, 'SIGTERM'));
process.on('uncaughtException', (err) => onFault('uncaughtException', err));
process.on('unhandledRejection', (err) => onFault('unhandledRejection', err));

try {
  await service.start();
} catch (err) {
  // A start that fails is a configuration problem (e.g. the ops port is taken): say so and exit.
  logger.fatal({ err: String(err) }, 'workers failed to start');
  shutdown(1, 'start failed');
}
