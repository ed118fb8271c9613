'use client';

import { useId, useState } from 'react';
import { describeFailure, type ErrorLike } from '../lib/error-text.ts';
import styles from './error-banner.module.css';

interface BannerProps {
  error: ErrorLike | null | undefined;
  /** What failed, when the message alone would not say ("Replay refused"). */
  title?: string;
  /** Inside a card or form rather than at the top of a page. */
  compact?: boolean;
  testId?: string;
  /** Offered when the failure will not pass by itself (a query too large stops polling). */
  onRetry?: () => void;
}

/**
 * The console's one error state. Shows the server's plain words, "retrying…" while React Query
 * retries a failure the server marked retryable, and the raw text of what failed underneath
 * behind a "Details" toggle. The server never sends a stack, so there is none to show.
 */
export function ErrorBanner({ error, title, compact, testId = 'error-banner', onRetry }: BannerProps) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const failure = describeFailure(error);
  if (!failure) return null;
  return (
    <div
      className={`banner banner-error ${styles.banner}${compact ? ` ${styles.compact}` : ''}`}
      role="alert"
      data-testid={testId}
      data-code={failure.code ?? undefined}
      data-retryable={failure.retryable}
    >
      <div className={styles.line}>
        <span>
          {title && <strong>{title}: </strong>}
          <span data-testid="error-message">{failure.message}</span>
          {failure.retryable && (
            <span className={styles.retrying} data-testid="error-retrying">
              {' '}
              — retrying…
            </span>
          )}
        </span>
        <span className={styles.actions}>
          {!failure.retryable && onRetry && (
            <button type="button" className="btn btn-small" onClick={onRetry} data-testid="error-try-again">
              Try again
            </button>
          )}
          {failure.details && (
            <button
              type="button"
              className={styles.toggle}
              aria-expanded={open}
              aria-controls={detailsId}
              onClick={() => setOpen(!open)}
              data-testid="error-details-toggle"
            >
              {open ? 'Hide details' : 'Details'}
            </button>
          )}
        </span>
      </div>
      {open && failure.details && (
        <pre id={detailsId} className={styles.details} data-testid="error-details">
          {failure.details}
        </pre>
      )}
    </div>
  );
}

/** The parts of a React Query result the banner reads. */
export interface QueryLike {
  error: ErrorLike | null;
  /** The latest failure while React Query is still retrying (error stays null until it gives up). */
  failureReason: ErrorLike | null;
  refetch: () => unknown;
}

/** The failure to show for a query: the final error, or the latest one while retrying. */
export function failureOf(query: QueryLike): ErrorLike | null {
  return query.error ?? query.failureReason ?? null;
}

/** The banner for the first of a page's queries that is failing. */
export function QueryError({
  queries,
  title,
  compact,
  testId,
}: {
  queries: QueryLike | QueryLike[];
  title?: string;
  compact?: boolean;
  testId?: string;
}) {
  const list = Array.isArray(queries) ? queries : [queries];
  const failing = list.find((q) => failureOf(q));
  if (!failing) return null;
  return (
    <ErrorBanner
      error={failureOf(failing)}
      title={title}
      compact={compact}
      testId={testId}
      onRetry={() => void failing.refetch()}
    />
  );
}
