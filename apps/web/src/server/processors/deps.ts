import type { LifecycleDeps, PreviewDeps } from '@tributary/processors';
import { env } from '../../env.ts';
import { auditName, can, type Actor } from '../auth/actor.ts';
import { getDb } from '../db.ts';
import { kickControl } from '../control.ts';
import { procedure, type Context } from '../trpc.ts';

/**
 * What the processor service functions need from a console request: Postgres, the DDL
 * ClickHouse target (output tables are created at publish), the bounded read-only target
 * (preview), and the deployment's pii secret.
 */
export function lifecycleDeps(ctx: Pick<Context, 'clickhouseDdl'>): LifecycleDeps {
  return {
    db: getDb(),
    clickhouseDdl: ctx.clickhouseDdl,
    ...(env.PII_HASH_SECRET ? { piiSecret: env.PII_HASH_SECRET } : {}),
  };
}

export function previewDeps(ctx: Pick<Context, 'clickhouse'>): PreviewDeps {
  return {
    db: getDb(),
    clickhouse: ctx.clickhouse,
    ...(env.PII_HASH_SECRET ? { piiSecret: env.PII_HASH_SECRET } : {}),
  };
}

export function piiSecretOption(): { piiSecret?: string } {
  return env.PII_HASH_SECRET ? { piiSecret: env.PII_HASH_SECRET } : {};
}

/** The audit name and whether pii may be shown, for a caller already checked by the procedure. */
export function callerOf(actor: Actor): { actor: string; revealPii: boolean } {
  return { actor: auditName(actor), revealPii: can(actor, 'pii:read') };
}

/**
 * processors:write, and after a change commits the outbox relay is kicked: the workers switch
 * within milliseconds instead of at the relay's next poll (about a second).
 */
export const processorsWrite = procedure('processors:write').use(async ({ next }) => {
  const result = await next();
  if (result.ok) kickControl();
  return result;
});
