import {
  encodeControlRecord,
  type ControlRecord,
  type SourceControlRecord,
  type SourceControlState,
  type SubjectControlRecord,
} from '@tributary/contracts';
import type { Db } from '@tributary/db';

/**
 * What publishing needs of a Kafka producer (structurally `Producer` of @tributary/kafka, which
 * this package does not depend on): resolves once the broker acknowledged the messages.
 */
export interface ControlProducer {
  send(topic: string, messages: Array<{ key: string; value: string }>): Promise<void>;
}

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

// NOTE: the revision is the transaction's start time (now()), read in a REPEATABLE READ
// transaction whose snapshot is taken by a later statement. A change is published only after
// it committed (the outbox relay sees a change's row only once it committed), so the
// publisher's transaction starts after that commit and its revision is higher than that of
// every read that could not see the change.
const SNAPSHOT = { isolationLevel: 'RepeatableRead' as const, maxWait: 10_000, timeout: 30_000 };

async function revisionOf(tx: Tx): Promise<number> {
  const [row] = await tx.$queryRaw<
    Array<{ rev: bigint }>
  >`SELECT (extract(epoch FROM now()) * 1000000)::bigint AS rev`;
  return Number(row!.rev);
}

type SubjectRow = NonNullable<Awaited<ReturnType<typeof findSubject>>>;

function findSubject(tx: Tx, name: string) {
  return tx.subject.findUnique({
    where: { name },
    include: { versions: { orderBy: { version: 'asc' } } },
  });
}

function subjectRecord(name: string, revision: number, row: SubjectRow | null): SubjectControlRecord {
  if (!row) return { kind: 'subject', name, revision, state: null };
  return {
    kind: 'subject',
    name,
    revision,
    state: {
      compatibility: row.compatibility,
      enforcement: row.enforcement,
      latestVersion: row.versions.at(-1)?.version ?? null,
      versions: row.versions
        .filter((v) => v.status === 'active')
        // Rows are written only through this package, which checked each schema is an object.
        .map((v) => ({ version: v.version, schema: v.schema as Record<string, unknown> })),
    },
  };
}

/** The subject's full current state as a control record; a tombstone when it does not exist. */
export async function subjectState(db: Db, name: string): Promise<SubjectControlRecord> {
  return db.$transaction(async (tx) => {
    const revision = await revisionOf(tx);
    return subjectRecord(name, revision, await findSubject(tx, name));
  }, SNAPSHOT);
}

export async function sourceState(db: Db, name: string): Promise<SourceControlRecord> {
  return db.$transaction(async (tx) => {
    const revision = await revisionOf(tx);
    const row = await tx.source.findUnique({ where: { name } });
    return {
      kind: 'source',
      name,
      revision,
      state: row ? sourceStateOf(row) : null,
    };
  }, SNAPSHOT);
}

function sourceStateOf(row: {
  unknownEventTypes: 'allow' | 'reject';
  rateLimitPerSecond: number | null;
  rateLimitBurst: number | null;
}): SourceControlState {
  return {
    unknownEventTypes: row.unknownEventTypes,
    rateLimit:
      row.rateLimitPerSecond === null && row.rateLimitBurst === null
        ? null
        : { eventsPerSecond: row.rateLimitPerSecond, burst: row.rateLimitBurst },
  };
}

/**
 * Every subject and source, read in one snapshot: what a service loads at start (and what
 * `publishAll` sends). `revision` is the snapshot's; every record carries it.
 */
export async function controlSnapshot(db: Db): Promise<{ revision: number; records: ControlRecord[] }> {
  return db.$transaction(async (tx) => {
    const revision = await revisionOf(tx);
    const subjects = await tx.subject.findMany({
      include: { versions: { orderBy: { version: 'asc' } } },
      orderBy: { name: 'asc' },
    });
    const sources = await tx.source.findMany({ orderBy: { name: 'asc' } });
    const records: ControlRecord[] = [
      ...subjects.map((s) => subjectRecord(s.name, revision, s)),
      ...sources.map(
        (s): SourceControlRecord => ({
          kind: 'source',
          name: s.name,
          revision,
          state: sourceStateOf(s),
        }),
      ),
    ];
    return { revision, records };
  }, SNAPSHOT);
}

/**
 * Publishes the subject's current state (read after the change committed) straight to the topic.
 * NOTE: changes made through this package's write functions need no call: they wrote a control
 * outbox row in their own transaction, which the console's outbox relay publishes
 * (docs/decisions/control-outbox.md). This is for setup and for tests that drive the topic.
 */
export async function publishSubject(
  producer: ControlProducer,
  topic: string,
  db: Db,
  name: string,
): Promise<SubjectControlRecord> {
  const record = await subjectState(db, name);
  await producer.send(topic, [encodeControlRecord(record)]);
  return record;
}

export async function publishSource(
  producer: ControlProducer,
  topic: string,
  db: Db,
  name: string,
): Promise<SourceControlRecord> {
  const record = await sourceState(db, name);
  await producer.send(topic, [encodeControlRecord(record)]);
  return record;
}

/** Publishes every subject and source, e.g. after seeding or to repair a lost topic. */
export async function publishAll(producer: ControlProducer, topic: string, db: Db): Promise<number> {
  const { records } = await controlSnapshot(db);
  if (records.length > 0) await producer.send(topic, records.map(encodeControlRecord));
  return records.length;
}
