'use client';

import { SeriesChart } from '../series-chart.tsx';
import { Card, ErrorState, Loading } from '../ui/index.ts';
import { useLagHistory } from '../topics/use-topics.ts';
import styles from './groups.module.css';

/** The group's lag over 24 h, one point a minute, from the console's 5 s samples (ClickHouse consumer_lag). */
export function LagCharts({ groupId }: { groupId: string }) {
  const history = useLagHistory(groupId);
  if (history.error) return <ErrorState error={history.error} />;
  if (!history.data) return <Loading what="lag history" />;
  const messages = {
    keys: ['lag (messages)'],
    points: history.data.map((p) => ({ t: p.t, values: { 'lag (messages)': p.lag } })),
  };
  const seconds = {
    keys: ['lag (seconds)'],
    points: history.data.map((p) => ({ t: p.t, values: { 'lag (seconds)': Math.round(p.lagSeconds ?? 0) } })),
  };
  return (
    <div className={styles.charts} data-testid="lag-history" data-points={history.data.length}>
      <Card title="Lag, last 24 h (messages)">
        {history.data.length === 0 ? (
          <p className={styles.note}>No samples yet: the console samples every 5 s.</p>
        ) : (
          <SeriesChart series={messages} kind="line" height={220} />
        )}
      </Card>
      <Card title="Lag, last 24 h (seconds behind)">
        {history.data.length === 0 ? (
          <p className={styles.note}>No samples yet.</p>
        ) : (
          <SeriesChart series={seconds} kind="line" height={220} />
        )}
      </Card>
    </div>
  );
}
