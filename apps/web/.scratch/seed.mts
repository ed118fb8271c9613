import { createClient } from '@clickhouse/client';
import { readFileSync, readdirSync } from 'node:fs';
const db = process.argv[2] ?? 'tributary_webdev';
const n = Number(process.argv[3] ?? 300);
const client = createClient({ url: 'http://127.0.0.1:18123', clickhouse_settings: { date_time_input_format: 'best_effort' } });
await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
const dir = '/work/main/packages/clickhouse/migrations';
for (const f of readdirSync(dir).sort()) {
  const sql = readFileSync(`${dir}/${f}`, 'utf8').replaceAll('{db}', db);
  for (const stmt of sql.split(';').map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter(Boolean)) await client.command({ query: stmt });
}
if (n === 0) process.exit(0);
const now = Date.now();
const types = ['page_view', 'page_view', 'page_view', 'click', 'click', 'signup', 'purchase'];
const events = Array.from({ length: n }, (_, i) => {
  const received = now - Math.floor(Math.random() * 3_500_000);
  const type = types[i % types.length]!;
  return {
    event_id: `evt_${now}_${i}`, event_type: type, timestamp: received - 20, user_id: i % 5 ? `user_${i % 37}` : null,
    data: type === 'purchase' ? { amount: 42.5, currency: 'EUR', items: [{ sku: 'A-1', qty: 2 }] } : { path: `/p/${i % 9}`, referrer: 'https://example.com' },
    metadata: { ua: 'curl/8' }, source: i % 3 ? 'web' : 'mobile', schema_version: 1,
    received_at: received, processed_at: received + 30, inserted_at: received + 40 + Math.floor(Math.random() * 400),
  };
});
await client.insert({ table: `${db}.events`, format: 'JSONEachRow', values: events });
const stages = ['received', 'accepted', 'rejected', 'processed', 'deduplicated', 'inserted', 'dead_lettered'];
const metrics = [];
for (let t = now - 3_600_000; t < now; t += 5000) {
  const base = 5 + Math.floor(Math.random() * 10);
  const counts: Record<string, number> = { received: base + 1, accepted: base, rejected: 1, processed: base, deduplicated: Math.random() < 0.2 ? 1 : 0, inserted: base, dead_lettered: Math.random() < 0.1 ? 1 : 0 };
  for (const s of stages) metrics.push({ ts: t, service: s === 'received' || s === 'accepted' || s === 'rejected' ? 'ingest' : 'workers', instance: 'i1', stage: s, count: counts[s] });
}
await client.insert({ table: `${db}.pipeline_metrics`, format: 'JSONEachRow', values: metrics });
await client.insert({ table: `${db}.dead_letters`, format: 'JSONEachRow', values: [{ id: 'd1', event_id: 'x', stage: 'ingest', code: 'schema', message: 'bad', details: '{}', payload: '{}', payload_encoding: 'utf8', source: 'web', write_key_id: null, event_type: 'click', schema_version: null, origin_topic: null, origin_partition: null, origin_offset: null, failed_at: now - 1000, attempts: 1 }] });
console.log('seeded', db);
await client.close();
