export { startKafka, type KafkaHandle, type StartKafkaOptions } from './broker.ts';
export { resolveKafkaJars, isKafkaLibComplete, KAFKA_VERSION, type ResolveJarsOptions } from './jars.ts';
export { probeMetadata, type MetadataProbeResult } from './metadata-probe.ts';
