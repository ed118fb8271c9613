import type { QueryTarget } from '@tributary/clickhouse';
import { topicNames, type DlqReplay } from '@tributary/contracts';
import { loadPiiPaths, type PiiView, type ReplayDeps } from '@tributary/dlq';
import { env } from '../env.ts';
import { can } from './auth/actor.ts';
import { getDb } from './db.ts';
import { getAdmin, getProducer } from './kafka.ts';
import type { Context } from './trpc.ts';

/** What the dead-letter functions need, wired to this server's clients. */
export function replayDeps(target: QueryTarget): ReplayDeps {
  return {
    target,
    db: getDb(),
    transport: {
      producer: getProducer(),
      topics: topicNames(env.TOPIC_PREFIX),
      partitionCount: (topic) => getAdmin().partitionCount(topic),
    },
  };
}

export async function piiView(ctx: Context): Promise<PiiView> {
  // Values tagged pii are shown only to actors holding the pii grant (or admin).
  return { paths: await loadPiiPaths(getDb()), reveal: can(ctx.actor, 'pii:read') };
}

// Replays run in this server process; their promises are held so nothing settles unobserved.
const running = new Set<Promise<DlqReplay>>();

export function track(done: Promise<DlqReplay>): void {
  running.add(done);
  void done.finally(() => running.delete(done));
}
