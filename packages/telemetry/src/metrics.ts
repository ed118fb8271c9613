import { Registry, collectDefaultMetrics, Counter, Histogram, Gauge } from 'prom-client';

export { Counter, Histogram, Gauge, Registry };

/** A registry per service (not the global one) so tests can run several services in one process. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
