import type { ReactNode } from 'react';
import styles from './card.module.css';

/** A titled panel. `flush` lets a table run to the card's edges. */
export function Card(props: {
  title?: ReactNode;
  actions?: ReactNode;
  flush?: boolean;
  testId?: string;
  className?: string;
  children: ReactNode;
}) {
  const classes = [styles.card, props.flush && styles.flush, props.className].filter(Boolean).join(' ');
  return (
    <section className={classes} data-testid={props.testId}>
      {(props.title !== undefined || props.actions !== undefined) && (
        <div className={styles.head}>
          {props.title !== undefined && <h2 className={styles.title}>{props.title}</h2>}
          {props.actions !== undefined && <div className={styles.actions}>{props.actions}</div>}
        </div>
      )}
      {props.children}
    </section>
  );
}
