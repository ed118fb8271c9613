import { readFileSync } from 'node:fs';
import {
  clickHousePanelRunner,
  createAlertDeliverer,
  createAlertEvaluator,
  deleteExpiredAlertHistory,
  type NotificationContext,
  type SmtpSettings,
} from '@tributary/alerts';
import type { QueryTarget } from '@tributary/clickhouse';
import type { Db } from '@tributary/db';
import type { JobsEnv } from '../env.ts';
import type { JobDefinition } from '../job.ts';
import type { JobsMetrics } from '../metrics.ts';

/** Per delivery attempt; three attempts and their backoff stay within the claim's 30 s. */
const DELIVERY_TIMEOUT_MS = 8_000;
const HOUR = 3_600_000;

export function smtpFromEnv(env: JobsEnv): SmtpSettings | null {
  if (!env.SMTP_HOST) return null;
  return {
    host: env.SMTP_HOST,
    port: env.SMTP_PORT ?? (env.SMTP_SECURE === 'tls' ? 465 : 587),
    security: env.SMTP_SECURE,
    from: env.SMTP_FROM,
    ...(env.SMTP_USER ? { auth: { user: env.SMTP_USER, pass: env.SMTP_PASSWORD ?? '' } } : {}),
    ...(env.SMTP_CA_FILE ? { ca: readFileSync(env.SMTP_CA_FILE, 'utf8') } : {}),
  };
}

/**
 * Alerting as three leader jobs, each under its own lease: evaluation (rules → instances →
 * grouped notifications, queued), delivery (the queue → receivers) and history retention. Split
 * so a receiver that hangs for its whole timeout never delays the next evaluation, while both
 * stay single-instance: two instances never evaluate, decide or send the same thing twice.
 */
export function alertJobs(
  deps: {
    db: Db;
    target: QueryTarget;
    /** Lineage neighbours for messages; refreshed before each delivery run. */
    lineage?: { refresh(): Promise<void>; neighbours: NonNullable<NotificationContext['lineage']> };
  },
  env: JobsEnv,
  opts: { instance: string; metrics: JobsMetrics },
): JobDefinition[] {
  const { metrics } = opts;
  const evaluator = createAlertEvaluator({
    db: deps.db,
    target: deps.target,
    panelRunner: (signal) =>
      clickHousePanelRunner(deps.target, { maxExecutionSeconds: env.ALERT_QUERY_TIMEOUT_SECONDS, signal }),
    limits: { maxExecutionSeconds: env.ALERT_QUERY_TIMEOUT_SECONDS },
    concurrency: env.ALERT_CONCURRENCY,
    onEvaluated: (e) => {
      metrics.alertEvaluations.inc({ outcome: e.outcome });
      metrics.alertEvaluationSeconds.observe(e.ms / 1000);
      metrics.alertEvaluationLagSeconds.observe(Math.max(0, e.startedAt - e.slot) / 1000);
    },
  });
  const deliverer = createAlertDeliverer({
    db: deps.db,
    instance: opts.instance,
    consoleUrl: env.CONSOLE_URL,
    smtp: smtpFromEnv(env),
    ...(deps.lineage ? { lineage: deps.lineage.neighbours } : {}),
    timeoutMs: DELIVERY_TIMEOUT_MS,
    onDelivered: (d) => {
      metrics.alertNotifications.inc({ receiver: d.receiver, outcome: d.outcome });
      metrics.alertNotificationLatencySeconds.observe(Math.max(0, d.latencyMs) / 1000);
    },
  });
  return [
    {
      name: 'alert-evaluation',
      intervalMs: env.ALERT_TICK_MS,
      lease: 'leader',
      run: async ({ signal, log }) => {
        const r = await evaluator.tick(signal);
        if (r.changes > 0 || r.records.length > 0)
          log.info(
            { evaluated: r.evaluated, changes: r.changes, notifications: r.records.length },
            'alerts evaluated',
          );
      },
    },
    {
      name: 'alert-delivery',
      intervalMs: env.ALERT_TICK_MS,
      lease: 'leader',
      run: async ({ signal, log }) => {
        await deps.lineage?.refresh();
        for (const d of await deliverer.deliver(signal)) {
          const level = d.outcome === 'sent' || d.outcome === 'silenced' ? 'info' : 'warn';
          log[level](
            { receiver: d.receiver, outcome: d.outcome, attempts: d.attempts, retaken: d.retaken },
            'notification',
          );
        }
      },
    },
    {
      name: 'alert-history-retention',
      intervalMs: HOUR,
      lease: 'leader',
      run: async ({ log }) => {
        const deleted = await deleteExpiredAlertHistory(deps.db);
        if (deleted > 0) log.info({ deleted }, 'alert history past retention deleted');
      },
    },
  ];
}
