import type { DlqDryRunResult } from '@tributary/contracts';
import Link from 'next/link';
import { formatCount } from '../../lib/format.ts';

/** What a replay would do now: pass/fail counts, the reasons, and a verdict per event. */
export function DryRunResult({ result, stale }: { result: DlqDryRunResult; stale?: boolean }) {
  return (
    <div className={`dry-run${stale ? ' stale' : ''}`} data-testid="dry-run-result">
      <div className="traffic-counts">
        <span>
          <strong data-testid="dry-run-total">{formatCount(result.total)}</strong> checked
        </span>
        <span className="good">
          <strong data-testid="dry-run-pass">{formatCount(result.pass)}</strong> would pass
        </span>
        <span className={result.fail > 0 ? 'bad' : 'muted'}>
          <strong data-testid="dry-run-fail">{formatCount(result.fail)}</strong> would fail again
        </span>
        {stale && <span className="muted small">(for an earlier selection)</span>}
      </div>
      {result.truncated && (
        <p className="muted small">
          The selection is larger than a dry run reads: the counts cover its first{' '}
          {formatCount(result.pass + result.fail)} entries.
        </p>
      )}
      {result.reasons.length > 0 && (
        <>
          <h3 className="sub-head">Why they would fail</h3>
          <ul className="reasons" data-testid="dry-run-reasons">
            {result.reasons.map((r) => (
              <li key={r.reason}>
                <span className="pill">{formatCount(r.count)}×</span> {r.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      {result.verdicts.length > 0 && (
        <>
          <h3 className="sub-head">
            Per event{' '}
            {result.verdicts.length < result.total && (
              <span className="muted small">(first {result.verdicts.length}, failures first)</span>
            )}
          </h3>
          <div className="verdicts">
            <table className="table compact fixed">
              <colgroup>
                <col style={{ width: 80 }} />
                <col style={{ width: 240 }} />
                <col />
              </colgroup>
              <tbody>
                {result.verdicts.map((v) => (
                  <tr key={v.id} data-testid="dry-run-verdict" data-ok={v.ok}>
                    <td>
                      <span className={`pill ${v.ok ? 'pill-good' : 'pill-bad'}`}>
                        {v.ok ? 'pass' : 'fail'}
                      </span>
                    </td>
                    <td className="mono small ellipsis">
                      <Link href={`/dlq/${encodeURIComponent(v.id)}`} className="subject-link mono small">
                        {v.event_id}
                      </Link>
                    </td>
                    <td className="wrap">
                      {v.ok ? <span className="muted">passes the checks</span> : v.reasons.join('; ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
