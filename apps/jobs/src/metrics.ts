import { Counter, Gauge, Histogram, type Registry } from '@tributary/telemetry';

export type JobsMetrics = ReturnType<typeof createJobsMetrics>;

export function createJobsMetrics(registry: Registry) {
  return {
    runs: new Counter({
      name: 'tributary_job_runs_total',
      help: 'Job runs by outcome (ok, error, skipped: another instance holds the lease)',
      labelNames: ['job', 'outcome'] as const,
      registers: [registry],
    }),
    runSeconds: new Histogram({
      name: 'tributary_job_run_duration_seconds',
      help: 'How long one run of a job took',
      labelNames: ['job'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
      registers: [registry],
    }),
    leaseHeld: new Gauge({
      name: 'tributary_job_lease_held',
      help: '1 while this instance holds the job lease (leader jobs)',
      labelNames: ['job'] as const,
      registers: [registry],
    }),
    lastSuccess: new Gauge({
      name: 'tributary_job_last_success_timestamp_seconds',
      help: 'When a run of the job last ended without error',
      labelNames: ['job'] as const,
      registers: [registry],
    }),
    replaysRunning: new Gauge({
      name: 'tributary_dlq_replays_running',
      help: 'Dead-letter replays this instance runs now',
      registers: [registry],
    }),
    replaysClaimed: new Counter({
      name: 'tributary_dlq_replays_claimed_total',
      help: 'Dead-letter replays claimed by this instance (takeover: from a runner that stopped)',
      labelNames: ['takeover'] as const,
      registers: [registry],
    }),
    replaysFinished: new Counter({
      name: 'tributary_dlq_replays_finished_total',
      help: 'Dead-letter replay runs that ended here, by the state they ended in',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    alertEvaluations: new Counter({
      name: 'tributary_alert_evaluations_total',
      help: 'Alert rule evaluations by what the query found (values, no_data, error)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    alertEvaluationSeconds: new Histogram({
      name: 'tributary_alert_evaluation_duration_seconds',
      help: "How long one rule's query took",
      buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    alertEvaluationLagSeconds: new Histogram({
      name: 'tributary_alert_evaluation_lag_seconds',
      help: "From a rule's evaluation slot to its query starting (a busy evaluator runs late)",
      buckets: [0.1, 0.5, 1, 2, 5, 15, 60],
      registers: [registry],
    }),
    alertNotifications: new Counter({
      name: 'tributary_alert_notifications_total',
      help: 'Notifications delivered or held back, by receiver and outcome (sent, failed, timed_out, silenced)',
      labelNames: ['receiver', 'outcome'] as const,
      registers: [registry],
    }),
    alertNotificationLatencySeconds: new Histogram({
      name: 'tributary_alert_notification_latency_seconds',
      help: 'From a notification falling due to its delivery outcome',
      buckets: [0.1, 0.5, 1, 2, 5, 15, 60],
      registers: [registry],
    }),
  };
}
