export * from './types.ts';
export { createProducer, type CreateProducerOptions } from './producer.ts';
export { createBatchConsumer, type CreateBatchConsumerOptions } from './consumer.ts';
export { createAdmin, type CreateAdminOptions } from './admin.ts';
export { isPermanentKafkaError, describeError } from './errors.ts';
