import type { AlertRuleInput, RootPolicy } from '@tributary/contracts';

/**
 * The alert rules every single-machine platform starts with, so a newcomer sees an alert
 * travel end to end (rule → routing → webhook → the console's inbox) before configuring
 * anything. They watch the pipeline's own signals; thresholds are the ones the issue names.
 */

/** The webhook receiver that posts to the console's own inbox page. */
export const BUILTIN_INBOX_RECEIVER = 'inbox';

/** Who the seed writes as in audit rows and `createdBy` / `updatedBy`. */
export const BUILTIN_ALERTS_ACTOR = 'system';

const SEEDED = 'Seeded by npm start; edit or delete it like any other rule.';

export function builtinAlertRules(demoSource: string): AlertRuleInput[] {
  return [
    {
      name: 'table-freshness',
      title: 'Events table freshness p99 above 30 s',
      description:
        'How long events take from ingest until they can be queried in ClickHouse (99th percentile ' +
        'over the last 5 minutes), or how long nothing was stored while ingest kept accepting. ' +
        SEEDED,
      query: { kind: 'signal', signal: { kind: 'freshness', table: 'events', quantile: 0.99 } },
      // Clears a little below the threshold, so a value hovering at 30 s notifies once.
      condition: { kind: 'threshold', op: 'above', threshold: 30, recovery: 25 },
      intervalSeconds: 30,
      windowSeconds: 300,
      pendingSeconds: 60,
      labels: { severity: 'critical', team: 'platform' },
    },
    {
      name: 'dead-letter-rate',
      title: 'Dead-letter rate above 1% for 5 minutes',
      description:
        'Dead letters as a share of the events received (every stage). Open the dead-letter queue ' +
        'to see the reasons and replay what was fixed. ' +
        SEEDED,
      query: { kind: 'signal', signal: { kind: 'dead_letter_rate' } },
      condition: { kind: 'threshold', op: 'above', threshold: 0.01 },
      intervalSeconds: 30,
      windowSeconds: 300,
      pendingSeconds: 300,
      labels: { severity: 'warning', team: 'platform' },
    },
    {
      name: 'consumer-lag',
      title: 'Consumer lag above 60 s',
      description:
        'How far behind each consumer group is, in seconds of the oldest unread message (the ' +
        "console's lag samples). A group that stops being sampled reads as no data. " +
        SEEDED,
      query: { kind: 'signal', signal: { kind: 'consumer_lag' } },
      condition: { kind: 'threshold', op: 'above', threshold: 60, recovery: 30 },
      intervalSeconds: 15,
      windowSeconds: 60,
      pendingSeconds: 60,
      labels: { severity: 'warning', team: 'platform' },
    },
    {
      name: 'demo-source-silent',
      title: `Source ${demoSource} silent for 10 minutes`,
      description:
        `No event received from the source ${JSON.stringify(demoSource)} in the last 10 minutes. ` +
        'Run `npm run demo` to send traffic and watch it resolve. ' +
        SEEDED,
      query: { kind: 'signal', signal: { kind: 'source_silence', sources: [demoSource], minutes: 10 } },
      condition: { kind: 'threshold', op: 'below', threshold: 1 },
      intervalSeconds: 30,
      // The silence signal looks back its own 10 minutes; the window says the same.
      windowSeconds: 600,
      pendingSeconds: 0,
      labels: { severity: 'info', team: 'platform' },
    },
  ];
}

/**
 * The root of the routing tree: everything to the inbox, one group per rule (group by
 * alertname). A first notification 10 s after a group starts firing, changes at most once a
 * minute, and a still-firing group repeated every 4 hours.
 */
export function builtinRoutingPolicy(): RootPolicy {
  return {
    receiver: BUILTIN_INBOX_RECEIVER,
    groupBy: ['alertname'],
    groupWaitSeconds: 10,
    groupIntervalSeconds: 60,
    repeatIntervalSeconds: 4 * 3600,
    muteTimings: [],
    routes: [],
  };
}
