'use client';

import type { AlertSilenceView, SilenceExpiryWarning } from '@tributary/alerts';
import { useState } from 'react';
import {
  SILENCE_WARNING_MINUTES,
  useAlertActions,
  useSilences,
  useSilenceWarnings,
} from '../../../hooks/alerts.ts';
import { formatTimestamp } from '../../../lib/format.ts';
import { useCan } from '../../../lib/use-can.ts';
import { QueryError } from '../../error-banner.tsx';
import {
  Badge,
  Button,
  Card,
  ConfirmDialog,
  EmptyState,
  Loading,
  MutationError,
  Table,
} from '../../ui/index.ts';
import { SilenceDialog } from './silence-dialog.tsx';
import { emptyDraft, type SilenceDraft } from './silence-draft.ts';
import { matcherText, silenceEnd, silenceStatus, type SilenceStatus } from './silence-status.ts';
import styles from './silences.module.css';

const STATUS_TONE = { active: 'good', upcoming: 'info', ended: 'neutral' } as const;
const HOUR_MS = 3_600_000;

/** Silences in force and upcoming (ended ones on request), their expiry warnings, and a new one. */
export function SilencesView() {
  const [includeEnded, setIncludeEnded] = useState(false);
  const silences = useSilences(includeEnded);
  const warnings = useSilenceWarnings();
  const canWrite = useCan('alerts:write');
  const { expireSilence, createSilence } = useAlertActions();
  const [creating, setCreating] = useState<SilenceDraft | null>(null);
  const [expiring, setExpiring] = useState<AlertSilenceView | null>(null);
  const now = Date.now();

  // Silences are never edited: extending one is a new silence over the same matchers, from now.
  const extend = (w: SilenceExpiryWarning) =>
    createSilence.mutate({
      silence: {
        matchers: w.silence.matchers,
        startsAt: Date.now(),
        end: { kind: 'at', endsAt: w.endsAt + HOUR_MS },
        comment: `${w.silence.comment} (extended by an hour)`,
      },
    });

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Silences</h1>
          <div className="muted small">
            A silence holds back the notifications of every alert its matchers match, from its start until its
            end (or, until resolved, until none of them is active). Alerts are still evaluated and shown.
          </div>
        </div>
        {canWrite && (
          <Button variant="primary" onClick={() => setCreating(emptyDraft())}>
            New silence
          </Button>
        )}
      </div>
      <QueryError queries={[silences, warnings]} title="Could not load the silences" />
      {warnings.data && warnings.data.length > 0 && (
        <Card title={`Ending within ${SILENCE_WARNING_MINUTES} min`} testId="silence-warnings">
          <ul className={styles.previewList} aria-label="Silences ending soon">
            {warnings.data.map((w) => (
              <li key={w.silence.id} className={styles.warning} role="alert">
                <Badge tone="warn">ends {formatTimestamp(w.endsAt)}</Badge>
                <span>
                  {w.silence.matchers.map(matcherText).join(', ')} by {w.silence.createdBy} still holds{' '}
                  <strong>
                    {w.stillSilencing} firing alert{w.stillSilencing === 1 ? '' : 's'}
                  </strong>
                  : they notify again once it ends.
                </span>
                {canWrite && (
                  <Button size="small" onClick={() => extend(w)} disabled={createSilence.isPending}>
                    Extend by 1 hour
                  </Button>
                )}
              </li>
            ))}
          </ul>
          <MutationError error={createSilence.error} testId="silence-extend-error" />
        </Card>
      )}
      <label>
        <input type="checkbox" checked={includeEnded} onChange={(e) => setIncludeEnded(e.target.checked)} />{' '}
        Show ended silences
      </label>
      <MutationError error={expireSilence.error} testId="silence-expire-error" />
      {!silences.data && !silences.error && <Loading what="silences" />}
      {silences.data && silences.data.length === 0 && (
        <EmptyState title={includeEnded ? 'No silences yet' : 'No silence in force or upcoming'}>
          Silence an alert from the Alerts page in one click, or create one here.
        </EmptyState>
      )}
      {silences.data && silences.data.length > 0 && (
        <Card flush>
          <Table label="Silences" testId="silences" dense>
            <thead>
              <tr>
                <th>Status</th>
                <th>Matchers</th>
                <th>Starts</th>
                <th>Ends</th>
                <th>Author</th>
                <th>Comment</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {silences.data.map((s) => (
                <SilenceRow
                  key={s.id}
                  silence={s}
                  status={silenceStatus(s, now)}
                  canWrite={canWrite}
                  onExpire={() => setExpiring(s)}
                />
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      <SilenceDialog
        key={creating ? 'open' : 'closed'}
        draft={creating}
        title="New silence"
        onClose={() => setCreating(null)}
      />
      <ConfirmDialog
        open={expiring !== null}
        title="Expire this silence?"
        confirmLabel="Expire"
        danger
        busy={expireSilence.isPending}
        onCancel={() => setExpiring(null)}
        onConfirm={() => {
          if (expiring) expireSilence.mutate({ id: expiring.id }, { onSettled: () => setExpiring(null) });
        }}
      >
        {expiring && (
          <>Alerts matching {expiring.matchers.map(matcherText).join(', ')} notify again from now on.</>
        )}
      </ConfirmDialog>
    </>
  );
}

function SilenceRow(props: {
  silence: AlertSilenceView;
  status: SilenceStatus;
  canWrite: boolean;
  onExpire: () => void;
}) {
  const s = props.silence;
  const end = silenceEnd(s);
  return (
    <tr data-testid="silence-row" data-id={s.id} data-status={props.status}>
      <td>
        <Badge tone={STATUS_TONE[props.status]}>{props.status}</Badge>
      </td>
      <td className="mono">{s.matchers.map(matcherText).join(', ')}</td>
      <td>{formatTimestamp(s.startsAt)}</td>
      <td>
        {end === null ? 'until resolved' : formatTimestamp(end)}
        {s.expiredBy && <div className="muted small">expired by {s.expiredBy}</div>}
      </td>
      <td>{s.createdBy}</td>
      <td>{s.comment}</td>
      <td>
        {props.canWrite && props.status !== 'ended' && (
          <Button size="small" variant="danger" onClick={props.onExpire}>
            Expire
          </Button>
        )}
      </td>
    </tr>
  );
}
