'use client';

import Link from 'next/link';
import { formatCount } from '../../lib/format.ts';
import { useCan } from '../../lib/use-can.ts';
import { Badge, Card, EmptyState, ErrorState, Loading, numCell, Table } from '../ui/index.ts';
import { CreateTopicForm } from './create-topic-form.tsx';
import { formatBytes, formatRate, formatRetention } from './format-topic.ts';
import styles from './topics.module.css';
import { useTopicList } from './use-topics.ts';

/** The platform's topics (every name under its prefix), refreshed every 5 s. */
export function TopicsView({ prefix }: { prefix: string }) {
  const topics = useTopicList();
  const canWrite = useCan('topics:write');
  return (
    <div className={styles.page}>
      <div className="page-head">
        <h1>Topics</h1>
      </div>
      <Card title="Topics" flush testId="topics-card">
        {topics.error ? (
          <ErrorState error={topics.error} />
        ) : !topics.data ? (
          <Loading what="topics" />
        ) : topics.data.length === 0 ? (
          <EmptyState title="No topics yet">Start the platform or create a topic below.</EmptyState>
        ) : (
          <Table testId="topics-table" label="Topics">
            <thead>
              <tr>
                <th>Name</th>
                <th className={numCell}>Partitions</th>
                <th className={numCell}>Replication</th>
                <th>Retention</th>
                <th>Cleanup policy</th>
                <th className={numCell}>Size</th>
                <th className={numCell}>Messages</th>
                <th className={numCell}>Throughput</th>
              </tr>
            </thead>
            <tbody>
              {topics.data.map((t) => (
                <tr key={t.name} data-testid="topic-row" data-topic={t.name}>
                  <td>
                    <Link className={styles.link} href={`/topics/${encodeURIComponent(t.name)}`}>
                      {t.name}
                    </Link>{' '}
                    {t.platform && <Badge tone="info">platform</Badge>}
                  </td>
                  <td className={numCell}>{t.partitions}</td>
                  <td className={numCell}>{t.replicationFactor}</td>
                  <td data-testid="topic-retention">{formatRetention(t.retentionMs)}</td>
                  <td>{t.cleanupPolicy ?? '—'}</td>
                  <td className={numCell}>{formatBytes(t.sizeBytes)}</td>
                  <td className={numCell}>{formatCount(t.messages)}</td>
                  <td className={numCell}>{formatRate(t.messagesPerSecond)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      <p className={styles.note}>
        Platform topics (events, dead letters, control) are set up by the platform: their partitions and
        cleanup policy cannot be changed here, and their retention can only be raised.
      </p>
      {canWrite && <CreateTopicForm prefix={prefix} />}
    </div>
  );
}
