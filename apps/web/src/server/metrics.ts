import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

interface WebMetrics {
  registry: Registry;
  procedureSeconds: Histogram<'procedure' | 'result'>;
}

// On globalThis: dev-mode reloads and Next's separate route bundles must share one registry,
// or metrics would be registered twice (an error) or split across copies.
const holder = globalThis as unknown as { tributaryWebMetrics?: WebMetrics };

/** The console's Prometheus registry: process metrics plus tRPC procedure durations. */
export function webMetrics(): WebMetrics {
  if (!holder.tributaryWebMetrics) {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'web' });
    collectDefaultMetrics({ register: registry });
    const procedureSeconds = new Histogram({
      name: 'web_trpc_procedure_duration_seconds',
      help: 'Time to answer a tRPC procedure, by procedure and result',
      labelNames: ['procedure', 'result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    holder.tributaryWebMetrics = { registry, procedureSeconds };
  }
  return holder.tributaryWebMetrics;
}
