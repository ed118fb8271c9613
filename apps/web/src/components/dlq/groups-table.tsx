'use client';

import type { DlqGroup } from '@tributary/contracts';
import { formatCount } from '../../lib/format.ts';
import { Sparkline } from './sparkline.tsx';
import { When } from './when.tsx';

interface Props {
  groups: DlqGroup[] | undefined;
  active: { code: string; reason: string };
  onPick: (group: DlqGroup) => void;
}

/** Failures by error code and reason, largest first; picking one filters the list to it. */
export function GroupsTable({ groups, active, onPick }: Props) {
  if (!groups) return <p className="muted empty-row">Loading…</p>;
  if (groups.length === 0)
    return (
      <p className="muted empty-row" data-testid="groups-empty">
        Nothing failed in this range with these filters.
      </p>
    );
  return (
    <table className="table dense fixed groups" data-testid="dlq-groups">
      <colgroup>
        <col style={{ width: 170 }} />
        <col />
        <col style={{ width: 90 }} />
        <col style={{ width: 70 }} />
        <col style={{ width: 76 }} />
        <col style={{ width: 110 }} />
        <col style={{ width: 110 }} />
        <col style={{ width: 150 }} />
      </colgroup>
      <thead>
        <tr>
          <th>Code</th>
          <th>Reason</th>
          <th>Stages</th>
          <th className="num">Count</th>
          <th className="num">Pending</th>
          <th>First seen</th>
          <th>Last seen</th>
          <th>Over the range</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => {
          const isActive = active.code === g.code && active.reason === g.message;
          return (
            <tr
              key={`${g.code}\u0000${g.message}`}
              className={`clickable${isActive ? ' row-active' : ''}`}
              onClick={() => onPick(g)}
              data-testid="dlq-group"
              data-code={g.code}
            >
              <td>
                <span className="pill pill-bad">{g.code}</span>
              </td>
              <td className="reason-cell">
                <button
                  type="button"
                  className="link-button"
                  title={g.message}
                  aria-pressed={isActive}
                  onClick={(e) => {
                    e.stopPropagation();
                    onPick(g);
                  }}
                  data-testid="dlq-group-reason"
                >
                  {g.message}
                </button>
              </td>
              <td className="muted small">{g.stages.join(', ')}</td>
              <td className="num" data-testid="dlq-group-count">
                {formatCount(g.count)}
              </td>
              <td className="num" data-testid="dlq-group-pending">
                {formatCount(g.pending)}
              </td>
              <td className="muted small">
                <When iso={g.firstSeen} />
              </td>
              <td className="muted small">
                <When iso={g.lastSeen} />
              </td>
              <td>
                <Sparkline values={g.sparkline} label={`${g.code} failures`} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
