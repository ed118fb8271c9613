// Runs the embedded ClickHouse server in the foreground:
//   tsx infra/clickhouse/src/cli.ts --port 8123 --data .tributary/clickhouse
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DEFAULT_DATA_DIR, startEmbeddedClickHouse } from './index.ts';
import { formatBytes } from './rss.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8123' },
    data: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    // A JSON file of users and their profiles (see access.ts); without it nobody is asked.
    users: { type: 'string', default: process.env.TRIBUTARY_CH_USERS_FILE },
    // Comma-separated further host names clients reach the server by.
    'allowed-hosts': { type: 'string', default: process.env.TRIBUTARY_CH_ALLOWED_HOSTS },
    // Set by spawnEmbeddedClickHouse: stop when the parent's end of stdin closes.
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`embedded-clickhouse: invalid --port '${values.port}'`);
  process.exit(2);
}
const dataDir = values.data ? resolve(values.data) : DEFAULT_DATA_DIR;

const started = performance.now();
try {
  const ch = await startEmbeddedClickHouse({
    port,
    dataDir,
    host: values.host,
    ...(values.users ? { usersFile: resolve(values.users) } : {}),
    ...(values['allowed-hosts']
      ? { allowedHosts: values['allowed-hosts'].split(',').map((h) => h.trim()) }
      : {}),
  });
  console.log(
    `embedded ClickHouse ${ch.version} ready at ${ch.url} (data ${dataDir}, started in ${Math.round(performance.now() - started)} ms; ` +
      `memory limits: server ${formatBytes(ch.limits.maxServerMemoryBytes)}, query ${formatBytes(ch.limits.maxQueryMemoryBytes)}; ` +
      `${ch.users.length > 0 ? `users: ${ch.users.join(', ')}` : 'no users: anyone who reaches the port may query'})`,
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    ch.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`embedded-clickhouse: error while stopping on ${signal}:`, err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  if (values['exit-with-stdin']) {
    process.stdin.on('end', () => shutdown('stdin closed'));
    process.stdin.on('error', () => shutdown('stdin closed'));
    process.stdin.resume();
  }
} catch (err) {
  console.error(`embedded-clickhouse: cannot start on port ${port} with data ${dataDir}:`, err);
  process.exit(1);
}
