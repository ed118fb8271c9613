import { TributaryError } from '@tributary/contracts';
import { enqueueControl } from '@tributary/control';
import { writeAudit, type AuditEntry, type Db } from '@tributary/db';
import { canonicalJson } from './canonical-json.ts';
import { checkAgainst } from './compat.ts';
import {
  assertSubjectName,
  checkExamples,
  checkFieldTags,
  checkMetadataSize,
  checkSchemaDocument,
} from './validate.ts';
import { toVersionView, type VersionView } from './views.ts';

export interface RegisterOptions {
  actor: string;
  description?: string;
  examples?: unknown;
  fieldTags?: unknown;
}

export interface RegisterResult {
  /** false when the identical schema already was the latest version (nothing written). */
  created: boolean;
  version: VersionView;
}

const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

/**
 * Adds a version to `subject` (creating the subject on first registration) when the schema is
 * valid and compatible with the subject's active versions under its mode. Registering the schema
 * that already is the latest version returns that version. All or nothing: one transaction.
 */
export async function registerVersion(
  db: Db,
  subject: string,
  schema: unknown,
  opts: RegisterOptions,
): Promise<RegisterResult> {
  assertSubjectName(subject);
  const doc = checkSchemaDocument(schema);
  const examples = checkExamples(doc, opts.examples);
  const fieldTags = checkFieldTags(opts.fieldTags);
  checkMetadataSize(examples, fieldTags);
  const canonical = canonicalJson(doc);

  const attempt = () =>
    db.$transaction(async (tx) => {
      let row = await tx.subject.findUnique({ where: { name: subject } });
      if (!row) {
        row = await tx.subject.create({ data: { name: subject, description: opts.description ?? null } });
        await writeAudit(tx, {
          actor: opts.actor,
          action: 'subject.create',
          entity: 'subject',
          entityId: row.id,
          after: { name: row.name, compatibility: row.compatibility, enforcement: row.enforcement },
        });
      }
      // NOTE: serializes registrations per subject. Without the row lock, two concurrent
      // registrations would each check against the same versions and both be accepted.
      await tx.$queryRaw`SELECT id FROM subjects WHERE id = ${row.id} FOR UPDATE`;
      const locked = await tx.subject.findUniqueOrThrow({ where: { id: row.id } });
      const versions = await tx.schemaVersion.findMany({
        where: { subjectId: locked.id },
        orderBy: { version: 'asc' },
      });
      const latest = versions.at(-1);
      if (latest && canonicalJson(latest.schema) === canonical) {
        return { created: false, version: toVersionView(subject, latest) };
      }
      const active = versions.filter((v) => v.status === 'active');
      const verdict = checkAgainst(active, doc, locked.compatibility, locked.lastVersion + 1);
      if (!verdict.compatible) {
        const first = verdict.reasons[0];
        throw new TributaryError(
          'conflict',
          `schema is not ${locked.compatibility} compatible with subject ${JSON.stringify(subject)}` +
            (first ? `: ${first.message}` : ''),
          { reasons: verdict.reasons },
        );
      }
      const { lastVersion } = await tx.subject.update({
        where: { id: locked.id },
        data: { lastVersion: { increment: 1 } },
      });
      const created = await tx.schemaVersion.create({
        data: {
          subjectId: locked.id,
          version: lastVersion,
          schema: doc as object,
          description: opts.description ?? null,
          ...(examples !== undefined ? { examples: examples as object } : {}),
          ...(fieldTags !== undefined ? { fieldTags } : {}),
          createdBy: opts.actor,
        },
      });
      const view = toVersionView(subject, created);
      await writeAudit(tx, {
        actor: opts.actor,
        action: 'schema_version.register',
        entity: 'schema_version',
        entityId: created.id,
        after: auditSnapshot(view),
      });
      // Same transaction: the hint commits with the version or not at all (control-outbox.md).
      await enqueueControl(tx, [{ kind: 'subject', name: subject }]);
      return { created: true, version: view };
    }, TX_OPTIONS);

  try {
    return await attempt();
  } catch (err) {
    // Two first registrations of a new subject race on its unique name; the loser retries and
    // then finds the subject (and, for the identical schema, the winner's version).
    if (isUniqueViolation(err)) return attempt();
    throw err;
  }
}

export function auditSnapshot(v: VersionView): NonNullable<AuditEntry['after']> {
  return {
    subject: v.subject,
    version: v.version,
    status: v.status,
    // Plain JSON read from (or about to be written to) a jsonb column.
    schema: v.schema as object,
    description: v.description,
    examples: v.examples as object | null,
    fieldTags: v.fieldTags,
    createdBy: v.createdBy,
  };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}
