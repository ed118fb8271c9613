import { publicErrorSchema, TributaryError } from '@tributary/contracts';
import {
  checkSchemaDocument,
  deleteVersion,
  deprecateVersion,
  getSubject,
  listSubjects,
  listVersions,
  MAX_SCHEMA_BYTES,
  registerVersion,
  setEnforcement,
  setMode,
  SUBJECT_NAME_RE,
  testCompatibility,
  type SchemaDocument,
} from '@tributary/registry';
import { z } from 'zod';
import { compatibilityModes } from '../../components/schemas/modes.ts';
import { describeSyntaxProblem, parseSchemaText } from '../../components/schemas/schema-text.ts';
import { auditName, type Permission } from '../auth/actor.ts';
import { getDb } from '../db.ts';
import { publicError } from '../errors/classify.ts';
import {
  checkEventsAgainst,
  getSubjectTraffic,
  hasEventsForVersion,
  sampleRecentEvents,
  type SubjectTraffic,
} from '../queries/schemas.ts';
import { afterRegistryChange } from '../registry-events.ts';
import { procedure, router } from '../trpc.ts';

/** Events sampled by the traffic check: the newest of the last 24 h. */
export const TRAFFIC_SAMPLE = 1000;

const subjectName = z.string().regex(SUBJECT_NAME_RE, 'use 1-128 characters of A-Z a-z 0-9 _ . : -');
// Characters, not bytes; the registry enforces the byte limit on the parsed schema.
const schemaText = z.string().max(MAX_SCHEMA_BYTES * 2);
const versionNumber = z.number().int().min(1);
const mode = z.enum(compatibilityModes);
const enforcement = z.enum(['enforce', 'observe']);

const subjectSummary = z.object({
  name: z.string(),
  mode,
  enforcement,
  description: z.string().nullable(),
  owner: z.string().nullable(),
  latestVersion: z.number().nullable(),
  versionCount: z.number(),
  updatedAt: z.string(),
  events24h: z.number().nullable(),
  lastSeenAt: z.number().nullable(),
});

const versionOut = z.object({
  version: z.number(),
  status: z.enum(['active', 'deprecated']),
  schema: z.record(z.string(), z.unknown()),
  description: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
});

const reasonOut = z.object({
  path: z.string(),
  rule: z.string(),
  direction: z.enum(['backward', 'forward']),
  againstVersion: z.number().optional(),
  message: z.string(),
});

const checkOut = z.object({
  syntaxError: z.string().nullable(),
  documentErrors: z.array(z.string()),
  /** null while the text is not a valid schema, or for a subject that does not exist yet. */
  mode: mode.nullable(),
  compatible: z.boolean().nullable(),
  reasons: z.array(reasonOut),
  checkedVersions: z.array(z.number()),
});

const trafficOut = z.object({
  checked: z.number(),
  failing: z.number(),
  examples: z.array(z.object({ event_id: z.string(), messages: z.array(z.string()) })),
  sampleLimit: z.number(),
  windowHours: z.number(),
});

const registryProcedure = (permission: Permission) =>
  procedure(permission).use(({ next }) => next({ ctx: { db: getDb() } }));

type SubjectRow = Awaited<ReturnType<typeof listSubjects>>[number];

function toSummary(s: SubjectRow, traffic: SubjectTraffic | undefined, trafficKnown: boolean) {
  return {
    name: s.name,
    mode: s.compatibility,
    enforcement: s.enforcement,
    description: s.description,
    owner: s.owner,
    latestVersion: s.latestVersion,
    versionCount: s.versionCount,
    updatedAt: s.updatedAt.toISOString(),
    events24h: trafficKnown ? (traffic?.events24h ?? 0) : null,
    lastSeenAt: traffic?.lastSeenAt ?? null,
  };
}

/** Parses and validates candidate text, or throws the error the editor would show. */
function candidateDocument(text: string): SchemaDocument {
  const parsed = parseSchemaText(text);
  if (!parsed.ok) {
    throw new TributaryError(
      'bad_request',
      `schema is not valid JSON: ${describeSyntaxProblem(parsed.problem)}`,
    );
  }
  return checkSchemaDocument(parsed.value);
}

function documentErrors(err: unknown): string[] | null {
  if (!(err instanceof TributaryError) || (err.code !== 'bad_request' && err.code !== 'payload_too_large')) {
    return null;
  }
  const problems = (err.details as { problems?: unknown } | undefined)?.problems;
  return Array.isArray(problems) && problems.length > 0 ? problems.map(String) : [err.message];
}

