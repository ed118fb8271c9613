/**
 * Every Kafka topic Tributary uses, declared once. The prefix lets tests run on their own
 * topics beside a running platform ("tributary." for npm start, "t<run id>." for a test run).
 */
export interface TopicSpec {
  name: string;
  partitions: number;
  /** Broker-side topic configs (retention, cleanup policy, ...). */
  config: Record<string, string>;
}

export const DEFAULT_TOPIC_PREFIX = 'tributary.';

export function topicNames(prefix: string = DEFAULT_TOPIC_PREFIX) {
  return {
    events: `${prefix}events`,
    deadLetters: `${prefix}dead-letters`,
    control: `${prefix}control`,
  } as const;
}
export type TopicNames = ReturnType<typeof topicNames>;

export function topicSpecs(prefix: string = DEFAULT_TOPIC_PREFIX): TopicSpec[] {
  const names = topicNames(prefix);
  const day = 24 * 60 * 60 * 1000;
  return [
    // Partitions bound worker parallelism; 6 leaves headroom beyond this 2-core machine.
    { name: names.events, partitions: 6, config: { 'retention.ms': String(7 * day) } },
    { name: names.deadLetters, partitions: 3, config: { 'retention.ms': String(14 * day) } },
    // Compacted: the latest value per config key is the current state; late joiners replay it.
    {
      name: names.control,
      partitions: 1,
      config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0' },
    },
  ];
}

/** Kafka header names. Trace context uses the W3C names so any OTel propagator reads them. */
export const HEADERS = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  source: 'tributary-source',
  replayId: 'tributary-replay-id',
  replayAttempt: 'tributary-replay-attempt',
} as const;
