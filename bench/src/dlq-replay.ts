import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Admin as PltAdmin } from '@platformatic/kafka';
import { selectRows, type ClickHouseClient, type QueryTarget } from '@tributary/clickhouse';
import { topicNames, type DlqFilter, type DlqReplay } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import { createReplayRunner, queueReplay, reprocess, type ReplayableEntry } from '@tributary/dlq';
import { createAdmin, createProducer, type KafkaSasl } from '@tributary/kafka';
import type { SchemaRules } from '@tributary/pipeline';
import { z } from 'zod';
import { benchRawProducer } from './kafka-clients.ts';

export interface ReplayFigures {
  replay: DlqReplay;
  wallSeconds: number;
  eventsPerSec: number;
  envelopeBytes: number;
  rawPerSec: { concurrency1: number; concurrency4: number };
  /** Where the replay's wall time went, in ms (the rest is checks, JSON, Postgres, pacing). */
  spent: { selects: number; statusInserts: number; sends: number; counts: number };
  checks: Array<{ what: string; want: number; got: number }>;
}

/**
 * Replays every entry `filter` selects as the console and the jobs service do (queued, then run
 * by a replay runner: count, rules from the registry, a job row in Postgres, paced pages, status
 * rows) at the highest rate the console allows, against the real broker; then checks what
 * arrived. Beside it, the raw
 * producer sending messages of the same size in batches of 1000, in the same run.
 */
export async function benchReplay(opts: {
  target: QueryTarget;
  db: Db;
  brokers: string[];
  /** The stack's Kafka admin login (its broker runs SASL/SCRAM with ACLs). */
  sasl?: KafkaSasl;
  topicPrefix: string;
  filter: DlqFilter;
  rate: number;
  expected: number;
  rules: SchemaRules;
  sample: ReplayableEntry[];
  log: (m: string) => void;
}): Promise<ReplayFigures> {
  const topics = topicNames(opts.topicPrefix);
  const admin = createAdmin({ brokers: opts.brokers, sasl: opts.sasl, clientId: 'bench-dlq-admin' });
  const producer = createProducer({ brokers: opts.brokers, sasl: opts.sasl, clientId: 'bench-dlq-replay' });
  try {
    // The size of what the replay sends: the envelope reprocess builds from a stored entry.
    const sizes = opts.sample.map((e) => {
      const r = reprocess(e, opts.rules, { now: new Date(), replayId: randomUUID() });
      if (!r.ok) throw new Error(`sample entry ${e.id} does not pass the ingest checks: ${r.message}`);
      return Buffer.byteLength(JSON.stringify(r.envelope));
    });
    const envelopeBytes = Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length);

    const rawTopic = `${opts.topicPrefix}bench-raw`;
    await admin.ensureTopics([
      { name: rawTopic, partitions: await admin.partitionCount(topics.events), config: {} },
    ]);
    const raw = { concurrency1: 0, concurrency4: 0 };
    for (const concurrency of [1, 4] as const) {
      opts.log(
        `raw producer: 100,000 messages of ${envelopeBytes} B, batches of 1000, ${concurrency} in flight`,
      );
      const r = await benchRawProducer({
        brokers: opts.brokers,
        sasl: opts.sasl,
        topic: rawTopic,
        messages: 100_000,
        batchSize: 1000,
        valueBytes: envelopeBytes,
        concurrency,
      });
      raw[concurrency === 1 ? 'concurrency1' : 'concurrency4'] = r.eventsPerSec;
    }

    const eventsBefore = await sumEndOffsets(opts.brokers, topics.events, opts.sasl);
    const deadBefore = await sumEndOffsets(opts.brokers, topics.deadLetters, opts.sasl);
    opts.log(`replay: ${opts.expected.toLocaleString('en-US')} entries at rate ${opts.rate}/s`);
    const spent = { selects: 0, statusInserts: 0, sends: 0, counts: 0 };
    const t0 = performance.now();
    const deps = {
      target: { database: opts.target.database, client: timedClient(opts.target.client, spent) },
      db: opts.db,
      transport: {
        producer: {
          async send(topic: string, messages: Parameters<typeof producer.send>[1]) {
            const s0 = performance.now();
            await producer.send(topic, messages);
            spent.sends += performance.now() - s0;
          },
          close: () => producer.close(),
        },
        topics,
        partitionCount: (t: string) => admin.partitionCount(t),
      },
    };
    // Queued as the console does, then run by a replay runner as the jobs service does.
    const queued = await queueReplay(
      deps,
      { selection: { kind: 'filter', filter: opts.filter }, rate: opts.rate },
      'bench',
    );
    const runner = createReplayRunner(deps, { runner: 'bench', concurrency: 1 });
    const claimed = (await runner.sweep()).find((c) => c.replay.id === queued.id);
    if (!claimed) throw new Error(`replay ${queued.id} was not claimed by the bench's runner`);
    const done = claimed.done;
    const replay = await done;
    await runner.stop();
    const wallSeconds = (performance.now() - t0) / 1000;
    if (replay.state !== 'completed') throw new Error(`replay ${replay.state}: ${replay.error ?? ''}`);

    const eventsAfter = await sumEndOffsets(opts.brokers, topics.events, opts.sasl);
    const deadAfter = await sumEndOffsets(opts.brokers, topics.deadLetters, opts.sasl);
    const [status] = await selectRows(
      opts.target,
      `SELECT countIf(status = 'replayed') AS replayed, uniqExact(id) AS ids
       FROM {db:Identifier}.dead_letter_status WHERE replay_id = {replayId:String}`,
      { replayId: replay.id },
      z.object({ replayed: z.coerce.number(), ids: z.coerce.number() }),
    );
    return {
      replay,
      wallSeconds,
      eventsPerSec: replay.processed / wallSeconds,
      envelopeBytes,
      rawPerSec: raw,
      spent,
      checks: [
        { what: 'entries selected (replay total)', want: opts.expected, got: replay.total },
        { what: 'entries processed', want: opts.expected, got: replay.processed },
        {
          what: 'events topic: growth of summed end offsets = sent',
          want: replay.sent,
          got: eventsAfter - eventsBefore,
        },
        {
          what: 'dead-letter topic: growth = failed again',
          want: replay.failedAgain,
          got: deadAfter - deadBefore,
        },
        {
          what: "dead_letter_status: 'replayed' rows of this replay",
          want: opts.expected,
          got: status?.replayed ?? 0,
        },
        {
          what: 'dead_letter_status: distinct entries of this replay',
          want: opts.expected,
          got: status?.ids ?? 0,
        },
      ],
    };
  } finally {
    await producer.close();
    await admin.close();
  }
}