export const schemasRouter = router({
  list: registryProcedure('schemas:read')
    .output(z.object({ subjects: z.array(subjectSummary), trafficError: publicErrorSchema.nullable() }))
    .query(async ({ ctx }) => {
      const subjects = await listSubjects(ctx.db);
      // The registry is usable while ClickHouse is down: volumes are then shown as unknown.
      const traffic = await getSubjectTraffic(
        ctx.clickhouse,
        subjects.map((s) => s.name),
      ).then(
        (t) => ({ ok: true as const, t }),
        (err: unknown) => ({ ok: false as const, error: publicError(err) }),
      );
      return {
        subjects: subjects.map((s) =>
          toSummary(s, traffic.ok ? traffic.t.get(s.name) : undefined, traffic.ok),
        ),
        trafficError: traffic.ok ? null : traffic.error,
      };
    }),

  detail: registryProcedure('schemas:read')
    .input(z.object({ subject: subjectName }))
    .output(
      z.object({
        subject: subjectSummary,
        versions: z.array(versionOut),
        trafficError: publicErrorSchema.nullable(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const [subject, versions] = await Promise.all([
        getSubject(ctx.db, input.subject),
        listVersions(ctx.db, input.subject),
      ]);
      const traffic = await getSubjectTraffic(ctx.clickhouse, [subject.name]).then(
        (t) => ({ ok: true as const, t }),
        (err: unknown) => ({ ok: false as const, error: publicError(err) }),
      );
      return {
        subject: toSummary(subject, traffic.ok ? traffic.t.get(subject.name) : undefined, traffic.ok),
        versions: versions.map((v) => ({
          version: v.version,
          status: v.status,
          schema: v.schema,
          description: v.description,
          createdAt: v.createdAt.toISOString(),
          createdBy: v.createdBy,
        })),
        trafficError: traffic.ok ? null : traffic.error,
      };
    }),

  /** What registering `text` would meet: syntax, document validity, then compatibility. */
  check: registryProcedure('schemas:read')
    .input(z.object({ subject: subjectName, text: schemaText }))
    .output(checkOut)
    .query(async ({ ctx, input }) => {
      const empty = { documentErrors: [], mode: null, compatible: null, reasons: [], checkedVersions: [] };
      const parsed = parseSchemaText(input.text);
      if (!parsed.ok) return { ...empty, syntaxError: describeSyntaxProblem(parsed.problem) };
      try {
        checkSchemaDocument(parsed.value);
      } catch (err) {
        const errors = documentErrors(err);
        if (!errors) throw err;
        return { ...empty, syntaxError: null, documentErrors: errors };
      }
      const [verdict, subject] = await Promise.all([
        testCompatibility(ctx.db, input.subject, parsed.value),
        getSubject(ctx.db, input.subject).catch((err: unknown) => {
          if (err instanceof TributaryError && err.code === 'not_found') return null;
          throw err;
        }),
      ]);
      return {
        syntaxError: null,
        documentErrors: [],
        mode: subject?.compatibility ?? null,
        compatible: verdict.compatible,
        reasons: verdict.reasons.map((r) => ({
          path: r.path,
          rule: r.rule,
          direction: r.direction,
          againstVersion: r.againstVersion,
          message: r.message,
        })),
        checkedVersions: verdict.checkedVersions,
      };
    }),

  /** Runs the candidate over recent real events of this type, as ingest would validate them. */
  // A mutation only for the size of its input; operators run it (issue 9: traffic check is theirs).
  trafficCheck: registryProcedure('dlq:operate')
    .input(
      z.object({
        subject: subjectName,
        text: schemaText,
        limit: z.number().int().min(1).max(TRAFFIC_SAMPLE).optional(),
      }),
    )
    .output(trafficOut)
    .mutation(async ({ ctx, input }) => {
      const doc = candidateDocument(input.text);
      const limit = input.limit ?? TRAFFIC_SAMPLE;
      const events = await sampleRecentEvents(ctx.clickhouse, input.subject, limit);
      return { ...checkEventsAgainst(doc, events), sampleLimit: limit, windowHours: 24 };
    }),

  register: registryProcedure('schemas:write')
    .input(z.object({ subject: subjectName, text: schemaText, description: z.string().max(2000).optional() }))
    .output(z.object({ version: z.number(), created: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const doc = candidateDocument(input.text);
      const result = await registerVersion(ctx.db, input.subject, doc, {
        actor: auditName(ctx.actor),
        ...(input.description ? { description: input.description } : {}),
      });
      // Also when nothing changed: re-registering the latest schema re-publishes it.
      await afterRegistryChange(input.subject);
      return { version: result.version.version, created: result.created };
    }),

  setMode: registryProcedure('schemas:write')
    .input(z.object({ subject: subjectName, mode }))
    .output(z.object({ mode }))
    .mutation(async ({ ctx, input }) => {
      const subject = await setMode(ctx.db, input.subject, input.mode, { actor: auditName(ctx.actor) });
      await afterRegistryChange(input.subject);
      return { mode: subject.compatibility };
    }),

  /** `observe` makes ingest accept (and mark) events that fail validation. */
  setEnforcement: registryProcedure('schemas:write')
    .input(z.object({ subject: subjectName, enforcement }))
    .output(z.object({ enforcement }))
    .mutation(async ({ ctx, input }) => {
      const subject = await setEnforcement(ctx.db, input.subject, input.enforcement, {
        actor: auditName(ctx.actor),
      });
      await afterRegistryChange(input.subject);
      return { enforcement: subject.enforcement };
    }),

  deprecate: registryProcedure('schemas:write')
    .input(z.object({ subject: subjectName, version: versionNumber }))
    .output(z.object({ version: z.number(), status: z.enum(['active', 'deprecated']) }))
    .mutation(async ({ ctx, input }) => {
      const v = await deprecateVersion(ctx.db, input.subject, input.version, { actor: auditName(ctx.actor) });
      await afterRegistryChange(input.subject);
      return { version: v.version, status: v.status };
    }),

  delete: registryProcedure('schemas:write')
    .input(z.object({ subject: subjectName, version: versionNumber }))
    .output(z.object({ version: z.number() }))
    .mutation(async ({ ctx, input }) => {
      const v = await deleteVersion(ctx.db, input.subject, input.version, {
        actor: auditName(ctx.actor),
        hasEvents: (subject, version) => hasEventsForVersion(ctx.clickhouse, subject, version),
      });
      await afterRegistryChange(input.subject);
      return { version: v.version };
    }),
});
