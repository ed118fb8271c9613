'use client';

import { QueryError } from '../../error-banner.tsx';
import { EmptyState, Loading } from '../../ui/index.ts';
import { InboxMessageCard } from './inbox-message.tsx';
import styles from './inbox.module.css';
import { INBOX_REFRESH_MS } from './inbox-limits.ts';
import { useAlertInbox } from './use-alert-inbox.ts';

/**
 * What the built-in `inbox` webhook receiver delivered, newest first: the console receiving its
 * own alerts, so one can be followed from rule to notification without any outside system.
 */
export function AlertInboxView() {
  const inbox = useAlertInbox();
  const messages = inbox.data?.messages ?? [];
  return (
    <>
      <div className="page-head">
        <h1>Alert inbox</h1>
        {inbox.data && (
          <span className="muted small" data-testid="inbox-count">
            {messages.length < inbox.data.total
              ? `newest ${messages.length} of ${inbox.data.total}`
              : `${inbox.data.total} ${inbox.data.total === 1 ? 'message' : 'messages'}`}{' '}
            · refreshes every {INBOX_REFRESH_MS / 1000} s
          </span>
        )}
      </div>
      <p className="muted small">
        Notifications sent to the webhook receiver <code>inbox</code>, which posts to this console at{' '}
        <code>/api/alerts/inbox</code>. The inbox keeps the newest 500.
      </p>
      <QueryError queries={inbox} title="Could not load the inbox" />
      {inbox.isLoading && <Loading what="the inbox" />}
      {inbox.data && messages.length === 0 && (
        <EmptyState title="No notification yet" testId="inbox-empty">
          When a rule routed to the receiver inbox fires, its notification appears here within seconds. The
          built-in rule demo-source-silent fires while the demo source sends nothing; npm run demo resolves
          it.
        </EmptyState>
      )}
      {messages.length > 0 && (
        <div className={styles.list} data-testid="inbox-messages">
          {messages.map((m) => (
            <InboxMessageCard key={m.id} m={m} />
          ))}
        </div>
      )}
    </>
  );
}
