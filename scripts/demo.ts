import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';

// npm run demo: a steady stream of realistic events for the demo source, until Ctrl-C.
const envFile = resolve(import.meta.dirname, '../.tributary/demo.env');
let vars: Record<string, string>;
try {
  vars = Object.fromEntries(
    readFileSync(envFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
} catch {
  console.error(`No ${envFile}: run 'npm start' first (it writes the demo write key there).`);
  process.exit(1);
}
const ingestUrl = process.env.TRIBUTARY_INGEST_URL ?? vars.TRIBUTARY_INGEST_URL ?? 'http://127.0.0.1:8080';
const writeKey = process.env.TRIBUTARY_WRITE_KEY ?? vars.TRIBUTARY_WRITE_KEY;
const perSecond = Number(process.env.DEMO_EVENTS_PER_SECOND ?? 25);

const pages = ['/', '/pricing', '/docs', '/blog/launch', '/signup', '/checkout'];
const products = [
  { sku: 'starter', price: 19 },
  { sku: 'team', price: 99 },
  { sku: 'enterprise', price: 499 },
];
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

function event() {
  const user_id = `user_${Math.floor(Math.random() * 500)}`;
  const r = Math.random();
  const base = { event_id: randomUUID(), timestamp: new Date().toISOString(), user_id };
  if (r < 0.75) {
    return {
      ...base,
      event_type: 'page_view',
      data: { path: pick(pages), referrer: pick(['google', 'direct', 'newsletter']) },
    };
  }
  if (r < 0.9)
    return {
      ...base,
      event_type: 'user_signup',
      data: { plan: pick(products).sku, method: pick(['email', 'sso']) },
    };
  const p = pick(products);
  return { ...base, event_type: 'purchase', data: { sku: p.sku, amount: p.price, currency: 'USD' } };
}

let sent = 0;
let failed = 0;
console.log(`Sending ~${perSecond} events/s to ${ingestUrl} (Ctrl-C to stop)`);
const timer = setInterval(async () => {
  const events = Array.from({ length: Math.max(1, Math.round(perSecond / 4)) }, event);
  try {
    const res = await fetch(`${ingestUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writeKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    if (res.ok) sent += events.length;
    else {
      failed += events.length;
      console.error(`ingest answered ${res.status}: ${await res.text()}`);
    }
  } catch (err) {
    failed += events.length;
    console.error(`ingest unreachable: ${(err as Error).message}`);
  }
}, 250);
const report = setInterval(() => console.log(`sent ${sent} events (${failed} failed)`), 5000);
process.on('SIGINT', () => {
  clearInterval(timer);
  clearInterval(report);
  console.log(`\nsent ${sent} events (${failed} failed)`);
  process.exit(0);
});
