import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { readFileSync, readdirSync } from 'node:fs';
const client = createClient({ connection: createChdbConnection({ path: '/tmp/web-scratch-chdb' }) } as never);
const db = 'scratch_' + Date.now();
await client.command({ query: `CREATE DATABASE ${db}` });
const dir = '/work/main/packages/clickhouse/migrations';
for (const f of readdirSync(dir).sort()) {
  const sql = readFileSync(`${dir}/${f}`, 'utf8').replaceAll('{db}', db);
  for (const stmt of sql.split(';').map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter(Boolean)) await client.command({ query: stmt });
}
const now = Date.now();
await client.insert({ table: `${db}.events`, format: 'JSONEachRow', values: [
  { event_id: 'a', event_type: 'page_view', timestamp: now, user_id: 'u1', data: { n: 12345678901, s: 'x', nested: { k: [1,2] } }, metadata: {}, source: 'web', schema_version: 1, received_at: now - 1000, processed_at: now - 500, inserted_at: now },
  { event_id: 'b', event_type: 'click', timestamp: now, user_id: null, data: {}, metadata: {}, source: 'web', schema_version: null, received_at: now - 61000, processed_at: now - 500, inserted_at: now - 60000 },
], clickhouse_settings: { date_time_input_format: 'best_effort' } });
const q = async (query: string, params: Record<string, unknown> = {}) => {
  const r = await client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } });
  console.log(JSON.stringify(await r.json()));
};
await q(`SELECT event_id, toUnixTimestamp64Milli(received_at) AS received_ms, user_id, toJSONString(data) AS data, data AS raw FROM {db:Identifier}.events ORDER BY received_at DESC LIMIT {limit:UInt32}`, { db, limit: 50 });
await q(`SELECT toUnixTimestamp(minute) * 1000 AS t, event_type, sum(events) AS events FROM {db:Identifier}.events_per_minute WHERE minute >= toDateTime({from:UInt32}, 'UTC') GROUP BY minute, event_type ORDER BY minute`, { db, from: Math.floor(now / 1000) - 3600 });
await q(`SELECT count() AS total, if(total = 0, NULL, toUnixTimestamp64Milli(max(received_at))) AS last FROM {db:Identifier}.events`, { db });
await q(`SELECT count() AS n, quantiles(0.5, 0.99)(dateDiff('millisecond', received_at, inserted_at)) AS q FROM {db:Identifier}.events WHERE received_at >= fromUnixTimestamp64Milli({from:Int64})`, { db, from: now - 3600_000 });
await q(`SELECT count() AS n, quantiles(0.5, 0.99)(dateDiff('millisecond', received_at, inserted_at)) AS q FROM {db:Identifier}.events WHERE received_at >= fromUnixTimestamp64Milli({from:Int64})`, { db, from: now + 3600_000 });
await client.command({ query: `DROP DATABASE ${db}` });
await client.close();
