import { receiverSchema, TributaryError, type Receiver } from '@tributary/contracts';
import { writeAudit, type Db } from '@tributary/db';
import { z } from 'zod';
import {
  fieldRefusal,
  isUniqueViolation,
  notFound,
  parseOrRefuse,
  staleRevision,
  TX_OPTIONS,
} from './errors.ts';
import { routesUsingReceiver } from './policy-references.ts';
import { maskReceiver } from './receiver-secrets.ts';
import { lockNotificationConfig, storedPolicy } from './routing.ts';

/**
 * Receivers (webhook, email) as data, audited. NOTE: their config holds secrets: every read
 * masks them unless the caller says `reveal` (admins only), and audit rows keep the masked form.
 */

export interface AlertReceiverView {
  name: string;
  kind: Receiver['kind'];
  receiver: Receiver;
  /** Whether secrets in `receiver` were replaced by a mask. */
  masked: boolean;
  revision: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface RevealOption {
  /** Show secrets as stored (admins); otherwise masked. */
  reveal?: boolean;
}

export const updateAlertReceiverInputSchema = z.object({
  revision: z.number().int().positive(),
  receiver: z.unknown(),
});

type Row = NonNullable<Awaited<ReturnType<Db['alertReceiver']['findUnique']>>>;

function toView(row: Row, opts: RevealOption): AlertReceiverView {
  const receiver = receiverSchema.parse(row.config);
  const reveal = opts.reveal === true;
  return {
    name: row.name,
    kind: receiver.kind,
    receiver: reveal ? receiver : maskReceiver(receiver),
    masked: !reveal && receiver.kind === 'webhook',
    revision: row.revision,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  };
}

const parseReceiver = (input: unknown): Receiver => parseOrRefuse(receiverSchema, input, 'receiver');

export async function listAlertReceivers(db: Db, opts: RevealOption = {}): Promise<AlertReceiverView[]> {
  const rows = await db.alertReceiver.findMany({ orderBy: { name: 'asc' }, take: 1000 });
  return rows.map((r) => toView(r, opts));
}

export async function getAlertReceiver(
  db: Db,
  name: string,
  opts: RevealOption = {},
): Promise<AlertReceiverView> {
  const row = await db.alertReceiver.findUnique({ where: { name } });
  if (!row) throw notFound('receiver', name);
  return toView(row, opts);
}

/** The receivers as stored, secrets included: for sending notifications, never for display. */
export async function loadAlertReceivers(db: Db): Promise<Receiver[]> {
  const rows = await db.alertReceiver.findMany({ orderBy: { name: 'asc' } });
  return rows.map((r) => receiverSchema.parse(r.config));
}

export async function createAlertReceiver(
  db: Db,
  input: unknown,
  opts: { actor: string },
): Promise<AlertReceiverView> {
  const receiver = parseReceiver(input);
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.alertReceiver.create({
        data: {
          name: receiver.name,
          kind: receiver.kind,
          config: receiver,
          createdBy: opts.actor,
          updatedBy: opts.actor,
        },
      });
      await writeAudit(tx, {
        actor: opts.actor,
        action: 'alert_receiver.create',
        entity: 'alert_receiver',
        entityId: row.id,
        after: { name: row.name, revision: row.revision, receiver: maskReceiver(receiver) },
      });
      return toView(row, { reveal: true });
    }, TX_OPTIONS);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new TributaryError('conflict', `a receiver ${JSON.stringify(receiver.name)} already exists`);
    }
    throw err;
  }
}

/** Replaces the receiver's config; `input` is {revision, receiver}. It keeps its name. */
export async function updateAlertReceiver(
  db: Db,
  name: string,
  input: unknown,
  opts: { actor: string },
): Promise<AlertReceiverView> {
  const change = parseOrRefuse(updateAlertReceiverInputSchema, input, 'receiver change');
  const receiver = parseReceiver(change.receiver);
  if (receiver.name !== name) {
    throw fieldRefusal(
      'receiver',
      'name',
      `a receiver keeps its name (${name}); routing refers to it by name`,
    );
  }
  return db.$transaction(async (tx) => {
    const before = await tx.alertReceiver.findUnique({ where: { name } });
    if (!before) throw notFound('receiver', name);
    const updated = await tx.alertReceiver.updateMany({
      where: { id: before.id, revision: change.revision },
      data: { kind: receiver.kind, config: receiver, revision: { increment: 1 }, updatedBy: opts.actor },
    });
    if (updated.count === 0) throw staleRevision('receiver', name, before.revision, change.revision);
    const row = await tx.alertReceiver.findUniqueOrThrow({ where: { id: before.id } });
    const previous = receiverSchema.safeParse(before.config);
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'alert_receiver.update',
      entity: 'alert_receiver',
      entityId: row.id,
      before: { revision: before.revision, receiver: previous.success ? maskReceiver(previous.data) : null },
      after: { revision: row.revision, receiver: maskReceiver(receiver) },
    });
    return toView(row, { reveal: true });
  }, TX_OPTIONS);
}

/** Refused while the routing tree sends to it (the refusal names the routes). */
export async function deleteAlertReceiver(db: Db, name: string, opts: { actor: string }): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockNotificationConfig(tx);
    const row = await tx.alertReceiver.findUnique({ where: { name } });
    if (!row) throw notFound('receiver', name);
    const stored = await storedPolicy(tx);
    const users = stored ? routesUsingReceiver(stored.policy, name) : [];
    if (users.length > 0) {
      throw new TributaryError(
        'conflict',
        `receiver ${JSON.stringify(name)} is used by routing: ${users.map((u) => u.label).join('; ')}; ` +
          'change those routes first',
        { routes: users.map((u) => u.path) },
      );
    }
    await tx.alertReceiver.delete({ where: { id: row.id } });
    const previous = receiverSchema.safeParse(row.config);
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'alert_receiver.delete',
      entity: 'alert_receiver',
      entityId: row.id,
      before: {
        name: row.name,
        revision: row.revision,
        receiver: previous.success ? maskReceiver(previous.data) : null,
      },
    });
  }, TX_OPTIONS);
}
