import { silenceSchema, TributaryError } from '@tributary/contracts';
import { writeAudit, type Db } from '@tributary/db';
import { z } from 'zod';
import type { StoredSilence } from '../silences.ts';
import { parseOrRefuse, TX_OPTIONS } from './errors.ts';

/**
 * Silences as data. A silence is never edited: it is created (author and comment required) and
 * may be expired early, so "who silenced this, and why" stays what it was. Reads give the
 * library's StoredSilence, which the evaluator matches directly.
 */

export type AlertSilenceView = StoredSilence & { expiredBy: string | null };

type Row = NonNullable<Awaited<ReturnType<Db['alertSilence']['findUnique']>>>;

const storedMatchers = silenceSchema.shape.matchers;

function toView(row: Row): AlertSilenceView {
  return {
    id: row.id,
    matchers: storedMatchers.parse(row.matchers),
    startsAt: row.startsAt.getTime(),
    end: row.endsAt === null ? { kind: 'until_resolved' } : { kind: 'at', endsAt: row.endsAt.getTime() },
    createdBy: row.author,
    comment: row.comment,
    createdAt: row.createdAt.getTime(),
    endedAt: row.expiredAt?.getTime() ?? null,
    expiredBy: row.expiredBy,
  };
}

function silenceNotFound(id: string): TributaryError {
  return new TributaryError('not_found', `no silence ${JSON.stringify(id)}`);
}

const idSchema = z.uuid();

/**
 * `input` is contracts' silence without its author: the author is whoever creates it
 * (`opts.actor`), so a silence cannot be signed with someone else's name.
 */
export async function createAlertSilence(
  db: Db,
  input: unknown,
  opts: { actor: string },
): Promise<AlertSilenceView> {
  const body = input !== null && typeof input === 'object' ? { ...input, createdBy: opts.actor } : input;
  const silence = parseOrRefuse(silenceSchema, body, 'silence');
  return db.$transaction(async (tx) => {
    const row = await tx.alertSilence.create({
      data: {
        matchers: silence.matchers,
        startsAt: new Date(silence.startsAt),
        endsAt: silence.end.kind === 'at' ? new Date(silence.end.endsAt) : null,
        author: silence.createdBy,
        comment: silence.comment,
      },
    });
    const view = toView(row);
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'alert_silence.create',
      entity: 'alert_silence',
      entityId: row.id,
      after: {
        matchers: silence.matchers,
        startsAt: silence.startsAt,
        end: silence.end,
        comment: silence.comment,
      },
    });
    return view;
  }, TX_OPTIONS);
}

/**
 * Ends the silence now (or at `opts.at`: an "until resolved" silence whose alerts resolved).
 * Refused for one that already ended.
 */
export async function expireAlertSilence(
  db: Db,
  id: string,
  opts: { actor: string; at?: Date },
): Promise<AlertSilenceView> {
  if (!idSchema.safeParse(id).success) throw silenceNotFound(id);
  const at = opts.at ?? new Date();
  return db.$transaction(async (tx) => {
    const before = await tx.alertSilence.findUnique({ where: { id } });
    if (!before) throw silenceNotFound(id);
    const ended = before.expiredAt ?? (before.endsAt !== null && before.endsAt <= at ? before.endsAt : null);
    // The guard is in the WHERE: two expiries at once leave one audit row, not two.
    const updated = await tx.alertSilence.updateMany({
      where: { id, expiredAt: null },
      data: { expiredAt: at, expiredBy: opts.actor },
    });
    if (ended !== null || updated.count === 0) {
      throw new TributaryError(
        'conflict',
        `silence ${id} already ended at ${(ended ?? before.expiredAt ?? at).toISOString()}`,
      );
    }
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'alert_silence.expire',
      entity: 'alert_silence',
      entityId: id,
      before: { expiredAt: null },
      after: { expiredAt: at.toISOString() },
    });
    return toView(await tx.alertSilence.findUniqueOrThrow({ where: { id } }));
  }, TX_OPTIONS);
}

export async function getAlertSilence(db: Db, id: string): Promise<AlertSilenceView> {
  if (!idSchema.safeParse(id).success) throw silenceNotFound(id);
  const row = await db.alertSilence.findUnique({ where: { id } });
  if (!row) throw silenceNotFound(id);
  return toView(row);
}

/**
 * Silences not yet ended at `now` (in force or starting later), newest first; with
 * `includeEnded`, also the ones that ended (the most recent `limit`).
 */
export async function listAlertSilences(
  db: Db,
  opts: { now?: Date; includeEnded?: boolean; limit?: number } = {},
): Promise<AlertSilenceView[]> {
  const now = opts.now ?? new Date();
  const rows = await db.alertSilence.findMany({
    where: opts.includeEnded ? {} : { expiredAt: null, OR: [{ endsAt: null }, { endsAt: { gt: now } }] },
    orderBy: { createdAt: 'desc' },
    take: Math.min(opts.limit ?? 1000, 1000),
  });
  return rows.map(toView);
}
