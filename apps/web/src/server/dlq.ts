import { loadPiiPaths, type PiiView } from '@tributary/dlq';
import { can } from './auth/actor.ts';
import { getDb } from './db.ts';
import type { Context } from './trpc.ts';

export async function piiView(ctx: Context): Promise<PiiView> {
  // Values tagged pii are shown only to actors holding the pii grant (or admin).
  return { paths: await loadPiiPaths(getDb()), reveal: can(ctx.actor, 'pii:read') };
}
