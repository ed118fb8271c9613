/**
 * Runs a single-node Kafka broker in the foreground until SIGINT/SIGTERM.
 *   tsx infra/kafka/src/cli.ts start --port 9092 --controller-port 9093 --data .tributary/kafka
 *     [--credentials .tributary/kafka-credentials.json]   (SASL/SCRAM + ACLs; `admin` is the super user)
 *   tsx infra/kafka/src/cli.ts resolve        (only fetch the jars)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolveKafkaJars, startKafka } from './index.ts';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '9092' },
      'controller-port': { type: 'string', default: '9093' },
      data: { type: 'string', default: '.tributary/kafka' },
      log: { type: 'string' },
      heap: { type: 'string', default: '768' },
      credentials: { type: 'string' },
    },
  });
  const command = positionals[0] ?? 'start';
  const progress = (m: string) => console.log(`[kafka] ${m}`);

  if (command === 'resolve') {
    const t0 = Date.now();
    const dir = await resolveKafkaJars({ onProgress: progress });
    console.log(`[kafka] jars in ${dir} (${Date.now() - t0} ms)`);
    return;
  }
  if (command !== 'start') throw new Error(`unknown command "${command}" (expected start or resolve)`);

  const handle = await startKafka({
    port: intArg(values.port, '--port'),
    controllerPort: intArg(values['controller-port'], '--controller-port'),
    dataDir: values.data,
    logFile: values.log,
    heapMb: intArg(values.heap, '--heap'),
    onProgress: progress,
    ...(values.credentials ? { auth: { users: readUsers(values.credentials), superUsers: ['admin'] } } : {}),
  });
  console.log(`[kafka] brokers=${handle.brokers.join(',')} pid=${handle.pid}`);

  let stopping = false;
  void handle.exited.then(({ code, signal }) => {
    if (stopping) return;
    console.error(
      `[kafka] broker exited unexpectedly (code ${code}, signal ${signal}); see ${handle.logFile}`,
    );
    process.exit(1);
  });
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    progress(`${signal}: stopping broker`);
    handle.stop().then(
      () => {
        progress('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/** `{ "<user>": "<password>", … }`, the shape `npm start` writes to kafka-credentials.json. */
function readUsers(file: string): Record<string, string> {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !Object.values(parsed).every((v) => typeof v === 'string')
  )
    throw new Error(`${file}: expected an object of user names to passwords`);
  return parsed as Record<string, string>;
}

function intArg(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
