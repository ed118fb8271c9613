export * from './logger.ts';
export * from './metrics.ts';
export * from './tracing.ts';
export * from './stage-counter.ts';
export * from './http-metrics.ts';
