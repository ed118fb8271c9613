import { firstAdmin } from './lib/first-admin.ts';
import { createSupervisor, startStack, writeDemoEnv } from './lib/stack.ts';
import { devConfig } from './lib/config.ts';
import { restartPolicyFromEnv } from './lib/supervisor-config.ts';

// npm start: the whole platform on this machine, every process under one supervisor (a crash
// is reported and restarted). Ctrl-C stops everything it started.
let config: ReturnType<typeof devConfig>;
try {
  // builtinAlerts: a newcomer sees an alert end to end (built-in rules notify the console's inbox).
  config = { ...devConfig(), supervisor: restartPolicyFromEnv(), builtinAlerts: true };
} catch (err) {
  console.error(`Tributary configuration is invalid: ${(err as Error).message}`);
  process.exit(1);
}
const t0 = Date.now();
const progress = (m: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${m}`);
const stamp = () => new Date().toISOString().slice(11, 19);

const supervisor = createSupervisor(config, (line) => console.error(`${stamp()} ${line}`));
let stack: Awaited<ReturnType<typeof startStack>> | null = null;
let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  // NOTE: Ctrl-C reaches the children too (same process group). The supervisor closes first,
  // synchronously, so their exits are not taken for crashes.
  supervisor.closed = true;
  console.log('\nStopping Tributary…');
  // Also during the start: stops whatever already runs.
  await supervisor.shutdown();
  console.log('Stopped.');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

try {
  stack = await startStack(config, progress, { supervisor });
} catch (err) {
  if (stopping) await new Promise(() => {}); // shutdown() exits
  console.error(`\nTributary could not start: ${(err as Error).message}`);
  process.exit(1);
}

// Read before writeDemoEnv replaces the file: it holds the password an earlier start created.
const admin = await firstAdmin(config.databaseUrl, config.stateDir);
const envFile = writeDemoEnv(config.stateDir, {
  TRIBUTARY_ADMIN_EMAIL: admin.email,
  ...(admin.password ? { TRIBUTARY_ADMIN_PASSWORD: admin.password } : {}),
  TRIBUTARY_WRITE_KEY: stack.writeKey,
  TRIBUTARY_API_KEY: stack.apiKey,
  TRIBUTARY_INGEST_URL: stack.ingestUrl,
  TRIBUTARY_CONSOLE_URL: stack.webUrl,
  // Read-only, bounded ClickHouse credentials for any client or notebook.
  ...(stack.infra.clickhouseCredentials
    ? {
        CLICKHOUSE_USER: stack.infra.clickhouseCredentials.analyst.user,
        CLICKHOUSE_PASSWORD: stack.infra.clickhouseCredentials.analyst.password,
      }
    : {}),
});
const curl = `curl -s -X POST ${stack.ingestUrl}/v1/events \\
  -H "Authorization: Bearer ${stack.writeKey}" -H "Content-Type: application/json" \\
  -d '{"event_type":"page_view","user_id":"u1","data":{"path":"/pricing"}}'`;
console.log(`
Tributary is running (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s).

  Console     ${stack.webUrl}/live
  Sign in     ${admin.email}${admin.created ? `   password ${admin.password} (shown once; also in ${envFile})` : admin.password ? `   (password in ${envFile})` : '   (password set earlier, not in demo.env)'}
  Ingest      ${stack.ingestUrl}/v1/events
  ClickHouse  ${stack.clickhouseUrl}   (database ${config.clickhouseDatabase}${stack.infra.clickhouseCredentials ? `; read-only user ${stack.infra.clickhouseCredentials.analyst.user} in ${envFile}` : ''})
  Kafka       ${stack.brokers}${stack.infra.kafkaCredentials ? `   (SASL/SCRAM-SHA-256 with ACLs; principals and passwords in ${config.stateDir}/kafka-credentials.json)` : ''}
  Write key   ${stack.writeKey}   (source "demo", also in ${envFile})
  Jobs        http://127.0.0.1:${config.jobsOpsPort}/healthz   (dead-letter replays; /metrics beside it)
  Alerts      ${stack.alertInboxUrl}   (inbox of the built-in rules; "demo-source-silent" fires until demo traffic flows)

Send an event:
${curl}

Stream demo traffic:  npm run demo      Logs: ${config.stateDir}/logs/      Stop: Ctrl-C
A crashed process is restarted and reported here (record: ${stack.supervisor.logFile}).
`);
