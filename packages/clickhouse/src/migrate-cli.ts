// Applies the ClickHouse migrations:
//   tsx packages/clickhouse/src/migrate-cli.ts --url http://127.0.0.1:8123 --database tributary
import { parseArgs } from 'node:util';
import { createClickHouse } from './client.ts';
import { migrate } from './migrate.ts';
import { waitForPing } from './ping.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8123' },
    database: { type: 'string', default: 'tributary' },
    migrations: { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string' },
    'wait-ms': { type: 'string', default: '30000' },
  },
});

const url = values.url;
const client = createClickHouse({
  url,
  ...(values.username ? { username: values.username } : {}),
  ...(values.password ? { password: values.password } : {}),
});
try {
  await waitForPing(url, Number(values['wait-ms']));
  const result = await migrate({
    client,
    database: values.database,
    ...(values.migrations ? { migrationsDir: values.migrations } : {}),
  });
  const applied = result.applied.length > 0 ? result.applied.join(', ') : 'nothing new';
  console.log(
    `clickhouse migrations on '${values.database}': applied ${applied} (${result.alreadyApplied.length} already applied)`,
  );
} catch (err) {
  console.error(`clickhouse migrations failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await client.close();
}
