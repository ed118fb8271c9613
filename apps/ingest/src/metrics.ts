import { Counter, Histogram, type Registry } from '@tributary/telemetry';

export interface IngestMetrics {
  events: Counter<'result'>;
  requestSeconds: Histogram<'status'>;
  schemaViolations: Counter<'subject' | 'enforcement'>;
}

export function createIngestMetrics(registry: Registry): IngestMetrics {
  return {
    events: new Counter({
      name: 'ingest_events_total',
      help: 'Events received by ingest, by result (accepted or rejected to the dead-letter topic)',
      labelNames: ['result'],
      registers: [registry],
    }),
    schemaViolations: new Counter({
      name: 'ingest_schema_violations_total',
      help: 'Events whose data failed their subject schema, by subject and enforcement (enforce: rejected; observe: accepted)',
      labelNames: ['subject', 'enforcement'],
      registers: [registry],
    }),
    requestSeconds: new Histogram({
      name: 'ingest_request_duration_seconds',
      help: 'Time from request start to answer, including the Kafka acknowledgement',
      labelNames: ['status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
