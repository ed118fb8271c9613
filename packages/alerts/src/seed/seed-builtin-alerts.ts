import { receiverSchema, TributaryError, type Receiver } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import { createAlertReceiver, updateAlertReceiver } from '../store/receivers.ts';
import { createAlertRule } from '../store/rules.ts';
import { getAlertRouting, replaceAlertRouting } from '../store/routing.ts';
import {
  BUILTIN_ALERTS_ACTOR,
  BUILTIN_INBOX_RECEIVER,
  builtinAlertRules,
  builtinRoutingPolicy,
} from './builtin-rules.ts';

export interface SeedBuiltinAlertsOptions {
  /** The console's webhook endpoint, e.g. http://127.0.0.1:3000/api/alerts/inbox. */
  inboxUrl: string;
  /** Sent as `Authorization: Bearer <token>`; the console checks it (ALERT_INBOX_TOKEN). */
  inboxToken: string;
  /** The source the "silent" rule watches (the demo source npm start makes). */
  demoSource: string;
}

export interface SeedBuiltinAlertsResult {
  rulesCreated: string[];
  /** Rules that already existed under a built-in's name: left as they are. */
  rulesKept: string[];
  receiver: 'created' | 'updated' | 'kept';
  routing: 'created' | 'kept';
}

const isConflict = (err: unknown) => err instanceof TributaryError && err.code === 'conflict';

/**
 * Makes sure the built-in rules, the inbox receiver and a routing tree exist; idempotent, so
 * every `npm start` calls it. What an operator made or changed is never overwritten: a rule is
 * created only when no rule has its name, the routing only while none was ever saved. The one
 * exception is the inbox receiver while nobody but the seed touched it: it follows the console's
 * current address and token (a new state directory makes a new token; the stored one would be
 * refused with 401 forever). Two starts at once are fine: a lost race reads as "kept".
 */
export async function seedBuiltinAlerts(
  db: Db,
  opts: SeedBuiltinAlertsOptions,
): Promise<SeedBuiltinAlertsResult> {
  const actor = { actor: BUILTIN_ALERTS_ACTOR };
  // Receiver first: routing may only name receivers that exist.
  const receiver = await seedInboxReceiver(db, opts);

  const rulesCreated: string[] = [];
  const rulesKept: string[] = [];
  for (const rule of builtinAlertRules(opts.demoSource)) {
    const exists = await db.alertRule.findUnique({ where: { name: rule.name }, select: { id: true } });
    if (exists) {
      rulesKept.push(rule.name);
      continue;
    }
    try {
      await createAlertRule(db, rule, actor);
      rulesCreated.push(rule.name);
    } catch (err) {
      if (!isConflict(err)) throw err;
      rulesKept.push(rule.name);
    }
  }

  let routing: SeedBuiltinAlertsResult['routing'] = 'kept';
  if ((await getAlertRouting(db)).revision === 0) {
    try {
      // Revision 0: only if still nobody saved one (the store checks inside its lock).
      await replaceAlertRouting(db, { revision: 0, policy: builtinRoutingPolicy() }, actor);
      routing = 'created';
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
  return { rulesCreated, rulesKept, receiver, routing };
}

async function seedInboxReceiver(
  db: Db,
  opts: SeedBuiltinAlertsOptions,
): Promise<SeedBuiltinAlertsResult['receiver']> {
  const wanted: Receiver = receiverSchema.parse({
    kind: 'webhook',
    name: BUILTIN_INBOX_RECEIVER,
    url: opts.inboxUrl,
    format: 'json',
    headers: { Authorization: `Bearer ${opts.inboxToken}` },
  });
  const row = await db.alertReceiver.findUnique({ where: { name: BUILTIN_INBOX_RECEIVER } });
  if (!row) {
    try {
      await createAlertReceiver(db, wanted, { actor: BUILTIN_ALERTS_ACTOR });
      return 'created';
    } catch (err) {
      if (isConflict(err)) return 'kept';
      throw err;
    }
  }
  if (row.updatedBy !== BUILTIN_ALERTS_ACTOR) return 'kept';
  const stored = receiverSchema.safeParse(row.config);
  if (stored.success && JSON.stringify(stored.data) === JSON.stringify(wanted)) return 'kept';
  try {
    await updateAlertReceiver(
      db,
      BUILTIN_INBOX_RECEIVER,
      { revision: row.revision, receiver: wanted },
      { actor: BUILTIN_ALERTS_ACTOR },
    );
    return 'updated';
  } catch (err) {
    // Someone saved it between the read and the write: theirs stands.
    if (isConflict(err)) return 'kept';
    throw err;
  }
}
