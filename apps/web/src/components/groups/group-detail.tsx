'use client';

import Link from 'next/link';
import { formatCount } from '../../lib/format.ts';
import { useCan } from '../../lib/use-can.ts';
import { formatLagSeconds } from '../topics/format-topic.ts';
import { useGroup } from '../topics/use-topics.ts';
import { Card, ErrorState, Loading, numCell, Stat, StatGrid, Table } from '../ui/index.ts';
import styles from './groups.module.css';
import { LagCharts } from './lag-charts.tsx';
import { ResetOffsetsForm } from './reset-offsets-form.tsx';
import { StateBadge } from './state-badge.tsx';

/** One group: state, members, lag per partition (every 5 s), 24 h history, and the offset reset. */
export function GroupDetail({ groupId }: { groupId: string }) {
  const group = useGroup(groupId);
  const canWrite = useCan('topics:write');
  const g = group.data;
  const topics = g ? [...new Set(g.partitions.map((p) => p.topic))] : [];
  return (
    <div className={styles.page}>
      <div className="crumbs">
        <Link href="/groups">Consumer groups</Link> / <span className="mono">{groupId}</span>
      </div>
      <div className="page-head">
        <h1 className="mono">{groupId}</h1>
      </div>
      {group.error ? (
        <ErrorState error={group.error} />
      ) : !g ? (
        <Loading what="the group" />
      ) : (
        <>
          <StatGrid>
            <Stat label="State" value={<StateBadge state={g.state} />} />
            <Stat label="Members" value={g.members.length} testId="group-members" />
            <Stat label="Lag (messages)" value={formatCount(g.totalLag)} testId="group-total-lag" />
            <Stat label="Lag (time)" value={formatLagSeconds(g.maxLagSeconds)} hint="oldest unread message" />
          </StatGrid>
          <Card title="Partitions" flush>
            <Table dense testId="group-partitions" label="Lag per partition">
              <thead>
                <tr>
                  <th>Topic</th>
                  <th className={numCell}>Partition</th>
                  <th className={numCell}>Committed</th>
                  <th className={numCell}>End offset</th>
                  <th className={numCell}>Lag</th>
                  <th className={numCell}>Behind</th>
                  <th>Member</th>
                </tr>
              </thead>
              <tbody>
                {g.partitions.map((p) => (
                  <tr
                    key={`${p.topic}-${p.partition}`}
                    data-testid="lag-row"
                    data-topic={p.topic}
                    data-partition={p.partition}
                  >
                    <td className="mono">{p.topic}</td>
                    <td className={numCell}>{p.partition}</td>
                    <td className={numCell}>{p.committedOffset ?? '—'}</td>
                    <td className={numCell}>{p.endOffset}</td>
                    <td className={numCell} data-testid="lag-messages">
                      {formatCount(p.lag)}
                    </td>
                    <td className={numCell}>{formatLagSeconds(p.lagSeconds)}</td>
                    <td className={styles.member}>{p.memberId ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </Card>
          {g.members.length > 0 && (
            <Card title="Members" flush>
              <Table dense label="Members">
                <thead>
                  <tr>
                    <th>Member</th>
                    <th>Client</th>
                    <th>Host</th>
                    <th>Assigned</th>
                  </tr>
                </thead>
                <tbody>
                  {g.members.map((m) => (
                    <tr key={m.memberId}>
                      <td className={styles.member}>{m.memberId}</td>
                      <td>{m.clientId}</td>
                      <td>{m.host}</td>
                      <td>
                        {m.assignments.map((a) => `${a.topic} [${a.partitions.join(', ')}]`).join('; ')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            </Card>
          )}
          <LagCharts groupId={groupId} />
          {canWrite && topics.length > 0 && (
            <ResetOffsetsForm groupId={groupId} topics={topics} active={g.members.length > 0} />
          )}
        </>
      )}
    </div>
  );
}
