import type { ControlKind } from '@tributary/contracts';
import type { Db } from '@tributary/db';

/** The transaction client Prisma hands to `db.$transaction(async (tx) => …)`. */
export type PrismaTx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export type { ControlKind };

/**
 * Records, inside the caller's transaction, that each named thing changed: one control_outbox
 * row per distinct hint. The rows commit with the change or roll back with it, so a committed
 * change always has its hint waiting for the relay, and a refused one never does.
 *
 * NOTE: call it in the transaction that writes the change, never after the commit (then a crash
 * between the two would lose the hint, which is exactly what the outbox is for).
 */
export async function enqueueControl(
  tx: PrismaTx,
  hints: Array<{ kind: ControlKind; name: string }>,
): Promise<void> {
  const distinct = new Map<string, { kind: ControlKind; name: string }>();
  for (const h of hints) {
    if (h.name.length === 0) throw new Error(`a ${h.kind} control hint needs a name`);
    distinct.set(`${h.kind}:${h.name}`, { kind: h.kind, name: h.name });
  }
  if (distinct.size === 0) return;
  await tx.controlOutbox.createMany({ data: [...distinct.values()] });
}
