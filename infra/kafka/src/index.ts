export {
  startKafka,
  BROKER_PRINCIPAL,
  type BrokerAuth,
  type KafkaHandle,
  type StartKafkaOptions,
} from './broker.ts';
export { resolveKafkaJars, isKafkaLibComplete, KAFKA_VERSION, type ResolveJarsOptions } from './jars.ts';
export { probeMetadata, type MetadataProbeResult } from './metadata-probe.ts';
export type { ScramMechanism } from './server-properties.ts';
export {
  authenticatePlain,
  upsertScramCredentials,
  SCRAM_ITERATIONS,
  type PlainCredentials,
} from './sasl.ts';
export { KafkaWire } from './wire.ts';
