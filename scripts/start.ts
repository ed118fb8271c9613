import { startStack, writeDemoEnv } from './lib/stack.ts';
import { devConfig } from './lib/config.ts';

// npm start: the whole platform on this machine. Ctrl-C stops everything it started.
const config = devConfig();
const t0 = Date.now();
const progress = (m: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${m}`);

let stack: Awaited<ReturnType<typeof startStack>> | null = null;
let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping Tributary…');
  await stack?.stop();
  console.log('Stopped.');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

try {
  stack = await startStack(config, progress);
} catch (err) {
  console.error(`\nTributary could not start: ${(err as Error).message}`);
  process.exit(1);
}

const envFile = writeDemoEnv(config.stateDir, {
  TRIBUTARY_WRITE_KEY: stack.writeKey,
  TRIBUTARY_API_KEY: stack.apiKey,
  TRIBUTARY_INGEST_URL: stack.ingestUrl,
  TRIBUTARY_CONSOLE_URL: stack.webUrl,
});
const curl = `curl -s -X POST ${stack.ingestUrl}/v1/events \\
  -H "Authorization: Bearer ${stack.writeKey}" -H "Content-Type: application/json" \\
  -d '{"event_type":"page_view","user_id":"u1","data":{"path":"/pricing"}}'`;
console.log(`
Tributary is running (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s).

  Console     ${stack.webUrl}/live
  Ingest      ${stack.ingestUrl}/v1/events
  ClickHouse  ${stack.clickhouseUrl}   (database ${config.clickhouseDatabase})
  Kafka       ${stack.brokers}
  Write key   ${stack.writeKey}   (source "demo", also in ${envFile})

Send an event:
${curl}

Stream demo traffic:  npm run demo      Logs: ${config.stateDir}/logs/      Stop: Ctrl-C
`);

// A crashed app is reported, not silently gone.
for (const p of stack.processes.values()) {
  void p.exited.then((code) => {
    if (!stopping) console.error(`${p.name} exited with code ${code}; see ${p.logFile}`);
  });
}
