'use client';

import Link from 'next/link';
import { Card, EmptyState, ErrorState, Loading, Table } from '../ui/index.ts';
import { useGroupList } from '../topics/use-topics.ts';
import styles from './groups.module.css';
import { StateBadge } from './state-badge.tsx';

/** Every consumer group the console may see, with its state, refreshed every 5 s. */
export function GroupsView() {
  const groups = useGroupList();
  return (
    <div className={styles.page}>
      <div className="page-head">
        <h1>Consumer groups</h1>
      </div>
      <Card title="Groups" flush>
        {groups.error ? (
          <ErrorState error={groups.error} />
        ) : !groups.data ? (
          <Loading what="consumer groups" />
        ) : groups.data.length === 0 ? (
          <EmptyState title="No consumer groups">
            A group appears once a consumer joins or commits.
          </EmptyState>
        ) : (
          <Table testId="groups-table" label="Consumer groups">
            <thead>
              <tr>
                <th>Group</th>
                <th>State</th>
                <th>Protocol</th>
              </tr>
            </thead>
            <tbody>
              {groups.data.map((g) => (
                <tr key={g.groupId} data-testid="group-row" data-group={g.groupId}>
                  <td>
                    <Link className={styles.link} href={`/groups/${encodeURIComponent(g.groupId)}`}>
                      {g.groupId}
                    </Link>
                  </td>
                  <td>
                    <StateBadge state={g.state} />
                  </td>
                  <td>{g.protocolType || '—'}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
}
