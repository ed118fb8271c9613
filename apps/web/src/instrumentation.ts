// Next calls register() once when a server process starts.
export async function register(): Promise<void> {
  // NOTE: Next also loads this file for the edge runtime, where the Kafka and Postgres clients
  // cannot run; NEXT_RUNTIME is Next's own variable, not configuration (so not in env.ts).
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // NOTE: dead-letter replays run in the jobs service (apps/jobs), not here.
  // Backfills interrupted by a stopped server resume from their record (one console claims each).
  const { startBackfillSupervisor } = await import('./server/backfill-supervisor.ts');
  startBackfillSupervisor();
  // One outbox relay per console process: publishes the control hints each change committed.
  const { startOutboxRelay } = await import('./server/control.ts');
  startOutboxRelay();
  // Consumer-group lag history for the Consumer groups page (one sampler across consoles).
  const { startLagSampler } = await import('./server/topics/start-lag-sampler.ts');
  startLagSampler();
}
