import { encodeControlRecord, topicNames } from '@tributary/contracts';
import { env } from '../../env.ts';
import { getProducer } from '../kafka.ts';

/**
 * Tells every ingest instance that a source's write keys changed, so they drop their cached keys
 * at once (docs/decisions/key-revocation.md). Published after the change committed. Never
 * throws: the change is already durable in Postgres, and ingest re-checks every cached key within
 * WRITE_KEY_RECHECK_MS anyway, so a failed publish only loses the fast path.
 */
export async function publishWriteKeysChanged(source: string): Promise<void> {
  try {
    const record = encodeControlRecord({ kind: 'write_keys', name: source, revision: Date.now() * 1000 });
    await getProducer().send(topicNames(env.TOPIC_PREFIX).control, [record]);
  } catch (err) {
    console.error(
      JSON.stringify({
        level: 'error',
        service: 'web',
        msg: 'could not publish the write-key change on the control topic; ingest re-checks keys within seconds anyway',
        source,
        err: err instanceof Error ? err.message : String(err),
      }),
    );
  }
}
