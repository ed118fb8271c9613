'use client';

import Link from 'next/link';
import { formatCount } from '../../lib/format.ts';
import { useCan } from '../../lib/use-can.ts';
import { MessageBrowser } from '../messages/message-browser.tsx';
import { Badge, Card, ErrorState, Loading, numCell, Stat, StatGrid, Table } from '../ui/index.ts';
import { AddPartitionsForm } from './add-partitions-form.tsx';
import { formatBytes, formatRate, formatRetention } from './format-topic.ts';
import { TopicConfigForm } from './topic-config-form.tsx';
import styles from './topics.module.css';
import { useTopic } from './use-topics.ts';

/** One topic: figures, partitions with offsets, configs, the changes allowed, and its messages. */
export function TopicDetail({ name }: { name: string }) {
  const topic = useTopic(name);
  const canWrite = useCan('topics:write');
  const t = topic.data;
  return (
    <div className={styles.page}>
      <div className="crumbs">
        <Link href="/topics">Topics</Link> / <span className="mono">{name}</span>
      </div>
      <div className="page-head">
        <h1 className="mono" data-testid="topic-name">
          {name} {t?.platform && <Badge tone="info">platform</Badge>}
        </h1>
      </div>
      {topic.error ? (
        <ErrorState error={topic.error} />
      ) : !t ? (
        <Loading what="the topic" />
      ) : (
        <>
          <StatGrid>
            <Stat label="Partitions" value={t.partitions} testId="stat-partitions" />
            <Stat label="Replication" value={t.replicationFactor} />
            <Stat label="Retention" value={formatRetention(t.retentionMs)} testId="stat-retention" />
            <Stat label="Cleanup policy" value={t.cleanupPolicy ?? '—'} testId="stat-policy" />
            <Stat label="Size on disk" value={formatBytes(t.sizeBytes)} />
            <Stat label="Messages" value={formatCount(t.messages)} hint="end − start offsets" />
            <Stat label="Throughput" value={formatRate(t.messagesPerSecond)} />
          </StatGrid>
          <Card title="Partitions" flush>
            <Table dense testId="partitions-table" label="Partitions">
              <thead>
                <tr>
                  <th className={numCell}>Partition</th>
                  <th className={numCell}>Leader</th>
                  <th>Replicas</th>
                  <th>In sync</th>
                  <th className={numCell}>Start offset</th>
                  <th className={numCell}>End offset</th>
                  <th className={numCell}>Size</th>
                </tr>
              </thead>
              <tbody>
                {t.partitionDetails.map((p) => (
                  <tr key={p.partition}>
                    <td className={numCell}>{p.partition}</td>
                    <td className={numCell}>{p.leader}</td>
                    <td>{p.replicas.join(', ')}</td>
                    <td>{p.isr.join(', ')}</td>
                    <td className={numCell}>{p.startOffset}</td>
                    <td className={numCell}>{p.endOffset}</td>
                    <td className={numCell}>{formatBytes(p.sizeBytes)}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </Card>
          <Card title="Configuration">
            <dl className={styles.configs}>
              {Object.entries(t.configs).map(([k, v]) => (
                <div key={k} style={{ display: 'contents' }}>
                  <dt>{k}</dt>
                  <dd>{v ?? '—'}</dd>
                </div>
              ))}
            </dl>
          </Card>
          {canWrite && (
            <TopicConfigForm
              key={`${t.retentionMs}-${t.cleanupPolicy}`}
              name={t.name}
              retentionMs={t.retentionMs}
              cleanupPolicy={t.cleanupPolicy}
              platform={t.platform}
            />
          )}
          {canWrite && !t.platform && (
            <AddPartitionsForm key={t.partitions} name={t.name} partitions={t.partitions} />
          )}
          {/* The message browser (components/messages), built by its own owner. */}
          <MessageBrowser topic={name} />
        </>
      )}
    </div>
  );
}
