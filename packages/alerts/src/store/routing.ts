import { rootPolicySchema, TributaryError, type RootPolicy } from '@tributary/contracts';
import { writeAudit, type Db, type DbTx } from '@tributary/db';
import { z } from 'zod';
import { parseOrRefuse, refusal, toJson, TX_OPTIONS } from './errors.ts';
import { policyNodes } from './policy-references.ts';

/**
 * The notification policy tree: one row, replaced whole (the tree is edited as one document),
 * guarded by its revision. Every receiver and mute timing it names must exist.
 */

const ROUTING_ID = 'default';
/**
 * NOTE: routing replacements and receiver / mute timing deletions take this transaction-scoped
 * advisory lock, so a deletion cannot slip between a replacement's existence check and its write
 * (nor the other way round). Arbitrary constant, unique in this database.
 */
const NOTIFICATION_CONFIG_LOCK = 7_412_001;

export async function lockNotificationConfig(tx: DbTx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${NOTIFICATION_CONFIG_LOCK})`;
}

export interface AlertRoutingView {
  /** null until a policy was saved: nothing is routed yet. */
  policy: RootPolicy | null;
  /** 0 before the first save. */
  revision: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

export const replaceAlertRoutingInputSchema = z.object({
  /** The revision this tree was edited from (0 for the first one). */
  revision: z.number().int().nonnegative(),
  policy: z.unknown(),
});

/** The stored tree, parsed (a hand-edited row fails loudly here). */
export async function storedPolicy(db: Db | DbTx): Promise<{ policy: RootPolicy; revision: number } | null> {
  const row = await db.alertRouting.findUnique({ where: { id: ROUTING_ID } });
  return row ? { policy: rootPolicySchema.parse(row.policy), revision: row.revision } : null;
}

export async function getAlertRouting(db: Db): Promise<AlertRoutingView> {
  const row = await db.alertRouting.findUnique({ where: { id: ROUTING_ID } });
  if (!row) return { policy: null, revision: 0, updatedAt: null, updatedBy: null };
  return {
    policy: rootPolicySchema.parse(row.policy),
    revision: row.revision,
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  };
}

/** Receivers and mute timings the tree names that do not exist, as field problems. */
async function missingReferences(tx: DbTx, policy: RootPolicy): Promise<{ path: string; message: string }[]> {
  const nodes = policyNodes(policy);
  const receivers = new Set((await tx.alertReceiver.findMany({ select: { name: true } })).map((r) => r.name));
  const timings = new Set((await tx.alertMuteTiming.findMany({ select: { name: true } })).map((m) => m.name));
  const problems: { path: string; message: string }[] = [];
  for (const n of nodes) {
    if (n.receiver !== undefined && !receivers.has(n.receiver)) {
      problems.push({ path: `${n.path}.receiver`, message: `no receiver named ${n.receiver}` });
    }
    n.muteTimings.forEach((m, i) => {
      if (!timings.has(m))
        problems.push({ path: `${n.path}.muteTimings.${i}`, message: `no mute timing named ${m}` });
    });
  }
  return problems;
}

export async function replaceAlertRouting(
  db: Db,
  input: unknown,
  opts: { actor: string },
): Promise<AlertRoutingView> {
  const change = parseOrRefuse(replaceAlertRoutingInputSchema, input, 'routing change');
  const parsed = rootPolicySchema.safeParse(change.policy);
  if (!parsed.success) {
    // Paths start at `policy`, as the cross-reference problems do.
    throw refusal(
      new z.ZodError(parsed.error.issues.map((i) => ({ ...i, path: ['policy', ...i.path] }))),
      'routing',
    );
  }
  const policy = parsed.data;
  return db.$transaction(async (tx) => {
    await lockNotificationConfig(tx);
    const problems = await missingReferences(tx, policy);
    if (problems.length > 0) {
      throw new TributaryError(
        'bad_request',
        `routing refused: ${problems
          .slice(0, 5)
          .map((p) => `${p.path}: ${p.message}`)
          .join('; ')}`,
        { errors: problems },
      );
    }
    const before = await tx.alertRouting.findUnique({ where: { id: ROUTING_ID } });
    const current = before?.revision ?? 0;
    if (current !== change.revision) {
      throw new TributaryError(
        'conflict',
        `routing is at revision ${current}, not ${change.revision}: someone saved it meanwhile; reload and apply the change again`,
        { revision: current },
      );
    }
    const row = before
      ? await tx.alertRouting.update({
          where: { id: ROUTING_ID },
          data: { policy: toJson(policy), revision: { increment: 1 }, updatedBy: opts.actor },
        })
      : await tx.alertRouting.create({
          data: { id: ROUTING_ID, policy: toJson(policy), updatedBy: opts.actor },
        });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'alert_routing.replace',
      entity: 'alert_routing',
      entityId: ROUTING_ID,
      ...(before ? { before: { revision: before.revision, policy: before.policy ?? null } } : {}),
      after: { revision: row.revision, policy: toJson(policy) },
    });
    return {
      policy,
      revision: row.revision,
      updatedAt: row.updatedAt.toISOString(),
      updatedBy: row.updatedBy,
    };
  }, TX_OPTIONS);
}
