import { TributaryError } from '@tributary/contracts';
import { compatibilityModes, type CompatibilityMode } from '@tributary/schema-compat';
import { enqueueControl } from '@tributary/control';
import { writeAudit, type Db } from '@tributary/db';
import { getSubject, subjectNotFound } from './queries.ts';
import { auditSnapshot } from './register.ts';
import { toVersionView, type Enforcement, type SubjectView, type VersionView } from './views.ts';

export interface ActorOptions {
  actor: string;
}

export interface DeleteOptions extends ActorOptions {
  /**
   * Whether stored events were validated against this version (the console asks ClickHouse).
   * Without it, only the latest version may be deleted.
   */
  hasEvents?: (subject: string, version: number) => Promise<boolean>;
}

function versionNotFound(subject: string, version: number): TributaryError {
  return new TributaryError('not_found', `subject ${JSON.stringify(subject)} has no version ${version}`);
}

/**
 * Sets one of a subject's settings in a transaction with its audit row; setting the value it
 * already has writes nothing. Mode and enforcement changes both go through here.
 */
export async function setSubjectSetting<F extends 'compatibility' | 'enforcement'>(
  db: Db,
  subject: string,
  field: F,
  value: F extends 'compatibility' ? CompatibilityMode : Enforcement,
  opts: ActorOptions & { action: string },
): Promise<SubjectView> {
  await db.$transaction(async (tx) => {
    const row = await tx.subject.findUnique({ where: { name: subject } });
    if (!row) throw subjectNotFound(subject);
    if (row[field] === value) return;
    await tx.subject.update({ where: { id: row.id }, data: { [field]: value } });
    await writeAudit(tx, {
      actor: opts.actor,
      action: opts.action,
      entity: 'subject',
      entityId: row.id,
      before: { name: subject, [field]: row[field] },
      after: { name: subject, [field]: value },
    });
    await enqueueControl(tx, [{ kind: 'subject', name: subject }]);
  });
  return getSubject(db, subject);
}

/** Changes how later registrations are checked; existing versions are not re-checked. */
export async function setMode(
  db: Db,
  subject: string,
  mode: CompatibilityMode,
  opts: ActorOptions,
): Promise<SubjectView> {
  if (!(compatibilityModes as readonly string[]).includes(mode)) {
    throw new TributaryError(
      'bad_request',
      `unknown compatibility mode ${JSON.stringify(mode)}; one of ${compatibilityModes.join(', ')}`,
    );
  }
  return setSubjectSetting(db, subject, 'compatibility', mode, { ...opts, action: 'subject.set_mode' });
}

/**
 * A deprecated version stays readable (events may name it) but no longer constrains new
 * versions: compatibility is checked against active versions only.
 */
export async function deprecateVersion(
  db: Db,
  subject: string,
  version: number,
  opts: ActorOptions,
): Promise<VersionView> {
  return db.$transaction(async (tx) => {
    const row = await tx.subject.findUnique({
      where: { name: subject },
      include: { versions: { where: { version } } },
    });
    if (!row) throw subjectNotFound(subject);
    const current = row.versions[0];
    if (!current) throw versionNotFound(subject, version);
    if (current.status === 'deprecated') return toVersionView(subject, current);
    const updated = await tx.schemaVersion.update({
      where: { id: current.id },
      data: { status: 'deprecated' },
    });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'schema_version.deprecate',
      entity: 'schema_version',
      entityId: current.id,
      before: { subject, version, status: current.status },
      after: { subject, version, status: updated.status },
    });
    await enqueueControl(tx, [{ kind: 'subject', name: subject }]);
    return toVersionView(subject, updated);
  });
}

/**
 * Removes a version. Refused while events reference it (per `hasEvents`), or, without that
 * check, when it is not the latest version. Its number is never issued again.
 */
export async function deleteVersion(
  db: Db,
  subject: string,
  version: number,
  opts: DeleteOptions,
): Promise<VersionView> {
  // Asked before the transaction: a ClickHouse query must not hold a Postgres row lock open.
  const referenced = opts.hasEvents ? await opts.hasEvents(subject, version) : null;
  return db.$transaction(async (tx) => {
    const row = await tx.subject.findUnique({ where: { name: subject } });
    if (!row) throw subjectNotFound(subject);
    // Same lock as registerVersion: "latest" must not change between the check and the delete.
    await tx.$queryRaw`SELECT id FROM subjects WHERE id = ${row.id} FOR UPDATE`;
    const newest = await tx.schemaVersion.findFirst({
      where: { subjectId: row.id },
      orderBy: { version: 'desc' },
      select: { version: true },
    });
    const current = await tx.schemaVersion.findUnique({
      where: { subjectId_version: { subjectId: row.id, version } },
    });
    if (!current) throw versionNotFound(subject, version);
    if (referenced === true) {
      throw new TributaryError(
        'conflict',
        `version ${version} of ${JSON.stringify(subject)} cannot be deleted: stored events reference it (deprecate it instead)`,
      );
    }
    const latest = newest?.version;
    if (referenced === null && latest !== version) {
      throw new TributaryError(
        'conflict',
        `version ${version} of ${JSON.stringify(subject)} cannot be deleted: only the latest version (${latest}) ` +
          'can be deleted unless stored events are checked; deprecate it instead',
      );
    }
    await tx.schemaVersion.delete({ where: { id: current.id } });
    const view = toVersionView(subject, current);
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'schema_version.delete',
      entity: 'schema_version',
      entityId: current.id,
      before: auditSnapshot(view),
    });
    await enqueueControl(tx, [{ kind: 'subject', name: subject }]);
    return view;
  });
}
