import { issueApiKey } from './api-keys.ts';
import type { Db } from './client.ts';
import { issueWriteKey } from './write-keys.ts';

export const DEMO_SOURCE_NAME = 'demo';
export const DEMO_API_KEY_NAME = 'demo';

export interface DemoSeed {
  sourceName: string;
  sourceId: string;
  writeKey: string;
  apiKey: string;
}

/**
 * Makes sure the demo source exists and returns a usable write key and API key.
 *
 * NOTE: only key hashes are stored, so a key issued by an earlier start cannot be shown again.
 * Each call therefore issues a fresh pair and leaves earlier ones valid: a producer still holding
 * the key from a previous start keeps working, and the new pair goes to .tributary/demo.env.
 * The cost is one extra row per key type per start, which is negligible for a demo.
 */
export async function seedDemo(db: Db): Promise<DemoSeed> {
  const source = await db.source.upsert({
    where: { name: DEMO_SOURCE_NAME },
    create: { name: DEMO_SOURCE_NAME, description: 'Demo source created by npm start' },
    update: {},
  });
  const writeKey = await issueWriteKey(db, source.id, { actor: 'seed' });
  const apiKey = await issueApiKey(db, { name: DEMO_API_KEY_NAME, scopes: ['admin'] }, { actor: 'seed' });
  return { sourceName: source.name, sourceId: source.id, writeKey: writeKey.key, apiKey: apiKey.key };
}
