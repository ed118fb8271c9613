import { Counter, Histogram, type Registry } from '@tributary/telemetry';

export interface IngestMetrics {
  events: Counter<'result'>;
  requestSeconds: Histogram<'status'>;
  schemaViolations: Counter<'subject' | 'enforcement'>;
  rateLimited: Counter<'reason'>;
  rateLimitFallbacks: Counter;
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
    rateLimited: new Counter({
      name: 'ingest_rate_limited_total',
      help: 'Requests answered 429, by reason (key: a write key over its events rate; unauthenticated: an address over its budget of requests without a valid key)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    rateLimitFallbacks: new Counter({
      name: 'ingest_rate_limit_local_decisions_total',
      help: 'Rate-limit decisions taken in this instance alone because Redis did not answer in time (fail-open to per-instance buckets)',
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
