'use client';

import type { DlqSelection } from '@tributary/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ErrorBanner } from '../error-banner.tsx';
import { formatCount } from '../../lib/format.ts';
import { useCan } from '../../lib/use-can.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { DryRunResult } from './dry-run-result.tsx';
import { DEFAULT_REPLAY_RATE, parseRate, parseSchemaVersion } from './replay-options.ts';
import { ReplayProgress } from './replay-progress.tsx';
import { useReplayJob } from './use-replay-job.ts';

interface Props {
  /** What the actions apply to; null when nothing is chosen yet. */
  selection: DlqSelection | null;
  /** Changes when the selection does: results shown belong to the selection they were made for. */
  selectionKey: string;
  /** How many entries that is, as far as the page knows. */
  count: number | null;
  /** The selection in words, e.g. "3 selected" or "everything matching the filter". */
  what: string;
  emptyHint?: string;
}

/** Dry run, replay and discard for a selection, for those who may operate the dead letters. */
export function ActionsPanel(props: Props) {
  const canOperate = useCan('dlq:operate');
  if (!canOperate) return null;
  return <OperateActions {...props} />;
}

/** Dry run, replay and discard for a selection: one entry, some, or everything matching a filter. */
function OperateActions({ selection, selectionKey, count, what, emptyHint }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [versionText, setVersionText] = useState('');
  const [rateText, setRateText] = useState(String(DEFAULT_REPLAY_RATE));
  const [confirming, setConfirming] = useState<'replay' | 'discard' | null>(null);
  const [reason, setReason] = useState('');
  const [discarded, setDiscarded] = useState<number | null>(null);
  const version = parseSchemaVersion(versionText);
  const rate = parseRate(rateText);
  const job = useReplayJob();
  const dryRun = useMutation(trpc.dlq.dryRun.mutationOptions());
  const discard = useMutation(
    trpc.dlq.discard.mutationOptions({
      onSuccess: async (r) => {
        setDiscarded(r.discarded);
        setConfirming(null);
        setReason('');
        await Promise.all([
          queryClient.invalidateQueries(trpc.dlq.list.pathFilter()),
          queryClient.invalidateQueries(trpc.dlq.groups.pathFilter()),
          queryClient.invalidateQueries(trpc.dlq.entry.pathFilter()),
        ]);
      },
    }),
  );
  // A new selection drops the previous one's dry run and confirmations (a running replay stays).
  const resetDryRun = dryRun.reset;
  const resetDiscard = discard.reset;
  useEffect(() => {
    resetDryRun();
    resetDiscard();
    setConfirming(null);
    setDiscarded(null);
  }, [selectionKey, resetDryRun, resetDiscard]);

  const disabled = selection === null || count === 0;
  const busy = dryRun.isPending || job.running || discard.isPending;
  const howMany = count === null ? '' : ` ${formatCount(count)}`;

  return (
    <div className="actions-panel" data-testid="actions-panel">
      <div className="action-row">
        <label className="field">
          <span className="field-label">Schema version</span>
          <input
            className="input small-input num-input"
            inputMode="numeric"
            placeholder="latest"
            value={versionText}
            onChange={(e) => setVersionText(e.target.value)}
            data-testid="schema-version-input"
          />
        </label>
        <label className="field">
          <span className="field-label">Rate (events/s)</span>
          <input
            className="input small-input num-input"
            inputMode="numeric"
            value={rateText}
            onChange={(e) => setRateText(e.target.value)}
            data-testid="rate-input"
          />
        </label>
        <div className="action-buttons">
          <button
            type="button"
            className="btn"
            disabled={disabled || busy || !version.ok}
            onClick={() => {
              if (!selection || !version.ok) return;
              dryRun.mutate({ selection, schemaVersion: version.value });
            }}
            data-testid="dry-run-button"
          >
            {dryRun.isPending ? 'Checking…' : `Dry run ${what}`}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={disabled || busy || !version.ok || !rate.ok}
            onClick={() => setConfirming('replay')}
            data-testid="replay-button"
          >
            Replay {what}…
          </button>
          <button
            type="button"
            className="btn btn-danger-outline"
            disabled={disabled || busy}
            onClick={() => {
              setDiscarded(null);
              discard.reset();
              setConfirming('discard');
            }}
            data-testid="discard-button"
          >
            Discard…
          </button>
        </div>
      </div>
      {disabled && emptyHint && <p className="muted small">{emptyHint}</p>}
      {!version.ok && <div className="field-error">{version.problem}</div>}
      {!rate.ok && <div className="field-error">{rate.problem}</div>}

      {confirming === 'replay' && selection && version.ok && rate.ok && (
        <div className="confirm" data-testid="replay-confirm-box">
          <span>
            Send{howMany} event{count === 1 ? '' : 's'} ({what}) back to their origin topic at{' '}
            {formatCount(rate.value)} events/s
            {version.value !== undefined ? `, validated against schema v${version.value}` : ''}? Each runs the
            ingest checks again; the pipeline drops events it already stored.
          </span>
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => {
              setConfirming(null);
              job.clear();
              job.start.mutate({ selection, schemaVersion: version.value, rate: rate.value });
            }}
            data-testid="replay-confirm"
          >
            Confirm replay
          </button>
          <button type="button" className="btn" onClick={() => setConfirming(null)}>
            Cancel
          </button>
        </div>
      )}
      {confirming === 'discard' && selection && (
        <form
          className="confirm"
          onSubmit={(e) => {
            e.preventDefault();
            discard.mutate({ selection, reason });
          }}
        >
          <input
            className="input grow"
            placeholder="Why discard? (kept with the entries and in the audit log)"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-label="Discard reason"
            data-testid="discard-reason"
          />
          <button
            type="submit"
            className="btn btn-danger"
            disabled={discard.isPending || reason.trim() === ''}
            data-testid="discard-confirm"
          >
            Discard{howMany}
          </button>
          <button type="button" className="btn" onClick={() => setConfirming(null)}>
            Cancel
          </button>
        </form>
      )}

      <ErrorBanner error={dryRun.error} title="Dry run refused" compact testId="dry-run-error" />
      {dryRun.data && <DryRunResult result={dryRun.data} />}
      <ErrorBanner error={job.start.error} title="Replay refused" compact testId="replay-error" />
      <ErrorBanner
        error={job.statusError}
        title="Could not read the replay's progress"
        compact
        testId="replay-status-error"
      />
      {job.replay && <ReplayProgress replay={job.replay} />}
      <ErrorBanner error={discard.error} title="Discard refused" compact testId="discard-error" />
      {discarded !== null && (
        <div className="banner banner-ok small-banner" role="status" data-testid="discard-notice">
          Discarded {formatCount(discarded)} entr{discarded === 1 ? 'y' : 'ies'}.
        </div>
      )}
    </div>
  );
}
