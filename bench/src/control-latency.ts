import { performance } from 'node:perf_hooks';
import { topicNames } from '@tributary/contracts';
import {
  createControlFollower,
  createOutboxRelay,
  enqueueControl,
  type ControlLogger,
} from '@tributary/control';
import { createDb } from '@tributary/db';
import { createProducer, type KafkaSasl } from '@tributary/kafka';

export interface ControlLatencyEnv {
  brokers: string[];
  sasl?: KafkaSasl;
  databaseUrl: string;
  topicPrefix: string;
  log: (m: string) => void;
}

const quiet: ControlLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/**
 * Rollout latency of the control path, from a change's commit in Postgres to the handler call in
 * two followers (as two workers would run them): outbox row in the change's transaction, relay
 * (kicked after the commit, as the console does; or only its poll, as after a crash), the control
 * topic, each follower's dispatch. Printed, never asserted.
 */
export async function runControlLatencyBench(env: ControlLatencyEnv): Promise<void> {
  const rounds = Number(process.env.BENCH_CONTROL_ROUNDS ?? 100);
  const pollRounds = Number(process.env.BENCH_CONTROL_POLL_ROUNDS ?? 20);
  const pollIntervalMs = 1000;
  const topic = topicNames(env.topicPrefix).control;
  const db = createDb(env.databaseUrl);
  const producer = createProducer({ brokers: env.brokers, sasl: env.sasl, clientId: 'bench-control-relay' });
  const relay = createOutboxRelay({ db, producer, topic, logger: quiet, pollIntervalMs });
  // When each follower's handler first saw a name (performance.now()).
  const seen = [new Map<string, number>(), new Map<string, number>()];
  const followers = seen.map((names, i) =>
    createControlFollower({
      brokers: env.brokers,
      sasl: env.sasl,
      topic,
      clientId: `bench-control-follower-${i}`,
      logger: quiet,
      handlers: {
        processor: (hinted) => {
          const at = performance.now();
          for (const n of hinted) if (!names.has(n)) names.set(n, at);
        },
      },
      reload: () => Promise.resolve(),
      reloadIntervalMs: 0,
    }),
  );
  const run = `${Date.now().toString(36)}`;
  try {
    await Promise.all(followers.map((f) => f.start()));
    relay.start();
    // Both followers joined their groups and read the topic once before anything is timed.
    await measure(`warmup_${run}`, 5, true);
    env.log(`control rollout: ${rounds} changes, relay kicked after each commit, 2 followers`);
    const kicked = await measure(`kick_${run}`, rounds, true);
    env.log(`control rollout: ${pollRounds} changes, no kick (relay poll every ${pollIntervalMs} ms only)`);
    const polled = await measure(`poll_${run}`, pollRounds, false);
    const line = (what: string, ms: number[]) =>
      console.log(
        `  ${what.padEnd(46)} p50 ${quantile(ms, 0.5).toFixed(1).padStart(7)} ms   p95 ${quantile(ms, 0.95)
          .toFixed(1)
          .padStart(7)} ms   max ${(ms.at(-1) ?? NaN).toFixed(1).padStart(7)} ms   (n=${ms.length})`,
      );
    console.log('\ncontrol rollout, commit → handler called in both followers');
    line('kicked relay (the console path)', kicked);
    line(`relay poll only (after a crash, ${pollIntervalMs} ms poll)`, polled);
  } finally {
    await relay.stop();
    await Promise.all(followers.map((f) => f.stop()));
    await producer.close();
    await db.$disconnect();
  }

  /** Sorted latencies (ms) from commit to the later of the two followers' handler calls. */
  async function measure(tag: string, n: number, kick: boolean): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const name = `${tag}_${i}`;
      await db.$transaction((tx) => enqueueControl(tx, [{ kind: 'processor', name }]));
      const committed = performance.now();
      if (kick) relay.kick();
      const deadline = Date.now() + 30_000;
      while (!seen.every((m) => m.has(name))) {
        if (Date.now() > deadline) throw new Error(`control hint ${name} not dispatched within 30 s`);
        await new Promise((r) => setTimeout(r, 1));
      }
      out.push(Math.max(...seen.map((m) => m.get(name)!)) - committed);
      // Changes a person makes are not back to back; a pause keeps rounds independent. Without a
      // kick the pause is random, or every round would start at the same phase of the poll.
      await new Promise((r) => setTimeout(r, kick ? 50 : Math.random() * pollIntervalMs));
    }
    return out.sort((a, b) => a - b);
  }
}
