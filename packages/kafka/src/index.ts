export * from './types.ts';
export { createProducer, type CreateProducerOptions } from './producer.ts';
export { createBatchConsumer, type CreateBatchConsumerOptions } from './consumer.ts';
export { createAdmin, type CreateAdminOptions } from './admin.ts';
export { isPermanentKafkaError, describeError, hasProtocolError } from './errors.ts';
export {
  ADMIN_PRINCIPAL,
  INGEST_CONTROL_GROUP_PREFIX,
  SERVICE_PRINCIPALS,
  kafkaSaslFromEnv,
  principalName,
  serviceAcls,
  type ServicePrincipal,
} from './principals.ts';
export {
  createOffsetReader,
  type CreateOffsetReaderOptions,
  type FetchedPartition,
  type FetchLimits,
  type FetchPosition,
  type OffsetReader,
  type PartitionWatermarks,
} from './offset-reader.ts';
export { createClusterAdmin, type CreateClusterAdminOptions } from './cluster-admin.ts';
export * from './cluster-types.ts';
export { GroupActiveError, UnknownGroupError } from './groups-admin.ts';
export { SHOWN_TOPIC_CONFIGS } from './topics-admin.ts';
export { lagOf, lagSecondsOf, firstTimestampAtOrAfter } from './lag.ts';
