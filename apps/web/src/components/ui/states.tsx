import type { ReactNode } from 'react';
import { ErrorBanner } from '../error-banner.tsx';
import type { ErrorLike } from '../../lib/error-text.ts';
import styles from './states.module.css';

/** What a list shows when there is nothing in it yet, and what to do about it. */
export function EmptyState(props: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  testId?: string;
}) {
  return (
    <div className={styles.empty} data-testid={props.testId ?? 'empty-state'}>
      <h3>{props.title}</h3>
      {props.children !== undefined && <p>{props.children}</p>}
      {props.action}
    </div>
  );
}

/** The kit's error state: the console's one error banner (plain words, retrying…, details). */
export function ErrorState(props: {
  error: ErrorLike | null | undefined;
  title?: string;
  testId?: string;
  onRetry?: () => void;
}) {
  return (
    <ErrorBanner
      error={props.error}
      title={props.title}
      compact
      testId={props.testId}
      onRetry={props.onRetry}
    />
  );
}

export function Loading({ what }: { what?: string }) {
  return <p className={styles.loading}>Loading{what ? ` ${what}` : ''}…</p>;
}
