import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDb, ensureFirstAdmin, type FirstAdmin } from '@tributary/db';

/** A value from an earlier run's .tributary/demo.env, or null. */
function previousDemoValue(stateDir: string, name: string): string | null {
  const file = join(stateDir, 'demo.env');
  if (!existsSync(file)) return null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith(`${name}=`)) return line.slice(name.length + 1).trim() || null;
  }
  return null;
}

/**
 * The first admin of the console (created on the first start, kept afterwards), with the
 * password to write to demo.env: new when just created, else the one an earlier start wrote if
 * it still signs in (null when someone changed it).
 */
export async function firstAdmin(databaseUrl: string, stateDir: string): Promise<FirstAdmin> {
  const db = createDb(databaseUrl);
  try {
    return await ensureFirstAdmin(db, {
      knownPassword: previousDemoValue(stateDir, 'TRIBUTARY_ADMIN_PASSWORD'),
    });
  } finally {
    await db.$disconnect();
  }
}
