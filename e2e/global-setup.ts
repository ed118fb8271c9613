import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestStack } from '../scripts/lib/test-stack.ts';

export const STACK_FILE = join(import.meta.dirname, 'test-results', 'stack.json');

/** The whole platform, private to this e2e run, with the console built and served. */
export default async function globalSetup() {
  const t = await startTestStack(['workers', 'ingest', 'web']);
  mkdirSync(join(import.meta.dirname, 'test-results'), { recursive: true });
  writeFileSync(
    STACK_FILE,
    JSON.stringify({
      ingestUrl: t.stack.ingestUrl,
      webUrl: t.stack.webUrl,
      writeKey: t.stack.writeKey,
      apiKey: t.stack.apiKey,
      clickhouseUrl: t.stack.clickhouseUrl,
      clickhouseDatabase: t.config.clickhouseDatabase,
    }),
  );
  return async () => {
    await t.stop();
  };
}
