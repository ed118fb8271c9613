import { randomUUID } from 'node:crypto';
import type { QueryTarget } from '@tributary/clickhouse';
import {
  partitionForEventId,
  REPLAY_HEADERS,
  type DeadLetter,
  type DlqReplayInput,
  type TopicNames,
} from '@tributary/contracts';
import type { OutgoingMessage, Producer } from '@tributary/kafka';
import type { SchemaRules } from '@tributary/pipeline';
import type { SqlPart } from './filter.ts';
import { selectedEntries, type StoredEntry } from './entries.ts';
import { reprocess } from './reprocess.ts';
import { recordStatus } from './status.ts';

export interface ReplayTransport {
  producer: Producer;
  topics: TopicNames;
  /** Partitions of a topic (events go to the partition their event_id maps to, as from ingest). */
  partitionCount(topic: string): Promise<number>;
}

export interface ReplayProgress {
  processed: number;
  sent: number;
  failedAgain: number;
}

/** Entries read, checked and sent per step: small enough for a lively progress bar. */
function pageSizeFor(rate: number): number {
  return Math.max(10, Math.min(2000, Math.floor(rate / 4)));
}

/**
 * Sends the selected entries back to their origin topic at `rate` events/s. Per page: each
 * entry runs the ingest checks again; those that pass go back (headers name the replay and the
 * attempt; the envelope carries the same so a later stage that fails it raises the attempts),
 * those that fail return to the store as new entries with attempts + 1; then every entry of the
 * page is recorded as replayed. A crash between sending and recording leaves entries pending,
 * and replaying them again is harmless: the workers deduplicate by the event's identity
 * (source, event_type, event_id), none of which an edit may change (edit-fields.ts).
 */
export async function runReplay(
  deps: { target: QueryTarget; transport: ReplayTransport; rules: SchemaRules },
  job: { id: string; actor: string; input: DlqReplayInput; sql: SqlPart },
  onProgress: (p: ReplayProgress) => Promise<void> | void,
  opts: { signal?: AbortSignal } = {},
): Promise<ReplayProgress> {
  const { topics, producer } = deps.transport;
  const partitions = new Map<string, number>();
  const progress: ReplayProgress = { processed: 0, sent: 0, failedAgain: 0 };
  const started = Date.now();

  for await (const page of selectedEntries(deps.target, job.sql, pageSizeFor(job.input.rate))) {
    if (opts.signal?.aborted) throw new Error('replay stopped');
    const now = new Date();
    const byTopic = new Map<string, OutgoingMessage[]>();
    const again: DeadLetter[] = [];
    for (const entry of page) {
      const r = reprocess(entry, deps.rules, {
        now,
        replayId: job.id,
        schemaVersion: job.input.schemaVersion,
        editedPayload: job.input.editedPayload,
      });
      if (!r.ok) {
        again.push(failedAgain(entry, r, job, now));
        continue;
      }
      const topic = originTopic(entry, topics);
      let n = partitions.get(topic);
      if (n === undefined) partitions.set(topic, (n = await deps.transport.partitionCount(topic)));
      const list = byTopic.get(topic) ?? [];
      list.push({
        key: r.envelope.event_id,
        partition: partitionForEventId(r.envelope.event_id, n),
        value: JSON.stringify(r.envelope),
        headers: {
          [REPLAY_HEADERS.replayId]: job.id,
          [REPLAY_HEADERS.attempt]: String(entry.attempts),
          [REPLAY_HEADERS.deadLetterId]: entry.id,
        },
      });
      byTopic.set(topic, list);
    }
    await Promise.all([
      ...[...byTopic].map(([topic, messages]) => producer.send(topic, messages)),
      again.length > 0
        ? producer.send(
            topics.deadLetters,
            again.map((d) => ({ key: d.id, value: JSON.stringify(d) })),
          )
        : Promise.resolve(),
    ]);
    await recordStatus(deps.target, page, {
      status: 'replayed',
      actor: job.actor,
      reason: job.input.editedPayload !== undefined ? 'replayed with an edited payload' : 'replayed',
      replayId: job.id,
      at: now,
    });
    progress.processed += page.length;
    progress.failedAgain += again.length;
    progress.sent += page.length - again.length;
    await onProgress({ ...progress });
    // Pace to the requested rate: wait until this many events are due.
    const due = started + (progress.processed / job.input.rate) * 1000;
    const wait = due - Date.now();
    if (wait > 0) await pause(wait, opts.signal);
  }
  return progress;
}

/** Waits `ms`, or less when `signal` aborts (a stopping runner need not sit out a slow page). */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Where a replayed event goes: the events topic it came from (ingest failures never reached one). */
function originTopic(entry: StoredEntry, topics: TopicNames): string {
  const t = entry.origin_topic;
  return t && t !== topics.deadLetters && t !== topics.control ? t : topics.events;
}

function failedAgain(
  entry: StoredEntry,
  r: { code: string; message: string; reasons: string[]; details?: unknown },
  job: { id: string; input: DlqReplayInput },
  now: Date,
): DeadLetter {
  const edited = job.input.editedPayload;
  return {
    id: randomUUID(),
    event_id: entry.event_id,
    stage: 'ingest',
    code: r.code,
    message: r.message,
    details: { reasons: r.reasons, replay_id: job.id, ...(isObject(r.details) ? r.details : {}) },
    payload: edited ?? entry.payload,
    payload_encoding: edited !== undefined ? 'utf8' : entry.payload_encoding,
    source: entry.source,
    write_key_id: entry.write_key_id,
    event_type: entry.event_type,
    schema_version: null,
    origin_topic: entry.origin_topic,
    origin_partition: null,
    origin_offset: null,
    failed_at: now.toISOString(),
    first_failed_at: entry.first_failed_at,
    attempts: entry.attempts + 1,
    replay_of: entry.id,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
