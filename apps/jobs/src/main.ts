import { parseEnv } from './env.ts';
import { createJobsService } from './service.ts';

// The entry point owns the lifecycle: signals and fatal errors lead to one orderly stop.
/** A stop that takes longer (a replay page stuck on a hung request) is cut short: exit anyway. */
const STOP_DEADLINE_MS = 20_000;

const service = createJobsService(parseEnv());
const { logger } = service;
let stopping = false;
function shutdown(code: number, reason: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ code, reason }, 'jobs stopping');
  setTimeout(() => {
    logger.error({ code, reason }, `stop did not finish within ${STOP_DEADLINE_MS / 1000} s; exiting`);
    process.exit(code);
  }, STOP_DEADLINE_MS).unref();
  service
    .stop()
    .catch((err: unknown) => logger.error({ err: String(err) }, 'stop failed'))
    .finally(() => process.exit(code));
}

process.on('SIGINT', () => shutdown(0, 'SIGINT'));
process.on('SIGTERM', () => shutdown(0, 'SIGTERM'));
// Whatever escaped is a bug: stop in order (leases given back) and let the supervisor restart us.
process.on('uncaughtException', (err) => {
  logger.fatal({ err: String(err), stack: err.stack }, 'uncaught exception');
  shutdown(1, 'uncaughtException');
});
process.on('unhandledRejection', (err) => {
  logger.fatal({ err: String(err) }, 'unhandled rejection');
  shutdown(1, 'unhandledRejection');
});

try {
  await service.start();
} catch (err) {
  // A start that fails is a configuration problem (e.g. the ops port is taken): say so and exit.
  logger.fatal({ err: String(err) }, 'jobs failed to start');
  shutdown(1, 'start failed');
}
