import { Counter, Histogram, type Registry } from '@tributary/telemetry';

export interface WorkerMetrics {
  events: Counter<'result'>;
  batchSeconds: Histogram;
  freshnessSeconds: Histogram;
  /** Per processor: events in, kept, dropped, dead_lettered. */
  processorEvents: Counter<'processor' | 'result'>;
  /** Per processor: time spent running its steps. */
  processorSeconds: Counter<'processor'>;
  processorCompileFailures: Counter<'processor'>;
  processorSwitches: Counter<'processor'>;
}

export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  return {
    events: new Counter({
      name: 'worker_events_total',
      help: 'Events handled by the events worker, by result (inserted, duplicate, dead_lettered)',
      labelNames: ['result'],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'worker_batch_duration_seconds',
      help: 'Time to handle one batch, from hand-over to durable insert',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    freshnessSeconds: new Histogram({
      name: 'worker_ingest_to_insert_seconds',
      help: 'Time from ingest receiving an event to the worker having inserted it',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60],
      registers: [registry],
    }),
    processorEvents: new Counter({
      name: 'worker_processor_events_total',
      help: 'Events through each processor, by result (in, kept, dropped, dead_lettered)',
      labelNames: ['processor', 'result'],
      registers: [registry],
    }),
    processorSeconds: new Counter({
      name: 'worker_processor_seconds_total',
      help: "Time spent in each processor's steps",
      labelNames: ['processor'],
      registers: [registry],
    }),
    processorCompileFailures: new Counter({
      name: 'worker_processor_compile_failures_total',
      help: 'Processor versions that would not compile in this worker (the previous version kept running)',
      labelNames: ['processor'],
      registers: [registry],
    }),
    processorSwitches: new Counter({
      name: 'worker_processor_switches_total',
      help: 'Version switches of each processor in this worker (activation, new version, pause)',
      labelNames: ['processor'],
      registers: [registry],
    }),
  };
}
