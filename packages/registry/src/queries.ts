import { TributaryError } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import { toVersionView, type SubjectView, type VersionView } from './views.ts';

export type VersionRef = number | 'latest';

const subjectInclude = {
  versions: { select: { version: true }, orderBy: { version: 'desc' as const } },
};

type SubjectWithVersions = Awaited<ReturnType<typeof findSubjectRow>>;

function findSubjectRow(db: Db, name: string) {
  return db.subject.findUnique({ where: { name }, include: subjectInclude });
}

function toSubjectView(row: NonNullable<SubjectWithVersions>): SubjectView {
  return {
    name: row.name,
    compatibility: row.compatibility,
    enforcement: row.enforcement,
    owner: row.owner,
    description: row.description,
    latestVersion: row.versions[0]?.version ?? null,
    versionCount: row.versions.length,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function subjectNotFound(name: string): TributaryError {
  return new TributaryError('not_found', `no subject ${JSON.stringify(name)} is registered`);
}

export async function listSubjects(db: Db): Promise<SubjectView[]> {
  const rows = await db.subject.findMany({ include: subjectInclude, orderBy: { name: 'asc' } });
  return rows.map(toSubjectView);
}

export async function getSubject(db: Db, name: string): Promise<SubjectView> {
  const row = await findSubjectRow(db, name);
  if (!row) throw subjectNotFound(name);
  return toSubjectView(row);
}

/** Every existing version of a subject, oldest first. */
export async function listVersions(db: Db, subject: string): Promise<VersionView[]> {
  const row = await db.subject.findUnique({
    where: { name: subject },
    include: { versions: { orderBy: { version: 'asc' } } },
  });
  if (!row) throw subjectNotFound(subject);
  return row.versions.map((v) => toVersionView(subject, v));
}

export async function getVersion(db: Db, subject: string, ref: VersionRef): Promise<VersionView> {
  const row = await db.subject.findUnique({
    where: { name: subject },
    include: {
      versions:
        ref === 'latest' ? { orderBy: { version: 'desc' }, take: 1 } : { where: { version: ref }, take: 1 },
    },
  });
  if (!row) throw subjectNotFound(subject);
  const version = row.versions[0];
  if (!version) {
    throw new TributaryError(
      'not_found',
      ref === 'latest'
        ? `subject ${JSON.stringify(subject)} has no versions`
        : `subject ${JSON.stringify(subject)} has no version ${ref}`,
    );
  }
  return toVersionView(subject, version);
}
