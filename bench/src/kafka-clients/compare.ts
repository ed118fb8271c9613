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
  /** Client-process CPU (user+system) per message: robust against other load on the machine. */
  produceCpuUsPerMsg: number;
  consumeCpuUsPerMsg: number;
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
        headers: {
          traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
        },
      });
    }
    return out;
  };
}

/** Each client writes to and reads from its own fresh topic, one after the other (2 cores). */
export async function compareClients(opts: CompareOptions): Promise<CompareRow[]> {
  const log = opts.log ?? (() => {});
  // Generated before any timing so message building does not count against a client.
  const makeBatch = makeBatchFactory(opts.valueBytes);
  const batches: BenchMessage[][] = [];
  for (let sent = 0; sent < opts.messages; sent += opts.batchSize) {
    batches.push(makeBatch(sent, Math.min(opts.batchSize, opts.messages - sent)));
  }
  const mb = (opts.messages * opts.valueBytes) / (1024 * 1024);
  const rows: CompareRow[] = [];
  for (const client of opts.clients) {
    const topic = `bench.clients.${client.name.replace(/[^a-z0-9]+/gi, '-')}.${Date.now()}`;
    await client.createTopic(opts.brokers, topic, opts.partitions);
    try {
      log(
        `${client.name}: producing ${opts.messages} x ${opts.valueBytes} B in batches of ${opts.batchSize}`,
      );
      const cpu0 = process.cpuUsage();
      const produceMs = await client.produce({
        brokers: opts.brokers,
        topic,
        messages: opts.messages,
        batchSize: opts.batchSize,
        batches,
      });
      const cpu1 = process.cpuUsage(cpu0);
      log(`${client.name}: consuming`);
      const cpu2 = process.cpuUsage();
      const c = await client.consume({
        brokers: opts.brokers,
        topic,
        groupId: `${topic}.g`,
        messages: opts.messages,
      });
      const cpu3 = process.cpuUsage(cpu2);
      rows.push({
        client: client.name,
        produceMsgsPerSec: opts.messages / (produceMs / 1000),
        produceMBPerSec: mb / (produceMs / 1000),
        consumeMsgsPerSec: opts.messages / (c.streamMs / 1000),
        consumeMBPerSec: mb / (c.streamMs / 1000),
        consumeWithJoinMsgsPerSec: opts.messages / (c.totalMs / 1000),
        produceCpuUsPerMsg: (cpu1.user + cpu1.system) / opts.messages,
        consumeCpuUsPerMsg: (cpu3.user + cpu3.system) / opts.messages,
      });
    } finally {
      await client.deleteTopic(opts.brokers, topic).catch(() => {});
    }
  }
  return rows;
}

export function formatTable(rows: CompareRow[]): string {
  const header = [
    'client',
    'produce msg/s',
    'produce MB/s',
    'produce CPU µs/msg',
    'consume msg/s',
    'consume MB/s',
    'consume CPU µs/msg',
    'consume msg/s incl. join',
  ];
  const lines = rows.map((r) => [
    r.client,
    Math.round(r.produceMsgsPerSec).toLocaleString('en-US'),
    r.produceMBPerSec.toFixed(1),
    r.produceCpuUsPerMsg.toFixed(1),
    Math.round(r.consumeMsgsPerSec).toLocaleString('en-US'),
    r.consumeMBPerSec.toFixed(1),
    r.consumeCpuUsPerMsg.toFixed(1),
    Math.round(r.consumeWithJoinMsgsPerSec).toLocaleString('en-US'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}
