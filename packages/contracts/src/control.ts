import { z } from 'zod';

/**
 * Records of the compacted control topic. Each key carries the *full* current state of one
 * piece of configuration (never a delta), so a service that replays the topic from the
 * beginning, or loads the same state from Postgres, ends with the same picture.
 *
 * `revision` orders states of a key: the Postgres transaction time at which the state was read
 * (microseconds since the epoch). A consumer keeps the state with the highest revision, so a
 * stale record (replayed from the topic after a fresher load from Postgres, or sent late by a
 * slower publisher) never overwrites a newer one.
 *
 * CRITICAL: a record is a HINT that something changed, not the authority on what. Ingest
 * re-reads the named piece from Postgres when one arrives and never applies a record's state
 * itself, so a record written by someone who reached the broker changes nothing (see
 * docs/decisions/key-revocation.md). Other readers should do the same.
 */

/** Every kind of thing a control record can name. */
export const controlKinds = ['subject', 'source', 'write_keys', 'processor', 'lookup_table'] as const;
export type ControlKind = (typeof controlKinds)[number];

export const controlKeys = {
  subject: (name: string) => `subject:${name}`,
  source: (name: string) => `source:${name}`,
  /** The write keys of a source changed (issued, revoked): re-check cached keys. */
  write_keys: (source: string) => `write_keys:${source}`,
  /** A processor changed (version published, paused, resumed, rolled back): re-read it. */
  processor: (name: string) => `processor:${name}`,
  /** A lookup table got a new version: re-read it. */
  lookup_table: (name: string) => `lookup_table:${name}`,
} as const satisfies Record<ControlKind, (name: string) => string>;

const revision = z.number().int().nonnegative();

export const subjectControlStateSchema = z.object({
  compatibility: z.string(),
  enforcement: z.enum(['enforce', 'observe']),
  /** Highest existing version number (active or deprecated), null when none exists. */
  latestVersion: z.number().int().positive().nullable(),
  /** Active versions only, oldest first: deprecated ones no longer validate events. */
  versions: z.array(
    z.object({
      version: z.number().int().positive(),
      schema: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type SubjectControlState = z.infer<typeof subjectControlStateSchema>;

export const sourceControlStateSchema = z.object({
  unknownEventTypes: z.enum(['allow', 'reject']),
  /**
   * Token bucket of each write key of the source, in events; null (or absent, in records
   * written before limits existed): ingest's configured default.
   */
  rateLimit: z
    .object({
      eventsPerSecond: z.number().int().positive().nullable(),
      burst: z.number().int().positive().nullable(),
    })
    .nullable()
    .optional(),
});
export type SourceControlState = z.infer<typeof sourceControlStateSchema>;

/** `state: null` is the tombstone: the subject or source no longer exists. */
export const controlRecordSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('subject'),
    name: z.string().min(1),
    revision,
    state: subjectControlStateSchema.nullable(),
  }),
  z.object({
    kind: z.literal('source'),
    name: z.string().min(1),
    revision,
    state: sourceControlStateSchema.nullable(),
  }),
]);
export type ControlRecord = z.infer<typeof controlRecordSchema>;
export type SubjectControlRecord = Extract<ControlRecord, { kind: 'subject' }>;
export type SourceControlRecord = Extract<ControlRecord, { kind: 'source' }>;

/** Carries no state at all: the keys themselves are only in Postgres (as hashes). */
export const writeKeysHintSchema = z.object({
  kind: z.literal('write_keys'),
  /** The source whose keys changed. */
  name: z.string().min(1),
  revision,
});
export type WriteKeysHint = z.infer<typeof writeKeysHintSchema>;

/** Processor and lookup-table hints carry no state either: followers re-read Postgres. */
export const processorHintSchema = z.object({
  kind: z.literal('processor'),
  name: z.string().min(1),
  revision,
});
export const lookupTableHintSchema = z.object({
  kind: z.literal('lookup_table'),
  name: z.string().min(1),
  revision,
});

/** Anything the control topic carries: state records and hints. */
export const controlMessageSchema = z.discriminatedUnion('kind', [
  ...controlRecordSchema.options,
  writeKeysHintSchema,
  processorHintSchema,
  lookupTableHintSchema,
]);
export type ControlMessage = z.infer<typeof controlMessageSchema>;

export function controlKeyOf(record: ControlMessage): string {
  return controlKeys[record.kind](record.name);
}

export function encodeControlRecord(record: ControlMessage): { key: string; value: string } {
  return { key: controlKeyOf(record), value: JSON.stringify(record) };
}

/** A state record (subject or source) checked against its schema and its key, or why it cannot be used. */
export function decodeControlRecord(
  key: string | null,
  value: Buffer,
): { ok: true; record: ControlRecord } | { ok: false; reason: string } {
  const decoded = decodeControlMessage(key, value);
  if (!decoded.ok) return decoded;
  const { record } = decoded;
  if (record.kind !== 'subject' && record.kind !== 'source') {
    return { ok: false, reason: `a ${record.kind} hint carries no state` };
  }
  return { ok: true, record };
}

/** Any control message checked against its schema and its key, or why it cannot be used. */
export function decodeControlMessage(
  key: string | null,
  value: Buffer,
): { ok: true; record: ControlMessage } | { ok: false; reason: string } {
  if (value.length === 0) return { ok: false, reason: 'empty value (a Kafka tombstone) is not used' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  const result = controlMessageSchema.safeParse(parsed);
  if (!result.success) return { ok: false, reason: z.prettifyError(result.error) };
  if (key !== controlKeyOf(result.data)) {
    return { ok: false, reason: `key ${JSON.stringify(key)} does not match the record's` };
  }
  return { ok: true, record: result.data };
}

/** What a follower takes from a record: which thing changed. Never its state (see above). */
export interface ControlHint {
  kind: ControlKind;
  name: string;
}

// Deliberately loose: only kind and name are read, so a record whose payload is stale, forged or
// from a newer publisher (more fields) still counts as the hint it is; its state is never used.
const controlHintSchema = z.object({ kind: z.enum(controlKinds), name: z.string().min(1) });

/**
 * The kind and name a control record hints at, checked against its key, or why it cannot be
 * used. Accepts every kind's records, with or without a state payload, old and new.
 */
export function decodeControlHint(
  key: string | null,
  value: Buffer,
): { ok: true; hint: ControlHint } | { ok: false; reason: string } {
  if (value.length === 0) return { ok: false, reason: 'empty value (a Kafka tombstone) is not used' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  const result = controlHintSchema.safeParse(parsed);
  if (!result.success) return { ok: false, reason: z.prettifyError(result.error) };
  const hint = result.data;
  if (key !== controlKeys[hint.kind](hint.name)) {
    return { ok: false, reason: `key ${JSON.stringify(key)} does not match the record's` };
  }
  return { ok: true, hint };
}
