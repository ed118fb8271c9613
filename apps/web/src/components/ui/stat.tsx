import type { ReactNode } from 'react';
import styles from './stat.module.css';

/** One figure with its label; `tone` colours it when the figure itself is good or bad news. */
export function Stat(props: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  testId?: string;
  tone?: 'bad' | 'good';
}) {
  return (
    <div className={[styles.stat, props.tone && styles[props.tone]].filter(Boolean).join(' ')}>
      <div className={styles.label}>{props.label}</div>
      <div className={styles.value} data-testid={props.testId}>
        {props.value}
      </div>
      {props.hint !== undefined && <div className={styles.hint}>{props.hint}</div>}
    </div>
  );
}

/** Stats side by side, wrapping on narrow screens. */
export function StatGrid({ children }: { children: ReactNode }) {
  return <div className={styles.grid}>{children}</div>;
}
