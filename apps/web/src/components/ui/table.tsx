import type { ReactNode } from 'react';
import styles from './table.module.css';

/** A plain data table; the caller writes thead/tbody. Scrolls sideways rather than overflow. */
export function Table(props: { children: ReactNode; dense?: boolean; testId?: string; label?: string }) {
  return (
    <div className={styles.wrap}>
      <table
        className={[styles.table, props.dense && styles.dense].filter(Boolean).join(' ')}
        data-testid={props.testId}
        aria-label={props.label}
      >
        {props.children}
      </table>
    </div>
  );
}

/** The class for a numeric cell (right-aligned, tabular figures). */
export const numCell = styles.num;
