import { randomBytes, randomUUID } from 'node:crypto';
import type { BenchMessage, ClientBench } from './types.ts';

export interface CompareOptions {
  brokers: string[];
  messages: number;
  batchSize: number;
  valueBytes: number;
  partitions: number;
  clients: ClientBench[];
  log?: (line: string) => void;
}

export interface CompareRow {
  client: string;
  produceMsgsPerSec: number;
  produceMBPerSec: number;
  consumeMsgsPerSec: number;
  consumeMBPerSec: number;
  consumeWithJoinMsgsPerSec: number;
}

/** Messages shaped like ingest's: a uuid key, a JSON-ish value of fixed size, a trace header. */
export function makeBatchFactory(valueBytes: number): (start: number, count: number) => BenchMessage[] {
  const filler = randomBytes(Math.ceil(valueBytes / 2)).toString('hex');
  return (start, count) => {
    const out: BenchMessage[] = [];
    for (let i = 0; i < count; i++) {
      const head = `{"event_id":"${randomUUID()}","n":${start + i},"data":"`;
      const body = filler.slice(0, Math.max(0, valueBytes - head.length - 2));
      out.push({
        key: randomUUID(),
        value: Buffer.from(`${head}${body}"}`),
        headers: { traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01` },
      });
    }
    return out;
  };
}

/** Each client writes to and reads from its own fresh topic, one after the other (2 cores). */
export async function compareClients(opts: CompareOptions): Promise<CompareRow[]> {
  const log = opts.log ?? (() => {});
  const makeBatch = makeBatchFactory(opts.valueBytes);
  const mb = (opts.messages * opts.valueBytes) / (1024 * 1024);
  const rows: CompareRow[] = [];
  for (const client of opts.clients) {
    const topic = `bench.clients.${client.name.replace(/[^a-z0-9]+/gi, '-')}.${Date.now()}`;
    await client.createTopic(opts.brokers, topic, opts.partitions);
    try {
      log(`${client.name}: producing ${opts.messages} x ${opts.valueBytes} B in batches of ${opts.batchSize}`);
      const produceMs = await client.produce({ brokers: opts.brokers, topic, messages: opts.messages, batchSize: opts.batchSize, makeBatch });
      log(`${client.name}: consuming`);
      const c = await client.consume({ brokers: opts.brokers, topic, groupId: `${topic}.g`, messages: opts.messages });
      rows.push({
        client: client.name,
        produceMsgsPerSec: opts.messages / (produceMs / 1000),
        produceMBPerSec: mb / (produceMs / 1000),
        consumeMsgsPerSec: opts.messages / (c.streamMs / 1000),
        consumeMBPerSec: mb / (c.streamMs / 1000),
        consumeWithJoinMsgsPerSec: opts.messages / (c.totalMs / 1000),
      });
    } finally {
      await client.deleteTopic(opts.brokers, topic).catch(() => {});
    }
  }
  return rows;
}

export function formatTable(rows: CompareRow[]): string {
  const header = ['client', 'produce msg/s', 'produce MB/s', 'consume msg/s', 'consume MB/s', 'consume msg/s incl. join'];
  const lines = rows.map((r) => [
    r.client,
    Math.round(r.produceMsgsPerSec).toLocaleString('en-US'),
    r.produceMBPerSec.toFixed(1),
    Math.round(r.consumeMsgsPerSec).toLocaleString('en-US'),
    r.consumeMBPerSec.toFixed(1),
    Math.round(r.consumeWithJoinMsgsPerSec).toLocaleString('en-US'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}
