import { TributaryError } from '@tributary/contracts';
import { enqueueControl } from '@tributary/control';
import { writeAudit, type Db } from '@tributary/db';
import { setSubjectSetting, type ActorOptions } from './manage.ts';
import type { Enforcement, SubjectView } from './views.ts';

export type UnknownEventTypePolicy = 'allow' | 'reject';

export const enforcements = ['enforce', 'observe'] as const satisfies readonly Enforcement[];
export const unknownEventTypePolicies = [
  'allow',
  'reject',
] as const satisfies readonly UnknownEventTypePolicy[];

/** A source as the API and the console show it. */
export interface SourceView {
  name: string;
  description: string | null;
  unknownEventTypes: UnknownEventTypePolicy;
  /** Events per second and burst of each of its write keys; null: ingest's default. */
  rateLimit: { eventsPerSecond: number | null; burst: number | null };
  createdAt: Date;
}

function sourceNotFound(name: string): TributaryError {
  return new TributaryError('not_found', `no source ${JSON.stringify(name)} exists`);
}

function oneOf<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new TributaryError(
    'bad_request',
    `unknown ${what} ${JSON.stringify(value)}; one of ${allowed.join(', ')}`,
  );
}

/**
 * `observe` lets ingest accept events that fail validation (marking them) instead of rejecting
 * them. Takes effect in ingest once the outbox relay published the subject's hint.
 */
export async function setEnforcement(
  db: Db,
  subject: string,
  enforcement: Enforcement,
  opts: ActorOptions,
): Promise<SubjectView> {
  const wanted = oneOf('enforcement', enforcement, enforcements);
  return setSubjectSetting(db, subject, 'enforcement', wanted, {
    ...opts,
    action: 'subject.set_enforcement',
  });
}

export async function listSources(db: Db): Promise<SourceView[]> {
  const rows = await db.source.findMany({ orderBy: { name: 'asc' } });
  return rows.map((r) => ({
    name: r.name,
    description: r.description,
    unknownEventTypes: r.unknownEventTypes,
    rateLimit: { eventsPerSecond: r.rateLimitPerSecond, burst: r.rateLimitBurst },
    createdAt: r.createdAt,
  }));
}

/**
 * What ingest does with an event of this source whose type has no subject. Takes effect in
 * ingest once the outbox relay published the source's hint (written in this transaction).
 */
export async function setSourcePolicy(
  db: Db,
  sourceName: string,
  policy: UnknownEventTypePolicy,
  opts: ActorOptions,
): Promise<SourceView> {
  const wanted = oneOf('unknown-event-type policy', policy, unknownEventTypePolicies);
  return db.$transaction(async (tx) => {
    const row = await tx.source.findUnique({ where: { name: sourceName } });
    if (!row) throw sourceNotFound(sourceName);
    const view = (p: UnknownEventTypePolicy): SourceView => ({
      name: row.name,
      description: row.description,
      unknownEventTypes: p,
      rateLimit: { eventsPerSecond: row.rateLimitPerSecond, burst: row.rateLimitBurst },
      createdAt: row.createdAt,
    });
    if (row.unknownEventTypes === wanted) return view(wanted);
    await tx.source.update({ where: { id: row.id }, data: { unknownEventTypes: wanted } });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'source.set_policy',
      entity: 'source',
      entityId: row.id,
      before: { name: sourceName, unknownEventTypes: row.unknownEventTypes },
      after: { name: sourceName, unknownEventTypes: wanted },
    });
    await enqueueControl(tx, [{ kind: 'source', name: sourceName }]);
    return view(wanted);
  });
}
