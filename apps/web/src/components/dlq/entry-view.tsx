'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { errorText } from '../../lib/error-text.ts';
import { formatTimestamp } from '../../lib/format.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { ErrorBanner, failureOf } from '../error-banner.tsx';
import { Stat } from '../stat.tsx';
import { ActionsPanel } from './actions-panel.tsx';
import { EditReplay } from './edit-replay.tsx';
import { entryHref } from './entries-table.tsx';
import { PiiControl } from './pii-control.tsx';
import { StatusPill } from './status-pill.tsx';

function reasonsOf(details: unknown): string[] {
  if (typeof details !== 'object' || details === null) return [];
  const reasons = (details as { reasons?: unknown }).reasons;
  return Array.isArray(reasons) ? reasons.filter((r): r is string => typeof r === 'string') : [];
}

/** One dead letter: what failed, why in words, the payload, where it came from, what happened since. */
export function EntryView({ id }: { id: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.dlq.entry.queryOptions({ id }));
  const head = (
    <div className="crumbs">
      <Link href="/dlq">Dead letters</Link> /
    </div>
  );
  const failure = failureOf(query);
  if (failure && !query.data) {
    return (
      <>
        <div className="page-head">
          <div>
            {head}
            <h1 className="mono">{id}</h1>
          </div>
        </div>
        {failure.data?.tributaryCode === 'not_found' ? (
          <section className="card empty" role="alert" data-testid="entry-error">
            <h2>This entry is not in the store</h2>
            <p>{errorText(failure)}</p>
            <Link href="/dlq" className="btn">
              Back to the dead letters
            </Link>
          </section>
        ) : (
          <ErrorBanner
            error={failure}
            title="Could not load this entry"
            testId="entry-error"
            onRetry={() => void query.refetch()}
          />
        )}
      </>
    );
  }
  const e = query.data;
  if (!e) return <p className="muted">Loading…</p>;
  const reasons = reasonsOf(e.details);
  const origin =
    e.origin_topic === null
      ? 'never reached a topic (refused at ingest)'
      : `${e.origin_topic}${e.origin_partition === null ? '' : ` · partition ${e.origin_partition}`}${e.origin_offset === null ? '' : ` · offset ${e.origin_offset}`}`;

  return (
    <>
      <div className="page-head">
        <div>
          {head}
          <h1 className="mono" data-testid="entry-event-id">
            {e.event_id}
          </h1>
          <div className="pills-row">
            <span className="muted small">{e.stage}</span>
            <span className="pill pill-bad" data-testid="entry-code">
              {e.code}
            </span>
            <StatusPill status={e.status} />
          </div>
        </div>
        <PiiControl />
      </div>

      <section className="card verdict verdict-error" data-testid="entry-explanation">
        <div className="verdict-head">{e.message}</div>
        {reasons.length > 0 && (
          <ul className="reasons">
            {reasons.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        )}
        <p className="explanation">{e.explanation}</p>
      </section>

      <div className="stats">
        <Stat
          label="Attempts"
          value={e.attempts}
          hint={e.attempts > 1 ? 'failed again after a replay' : 'first failure'}
        />
        <Stat
          label="First failure"
          value={<span className="stat-small">{formatTimestamp(e.first_failed_at)}</span>}
        />
        <Stat
          label="Last failure"
          value={<span className="stat-small">{formatTimestamp(e.failed_at)}</span>}
        />
        <Stat
          label="Event type"
          value={<span className="stat-small mono">{e.event_type ?? '—'}</span>}
          hint={`${e.source ? `source ${e.source}` : 'no source'}${e.schema_version === null ? '' : ` · schema v${e.schema_version}`}`}
        />
      </div>

      <div className="two-col">
        <section className="card">
          <h2>
            Payload{' '}
            {e.payload_encoding === 'base64' && (
              <span className="pill pill-warn">not UTF-8: shown as base64</span>
            )}
          </h2>
          {e.masked_fields.length > 0 && (
            <p className="small" data-testid="masked-fields">
              <span className="pill pill-warn">pii masked</span> {e.masked_fields.join(', ')}
            </p>
          )}
          <pre className="code payload-box" data-testid="entry-payload">
            {e.payload_pretty}
          </pre>
        </section>
        <section className="card">
          <h2>Where it came from</h2>
          <dl className="facts">
            <dt>Origin</dt>
            <dd className="mono small" data-testid="entry-origin">
              {origin}
            </dd>
            <dt>Source</dt>
            <dd className="mono small">{e.source ?? '—'}</dd>
            <dt>Write key</dt>
            <dd className="mono small">{e.write_key_id ?? '—'}</dd>
            <dt>Entry id</dt>
            <dd className="mono small">{e.id}</dd>
            {e.replay_of && (
              <>
                <dt>Failed again on replay of</dt>
                <dd>
                  <Link href={entryHref(e.replay_of)} className="subject-link mono small">
                    {e.replay_of}
                  </Link>
                </dd>
              </>
            )}
          </dl>
          {e.details !== null && (
            <>
              <h2>Details</h2>
              <pre className="code details-box">{JSON.stringify(e.details, null, 2)}</pre>
            </>
          )}
        </section>
      </div>

      <section className="card table-card">
        <h2 className="card-title">History</h2>
        <table className="table" data-testid="entry-history">
          <thead>
            <tr>
              <th>When</th>
              <th>Status</th>
              <th>By</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {e.history.map((h, i) => (
              <tr key={i}>
                <td className="muted small nowrap">{formatTimestamp(h.at)}</td>
                <td>
                  <StatusPill status={h.status} />
                </td>
                <td className="small">{h.actor}</td>
                <td className="small wrap">
                  {h.reason}
                  {h.replayId && <span className="muted mono"> · replay {h.replayId.slice(0, 8)}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card">
        <h2>Replay this entry as stored</h2>
        <ActionsPanel
          selection={{ kind: 'ids', ids: [e.id] }}
          selectionKey={e.id}
          count={1}
          what="this entry"
        />
      </section>

      <section className="card">
        <h2>Edit &amp; replay</h2>
        <EditReplay entry={e} />
      </section>
    </>
  );
}
