import type { DlqReplay } from '@tributary/contracts';
import { formatCount } from '../../lib/format.ts';

const stateWords: Record<DlqReplay['state'], string> = {
  running: 'Replaying…',
  completed: 'Replay finished',
  failed: 'Replay failed',
  interrupted: 'Replay interrupted',
};

/** The progress bar of one replay and, once it settled, what it did. */
export function ReplayProgress({ replay }: { replay: DlqReplay }) {
  const pct = replay.total > 0 ? Math.round((replay.processed / replay.total) * 100) : 100;
  const settled = replay.state !== 'running';
  return (
    <div
      className="replay"
      data-testid="replay-progress"
      data-state={replay.state}
      data-replay-id={replay.id}
    >
      <div className="replay-head">
        <strong>{stateWords[replay.state]}</strong>
        <span className="muted small">
          {formatCount(replay.processed)} of {formatCount(replay.total)} · {formatCount(replay.rate)} ev/s
        </span>
      </div>
      <div
        className={`progress progress-${replay.state}`}
        role="progressbar"
        aria-label="Replay progress"
        aria-valuemin={0}
        aria-valuemax={replay.total}
        aria-valuenow={replay.processed}
        aria-valuetext={`${pct}%`}
        data-testid="replay-progressbar"
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      {settled && (
        <div
          className={`banner small-banner ${replay.state === 'completed' && replay.failedAgain === 0 ? 'banner-ok' : 'banner-error'}`}
          role="status"
          data-testid="replay-summary"
        >
          <strong data-testid="replay-sent">{formatCount(replay.sent)}</strong> sent back to the pipeline ·{' '}
          <strong data-testid="replay-failed-again">{formatCount(replay.failedAgain)}</strong> failed again
          {replay.failedAgain > 0 && ' (back in the list with their attempts raised)'}
          {replay.processed < replay.total &&
            ` · ${formatCount(replay.total - replay.processed)} not reached`}
          {replay.error && <div data-testid="replay-error-text">{replay.error}</div>}
        </div>
      )}
    </div>
  );
}
