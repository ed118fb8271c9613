'use client';

import type { DlqEntry } from '@tributary/contracts';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ErrorBanner } from '../error-banner.tsx';
import { useCan } from '../../lib/use-can.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { DryRunResult } from './dry-run-result.tsx';
import { lockedFieldProblem } from './locked-fields.ts';
import { DEFAULT_REPLAY_RATE, payloadProblem } from './replay-options.ts';
import { ReplayProgress } from './replay-progress.tsx';
import { useReplayJob } from './use-replay-job.ts';

type Entry = Pick<DlqEntry, 'id' | 'payload_pretty' | 'masked_fields'>;

/** The editor, for those who may operate the dead letters. */
export function EditReplay({ entry }: { entry: Entry }) {
  const canOperate = useCan('dlq:operate');
  if (!canOperate) {
    return (
      <p className="muted" data-testid="edit-not-allowed">
        Your role may look at dead letters but not replay them.
      </p>
    );
  }
  return <EditAndReplay entry={entry} />;
}

/**
 * Fix one event by hand and send it back; the dry run checks the edit first. Only data,
 * metadata, timestamp and user_id may change: the server refuses any other change (naming the
 * field), and the editor says so while typing.
 */
function EditAndReplay({ entry }: { entry: Entry }) {
  const trpc = useTRPC();
  const [text, setText] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const value = text ?? entry.payload_pretty;
  const problem = useMemo(
    () => payloadProblem(value) ?? lockedFieldProblem(entry.payload_pretty, value),
    [value, entry.payload_pretty],
  );
  const dryRun = useMutation(trpc.dlq.dryRun.mutationOptions());
  const job = useReplayJob();
  const selection = { kind: 'ids' as const, ids: [entry.id] };
  const masked = entry.masked_fields.length > 0;
  const busy = dryRun.isPending || job.running;
  const checkedText = dryRun.variables?.editedPayload;

  if (masked) {
    return (
      <p className="muted" data-testid="edit-locked">
        This payload has masked pii fields ({entry.masked_fields.join(', ')}). Only people with the pii grant
        can edit it: an edit replaces the whole event, masks included.
      </p>
    );
  }
  return (
    <div className="edit-replay">
      <textarea
        className={`editor editor-short${problem ? ' editor-invalid' : ''}`}
        value={value}
        onChange={(e) => {
          setText(e.target.value);
          setConfirming(false);
        }}
        spellCheck={false}
        aria-label="Edited payload"
        aria-invalid={problem !== null}
        data-testid="edit-payload"
      />
      <div
        className={`small ${problem ? 'field-error' : 'good-text'}`}
        aria-live="polite"
        data-testid="edit-status"
      >
        {problem ??
          'Valid JSON. Only data, metadata, timestamp and user_id may change. Run a dry run to check it against the schema.'}
      </div>
      <div className="action-row">
        <button
          type="button"
          className="btn"
          disabled={problem !== null || busy}
          onClick={() => dryRun.mutate({ selection, editedPayload: value })}
          data-testid="edit-dry-run"
        >
          {dryRun.isPending ? 'Checking…' : 'Dry run the edit'}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={problem !== null || busy}
          onClick={() => setConfirming(true)}
          data-testid="edit-replay"
        >
          Replay edited event…
        </button>
        {text !== null && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              setText(null);
              setConfirming(false);
            }}
          >
            Reset to the stored payload
          </button>
        )}
      </div>
      {confirming && problem === null && (
        <div className="confirm" data-testid="edit-confirm-box">
          <span>Send this edited event back to its origin topic in place of the stored one?</span>
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => {
              setConfirming(false);
              job.clear();
              job.start.mutate({ selection, editedPayload: value, rate: DEFAULT_REPLAY_RATE });
            }}
            data-testid="edit-replay-confirm"
          >
            Confirm replay
          </button>
          <button type="button" className="btn" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      <ErrorBanner error={dryRun.error} title="Dry run refused" compact testId="edit-dry-run-error" />
      {dryRun.data && <DryRunResult result={dryRun.data} stale={checkedText !== value} />}
      <ErrorBanner error={job.start.error} title="Replay refused" compact testId="edit-replay-error" />
      {job.replay && <ReplayProgress replay={job.replay} />}
    </div>
  );
}
