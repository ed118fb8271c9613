import { performance } from 'node:perf_hooks';
import { topicNames } from '@tributary/contracts';
import { createOffsetReader, createProducer, type KafkaSasl } from '@tributary/kafka';
import {
  browseRequestSchema,
  type BrowseRequestInput,
} from '../../apps/web/src/server/messages/browse-input.ts';
import { compileEventFilter } from '../../apps/web/src/server/messages/event-filter.ts';
import { browseFrameSchema } from '../../apps/web/src/server/messages/frames.ts';
import { NEEDLE_PLAN, produceAll, sampleMessages } from '../../apps/web/src/server/messages/sample-events.ts';
import { scanMessages } from '../../apps/web/src/server/messages/scan.ts';

/**
 * `npm run bench -- message-browser`: the console's message browser looking for one event deep
 * in the events topic, read as the console's own Kafka principal (so its READ grant is used):
 * time to the first result (the only match, near the end) and the scan rate, for 100k events
 * packed 50 to a message (as ingest packs a busy partition) and for 100k messages of one event
 * each. The scan is the server's (scanMessages, the function the NDJSON route streams from),
 * in this process; the HTTP hop in front of it is not included.
 */
export interface MessageBrowserBenchOptions {
  brokers: string[];
  /** The console principal's login (null: a PLAINTEXT broker). */
  consoleSasl: KafkaSasl | undefined;
  /** A login that may write the events topic (the admin). */
  writerSasl: KafkaSasl | undefined;
  topicPrefix: string;
  scale: number;
  log: (m: string) => void;
}

interface Figures {
  shape: string;
  messages: number;
  events: number;
  mb: number;
  firstResultMs: number;
  totalMs: number;
}

const PARTITIONS = 6;

export async function runMessageBrowserBench(opts: MessageBrowserBenchOptions): Promise<void> {
  const topic = topicNames(opts.topicPrefix).events;
  const events = Math.round(100_000 * opts.scale);
  const producer = createProducer({
    brokers: opts.brokers,
    clientId: 'bench-browser-writer',
    ...(opts.writerSasl ? { sasl: opts.writerSasl } : {}),
  });
  const rows: Figures[] = [];
  try {
    for (const perMessage of [50, 1]) {
      const since = new Date(Date.now() - 1).toISOString();
      const messages = sampleMessages({
        events,
        partitions: PARTITIONS,
        perMessage,
        needleAt: events - Math.round(events / 100),
        idPrefix: `bench${perMessage}`,
      });
      opts.log(
        `message browser: producing ${events} events in ${messages.length} messages (${perMessage} per message)`,
      );
      await produceAll(producer, topic, messages);
      const mb = messages.reduce((a, m) => a + Buffer.byteLength(m.value), 0) / 1e6;
      // Two rounds each: the first also warms the JIT and the broker's page cache.
      for (let round = 1; round <= 2; round++) {
        const r = await timeScan(opts, {
          topic,
          start: { kind: 'time', at: since },
          filter: `data.plan == "${NEEDLE_PLAN}"`,
        });
        if (r.matched !== 1 || r.scanned !== messages.length) {
          throw new Error(
            `expected 1 match in ${messages.length} messages, got ${r.matched} in ${r.scanned}`,
          );
        }
        rows.push({
          shape: `${perMessage} event(s)/message, round ${round}`,
          messages: r.scanned,
          events: r.events,
          mb,
          firstResultMs: r.firstResultMs,
          totalMs: r.totalMs,
        });
      }
    }
  } finally {
    await producer.close();
  }
  console.log(
    '\nmessage browser: one matching event ~99% of the way into the scan (filter data.plan == "…")',
  );
  console.log(
    '| shape | messages | events | MB | first result ms | scan ms | messages/s | events/s | MB/s |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of rows) {
    const s = r.totalMs / 1000;
    console.log(
      `| ${r.shape} | ${r.messages} | ${r.events} | ${r.mb.toFixed(1)} | ${r.firstResultMs.toFixed(0)} | ${r.totalMs.toFixed(0)} | ${Math.round(r.messages / s)} | ${Math.round(r.events / s)} | ${(r.mb / s).toFixed(1)} |`,
    );
  }
}

async function timeScan(
  opts: MessageBrowserBenchOptions,
  input: BrowseRequestInput,
): Promise<{ firstResultMs: number; totalMs: number; scanned: number; events: number; matched: number }> {
  const request = browseRequestSchema.parse(input);
  const t0 = performance.now();
  const compiled = compileEventFilter(request.filter);
  if (!compiled.ok) throw new Error(compiled.message);
  const reader = createOffsetReader({
    brokers: opts.brokers,
    clientId: 'bench-browser',
    ...(opts.consoleSasl ? { sasl: opts.consoleSasl } : {}),
  });
  let firstResultMs = NaN;
  let end: { scanned: number; events: number; matched: number } | null = null;
  try {
    const lines = scanMessages(
      {
        reader,
        kind: 'events',
        filter: compiled.filter,
        pii: { paths: new Map(), reveal: false },
        signal: new AbortController().signal,
      },
      request,
    );
    for await (const line of lines) {
      const frame = browseFrameSchema.parse(JSON.parse(line));
      if (frame.type === 'event' && Number.isNaN(firstResultMs)) firstResultMs = performance.now() - t0;
      if (frame.type === 'end') end = frame.progress;
    }
  } finally {
    await reader.close();
  }
  if (!end) throw new Error('the scan gave no end frame');
  return { firstResultMs, totalMs: performance.now() - t0, ...end };
}
