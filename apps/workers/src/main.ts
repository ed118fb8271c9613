import { parseEnv } from './env.ts';
import { createWorkerService } from './service.ts';

// The entry point owns the lifecycle: signals and fatal errors lead to one orderly stop.
const service = createWorkerService(parseEnv());
let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  try {
    await service.stop();
  } finally {
    process.exit(code);
  }
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('unhandledRejection', (err) => {
  console.error(
    JSON.stringify({ level: 'fatal', service: 'workers', msg: 'unhandled rejection', err: String(err) }),
  );
  void shutdown(1);
});
await service.start();