/** Sum over partitions of the log end offset (a fresh topic starts at 0). */
async function sumEndOffsets(brokers: string[], topic: string, sasl?: KafkaSasl): Promise<number> {
  const client = new PltAdmin({ clientId: 'bench-dlq-offsets', bootstrapBrokers: brokers, sasl });
  try {
    const meta = await client.metadata({ topics: [topic], forceUpdate: true });
    const n = meta.topics.get(topic)?.partitionsCount ?? 0;
    const r = await client.listOffsets({
      topics: [
        {
          name: topic,
          partitions: Array.from({ length: n }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })),
        },
      ],
    });
    return (r[0]?.partitions ?? []).reduce((s, p) => s + Number(p.offset), 0);
  } finally {
    await client.close();
  }
}

/**
 * The ClickHouse client with the time of each call added up: page reads (SELECT … payload),
 * counts, and inserts (the status rows). A read is timed until its rows were parsed.
 */
function timedClient(
  client: ClickHouseClient,
  spent: { selects: number; statusInserts: number; counts: number },
): ClickHouseClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'insert') {
        return async (...args: Parameters<ClickHouseClient['insert']>) => {
          const t0 = performance.now();
          try {
            return await target.insert(...args);
          } finally {
            spent.statusInserts += performance.now() - t0;
          }
        };
      }
      if (prop === 'query') {
        return async (...args: Parameters<ClickHouseClient['query']>) => {
          const t0 = performance.now();
          const key = /payload/.test(args[0].query) ? 'selects' : 'counts';
          const rs = await target.query(...args);
          const json = rs.json.bind(rs);
          return Object.assign(rs, {
            json: async () => {
              try {
                return await json();
              } finally {
                spent[key] += performance.now() - t0;
              }
            },
          });
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
